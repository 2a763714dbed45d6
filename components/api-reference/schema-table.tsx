import { schemaRows, typeOf, type SchemaNode } from '@/lib/api/reference';

/** A JSON Schema as a table of its fields; a schema without fields (an array of objects, a union) says what it is first. */
export function SchemaTable({ schema, label }: { schema: SchemaNode; label: string }) {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.some((a) => a.type === 'array')) {
    return (
      <div className="space-y-2">
        <p className="text-xs text-slate-600">One of:</p>
        {alternatives.map((alt, i) => (
          <SchemaTable key={i} schema={alt.type === 'array' && alt.items ? alt.items : alt} label={`${label} (${alt.type === 'array' ? 'an array of these' : 'one object'})`} />
        ))}
      </div>
    );
  }
  const rows = schemaRows(schema);
  if (rows.length === 0) return <p className="font-mono text-xs text-slate-600">{typeOf(schema)}</p>;
  return (
    <div className="relative overflow-x-auto">
      <table className="mt-1 min-w-full text-sm" aria-label={label}>
        <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-4">Field</th>
            <th scope="col" className="py-1 pr-4">Type</th>
            <th scope="col" className="py-1 pr-4">Required</th>
            <th scope="col" className="py-1">Notes</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.path}>
              <td className="py-1.5 pr-4 font-mono text-xs">{r.path}</td>
              <td className="py-1.5 pr-4 font-mono text-xs text-slate-600">{r.type}</td>
              <td className="py-1.5 pr-4">{r.required ? 'Yes' : 'No'}</td>
              <td className="py-1.5 text-slate-600">{r.notes}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
