import { z } from 'zod';
import packageJson from '@/package.json';
import type { ApiResponseSpec, Operation } from './operation';
import { PROBLEM_CONTENT_TYPE, problemSchema } from './problem';
import { apiGroups } from './registry';

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the operations' zod schemas with zod's own
 * JSON Schema output (draft 2020-12, the dialect of OpenAPI 3.1). Request bodies are described as
 * the schemas accept them, responses as the server produces them.
 */

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  return rest;
}

const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } });

function response(spec: ApiResponseSpec, status: number, problems: boolean) {
  if (!spec.schema) return problems && status >= 400 ? problemResponse(spec.description) : { description: spec.description };
  const out: JsonObject = { description: spec.description, content: { [spec.contentType ?? 'application/json']: { schema: jsonSchema(spec.schema, 'output') } } };
  if (spec.headers) out.headers = Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  return out;
}

function parameters(op: Operation) {
  const from = (schema: z.ZodObject | undefined, where: 'path' | 'query') =>
    Object.entries(schema?.shape ?? {}).map(([name, field]) => {
      const s = jsonSchema(field as z.ZodType, 'input');
      const { description, ...rest } = s;
      return { name, in: where, required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema: rest };
    });
  const headers = (op.headerParams ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } }));
  return [...from(op.params, 'path'), ...from(op.query, 'query'), ...headers];
}

function operationObject(op: Operation) {
  const problems = op.errors !== 'custom';
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = response(spec, Number(status), problems);
  if (problems) {
    if (op.params || op.query || op.body) responses['422'] ??= problemResponse('The input is not valid: `issues` says what and where');
    if (op.body) responses['400'] ??= problemResponse('The body is not valid JSON');
    if (op.auth !== 'none') responses['401'] ??= problemResponse('No valid key: missing, unknown or revoked');
    if (op.auth === 'apiKey') {
      responses['429'] = {
        ...problemResponse('Too many requests with this key in the current window'),
        headers: { 'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' } } },
      };
    }
  }
  const params = parameters(op);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.auth === 'none' ? { security: [] } : { security: [{ [op.auth]: [] }] }),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
    responses,
  };
}

export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const group of apiGroups) {
    for (const op of group.operations) (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kazinex Webhooks API',
      version: packageJson.version,
      description:
        'Manage webhooks from code with an API key (Settings → API Keys), and publish events with the service token. Errors of the management API are RFC 9457 problem details (application/problem+json).',
    },
    servers: [{ url: '/api/v1' }],
    tags: apiGroups.map((g) => ({ name: g.tag, description: g.description })),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of Settings → API Keys: acts for its organisation with Org Admin rights' },
        serviceToken: { type: 'http', scheme: 'bearer', description: 'KAZINEX_SERVICE_TOKEN, for other Kazinex services' },
      },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
