import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '@/lib/api/openapi';

const root = path.resolve(import.meta.dirname, '../..');
const apiRoot = path.join(root, 'app/api/v1');

/** Every route file under app/api/v1 as `METHOD /path` (a `[name]` folder is the `{name}` parameter). */
function servedRoutes(dir = apiRoot): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return servedRoutes(full);
    if (name !== 'route.ts') return [];
    const route = '/' + path.relative(apiRoot, dir).split(path.sep).map((s) => s.replace(/^\[(.+)\]$/, '{$1}')).join('/');
    const text = readFileSync(full, 'utf8');
    const methods = [...text.matchAll(/^export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/gm)].map((m) => m[1]!);
    return methods.map((m) => `${m} ${route}`);
  });
}

function documentedRoutes(): string[] {
  const doc = buildOpenApiDocument();
  return Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by @readme/openapi-parser', async () => {
    const doc = buildOpenApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route served under /api/v1, and nothing that is not served', () => {
    const served = servedRoutes().sort();
    expect(served).toContain('POST /events');
    expect(served).toContain('GET /webhooks/{id}/attempts');
    expect(documentedRoutes().sort()).toEqual(served);
  });

  it('a broken document is refused by the validator (the check above can fail)', async () => {
    const doc = structuredClone(buildOpenApiDocument()) as unknown as { paths: Record<string, Record<string, { parameters: { in: string }[] }>> };
    doc.paths['/webhooks/{id}']!.get!.parameters[0]!.in = 'nowhere';
    const result = await validate(doc as never);
    expect(result.valid).toBe(false);
  });

  it('takes the request bodies from the shared form schemas', () => {
    const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, { minLength?: number; maxLength?: number }>; required?: string[] } }> } }>> };
    const create = doc.paths['/webhooks']!.post!.requestBody!.content['application/json']!.schema;
    expect(create.required).toEqual(expect.arrayContaining(['name', 'url']));
    expect(create.required).not.toContain('secret');
    expect(create.properties.name!.maxLength).toBe(100);
    expect(create.properties.secret!.minLength).toBe(16);
    const subs = doc.paths['/webhooks/{id}/subscriptions']!.put!.requestBody!.content['application/json']!.schema as unknown as { properties: { eventTypes: { items: { enum: string[] } } } };
    expect(subs.properties.eventTypes.items.enum).toContain('workflow.completed');
  });

  it('never describes a secret in the list or read responses', () => {
    const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const text = (p: string, m: string) => JSON.stringify(doc.paths[p]![m]!.responses['200']);
    expect(text('/webhooks', 'get')).not.toMatch(/secret"/i);
    expect(text('/webhooks/{id}', 'get')).not.toMatch(/"secret"/);
    expect(JSON.stringify(doc.paths['/webhooks/{id}/roll-secret']!.post!.responses['200'])).toMatch(/"secret"/);
  });
});
