import type { Metadata } from 'next';
import { SchemaTable } from '@/components/api-reference/schema-table';
import { buildOpenApiDocument } from '@/lib/api/openapi';
import { problemTypes } from '@/lib/api/problem';
import type { SchemaNode } from '@/lib/api/reference';

export const metadata: Metadata = { title: 'API Reference' };

type Parameter = { name: string; in: string; required: boolean; description?: string; schema: SchemaNode };
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  security: Record<string, unknown>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: SchemaNode }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: SchemaNode }> }>;
};

const methodTone: Record<string, string> = {
  get: 'bg-brand-50 text-brand-700',
  post: 'bg-green-50 text-green-700',
  put: 'bg-amber-50 text-amber-800',
  delete: 'bg-red-50 text-red-700',
};

const authText: Record<string, string> = { apiKey: 'API key', serviceToken: 'Service token' };

/** The OpenAPI document of /api/v1 for people: rendered on the server from the same document the JSON endpoint serves. */
export default function ApiReferencePage() {
  const doc = buildOpenApiDocument();
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops as Record<string, Operation>).map(([method, op]) => ({ path, method, op, tag: (op as unknown as { tags: string[] }).tags[0] })),
  );

  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-2xl font-semibold">API Reference</h1>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">{doc.info.description}</p>
        <p className="mt-2 text-sm text-slate-600">
          Base URL <code>/api/v1</code> · version {doc.info.version} · machine-readable:{' '}
          <a href="/api/v1/openapi.json" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
            openapi.json
          </a>{' '}
          (OpenAPI 3.1)
        </p>
        <nav aria-label="Operations" className="mt-4 space-y-3 text-sm">
          {doc.tags.map((tag) => (
            <div key={tag.name}>
              <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{tag.name}</h2>
              <ul className="mt-1 flex flex-wrap gap-2">
                {operations
                  .filter((o) => o.tag === tag.name)
                  .map((o) => (
                    <li key={o.op.operationId}>
                      <a href={`#${o.op.operationId}`} className="rounded bg-slate-100 px-2 py-1 text-xs text-brand-700 hover:bg-slate-200">
                        {o.op.summary}
                      </a>
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </nav>
      </header>

      {doc.tags.map((tag) => (
        <section key={tag.name} aria-labelledby={`tag-${tag.name}`} className="space-y-4">
          <div>
            <h2 id={`tag-${tag.name}`} className="text-xl font-semibold">
              {tag.name}
            </h2>
            <p className="text-sm text-slate-600">{tag.description}</p>
          </div>
          {operations
            .filter((o) => o.tag === tag.name)
            .map(({ path, method, op }) => (
              <article key={op.operationId} id={op.operationId} aria-labelledby={`${op.operationId}-title`} className="rounded-lg border border-slate-200 bg-white p-5">
                <h3 id={`${op.operationId}-title`} className="flex flex-wrap items-center gap-2 text-base font-semibold">
                  <span className={`rounded px-2 py-0.5 font-mono text-xs uppercase ${methodTone[method] ?? ''}`}>{method}</span>
                  <code className="break-all font-mono text-sm">/api/v1{path}</code>
                  <span className="text-slate-700">— {op.summary}</span>
                </h3>
                {op.description ? <p className="mt-2 text-sm text-slate-700">{op.description}</p> : null}
                <p className="mt-2 text-xs text-slate-500">
                  Authorization: {op.security.length === 0 ? 'none' : op.security.map((s) => authText[Object.keys(s)[0]!] ?? Object.keys(s)[0]).join(', ')}
                </p>
                {op.parameters?.length ? (
                  <>
                    <h4 className="mt-4 text-sm font-semibold">Parameters</h4>
                    <div className="relative overflow-x-auto">
                      <table className="mt-1 min-w-full text-sm" aria-label={`${op.summary} parameters`}>
                        <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                          <tr>
                            <th scope="col" className="py-1 pr-4">Name</th>
                            <th scope="col" className="py-1 pr-4">In</th>
                            <th scope="col" className="py-1 pr-4">Required</th>
                            <th scope="col" className="py-1">Notes</th>
                          </tr>
                        </thead>
                        <tbody className="divide-y divide-slate-100">
                          {op.parameters.map((p) => (
                            <tr key={`${p.in}-${p.name}`}>
                              <td className="py-1.5 pr-4 font-mono text-xs">{p.name}</td>
                              <td className="py-1.5 pr-4 text-slate-600">{p.in}</td>
                              <td className="py-1.5 pr-4">{p.required ? 'Yes' : 'No'}</td>
                              <td className="py-1.5 text-slate-600">{[p.description, p.schema.enum ? `one of ${p.schema.enum.join(', ')}` : null].filter(Boolean).join('; ')}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </>
                ) : null}
                {op.requestBody ? (
                  <>
                    <h4 className="mt-4 text-sm font-semibold">Request body (JSON)</h4>
                    <SchemaTable schema={Object.values(op.requestBody.content)[0]!.schema} label={`${op.summary} request body`} />
                  </>
                ) : null}
                <h4 className="mt-4 text-sm font-semibold">Responses</h4>
                <dl className="mt-1 space-y-2 text-sm">
                  {Object.entries(op.responses).map(([status, r]) => {
                    const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
                    const isProblem = type === 'application/problem+json';
                    return (
                      <div key={status}>
                        <dt className="font-mono text-xs font-semibold">
                          {status} <span className="font-sans font-normal text-slate-700">{r.description}</span>
                        </dt>
                        <dd className="ml-6">
                          {isProblem ? (
                            <a href="#problems" className="text-xs text-brand-700 underline underline-offset-2 hover:text-brand-600">
                              application/problem+json
                            </a>
                          ) : media ? (
                            <SchemaTable schema={media.schema} label={`${op.summary} ${status} response`} />
                          ) : null}
                        </dd>
                      </div>
                    );
                  })}
                </dl>
              </article>
            ))}
        </section>
      ))}

      <section id="problems" aria-labelledby="problems-title" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="problems-title" className="text-xl font-semibold">
          Errors (RFC 9457 problem details)
        </h2>
        <p className="mt-2 text-sm text-slate-700">
          Errors of the management API have the content type <code>application/problem+json</code>. Invalid input comes with{' '}
          <code>issues</code>: one entry per problem with its <code>path</code> (the field; <code>path</code> and <code>query</code>{' '}
          first for URL parts) and the same <code>message</code> the pages show beside the field. Anything of another organisation is{' '}
          <code>404</code>. Past the per-key limit the answer is <code>429</code> with <code>Retry-After</code> in seconds.
        </p>
        <SchemaTable schema={doc.components.schemas.Problem as SchemaNode} label="Problem fields" />
        <dl className="mt-4 space-y-1 text-sm">
          {Object.entries(problemTypes).map(([type, p]) => (
            <div key={type} id={`problem-${type}`} className="flex gap-3">
              <dt className="w-12 font-mono text-xs">{p.status}</dt>
              <dd>
                <code className="text-xs">#problem-{type}</code> — {p.title}
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
