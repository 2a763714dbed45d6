/**
 * The API Reference page's view of the OpenAPI document: each JSON Schema flattened into rows of
 * fields (dotted paths, types, constraints), the way the Webhook Events Reference shows payloads.
 */

export type SchemaNode = {
  type?: string | string[];
  format?: string;
  description?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
};

export type FieldRow = { path: string; type: string; required: boolean; notes: string };

const variants = (s: SchemaNode) => s.anyOf ?? s.oneOf;

export function typeOf(s: SchemaNode): string {
  const alts = variants(s);
  if (alts) return [...new Set(alts.map(typeOf))].join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (s.type === 'object' && !s.properties && s.additionalProperties) return 'object (any keys)';
  return s.type ?? 'any';
}

export function notesOf(s: SchemaNode): string {
  const base = variants(s)?.find((v) => v.type !== 'null') ?? s;
  const notes: string[] = [];
  const add = (cond: unknown, text: string) => {
    if (cond !== undefined && cond !== false) notes.push(text);
  };
  add(base.enum, `one of ${(base.enum ?? []).map((v) => JSON.stringify(v)).join(', ')}`);
  add(base.format, `format ${base.format}`);
  const chars = (n?: number) => `${n} character${n === 1 ? '' : 's'}`;
  add(base.minLength, `at least ${chars(base.minLength)}`);
  add(base.maxLength, `at most ${chars(base.maxLength)}`);
  // zod states JavaScript's safe-integer range on every integer: not worth a reader's attention.
  add(Math.abs(base.minimum ?? Infinity) < Number.MAX_SAFE_INTEGER ? base.minimum : undefined, `≥ ${base.minimum}`);
  add(Math.abs(base.maximum ?? Infinity) < Number.MAX_SAFE_INTEGER ? base.maximum : undefined, `≤ ${base.maximum}`);
  add(base.maxItems, `at most ${base.maxItems} items`);
  add(base.minItems, `at least ${base.minItems} items`);
  add(s.default, `default ${JSON.stringify(s.default)}`);
  const items = base.type === 'array' ? base.items : undefined;
  add(items?.enum, `items one of ${(items?.enum ?? []).map((v) => JSON.stringify(v)).join(', ')}`);
  const description = s.description ?? base.description;
  if (description) notes.unshift(description);
  return notes.join('; ');
}

/** The fields of an object schema (and of objects nested in it), one row each. */
export function schemaRows(schema: SchemaNode, prefix = ''): FieldRow[] {
  const object = variants(schema)?.find((v) => v.type === 'object') ?? schema;
  const required = new Set(object.required ?? []);
  const rows: FieldRow[] = [];
  for (const [name, child] of Object.entries(object.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    rows.push({ path, type: typeOf(child), required: required.has(name), notes: notesOf(child) });
    const inner = variants(child)?.find((v) => v.type === 'object' || v.type === 'array') ?? child;
    if (inner.type === 'object' && inner.properties) rows.push(...schemaRows(inner, path));
    if (inner.type === 'array' && inner.items?.properties) rows.push(...schemaRows(inner.items, `${path}[]`));
  }
  return rows;
}
