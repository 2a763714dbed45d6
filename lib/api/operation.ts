import { z } from 'zod';
import { env } from '@/lib/env';
import { checkApiKey } from './keys';
import { issuesOf, problem, type Issue } from './problem';
import { hasServiceToken } from './service-token';

/**
 * One operation of the `/api/v1` API: its method, path, zod schemas and, for the routes built
 * here, its handler. The route files export `apiRoute(operation)` and the OpenAPI document is
 * generated from the same objects (lib/api/registry.ts), so what is served and what is described
 * cannot drift apart.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Auth = 'apiKey' | 'serviceToken' | 'none';
export type ApiResponseSpec = { description: string; schema?: z.ZodType; headers?: Record<string, string>; contentType?: string };

export type ApiContext = { organisationId: string; keyId: string };

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
export type OperationInput<P, Q, B> = { params: Out<P>; query: Out<Q>; body: Out<B> };

export type Operation<P extends z.ZodObject | undefined = z.ZodObject | undefined, Q extends z.ZodObject | undefined = z.ZodObject | undefined, B extends z.ZodType | undefined = z.ZodType | undefined> = {
  method: HttpMethod;
  /** OpenAPI path template under /api/v1, e.g. `/webhooks/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the operation reads, besides Authorization. */
  headerParams?: { name: string; description: string }[];
  /** Success and error answers besides the common ones (401, 429, 422 for invalid input). */
  responses: Record<number, ApiResponseSpec>;
  /** `custom`: a hand-written route whose every answer is listed in `responses` (no problem+json). */
  errors?: 'problem' | 'custom';
  /** Absent for operations whose route is written by hand (the events API) and only described here. */
  handle?: (input: OperationInput<P, Q, B>, ctx: ApiContext) => Promise<Response>;
};

export function defineOperation<P extends z.ZodObject | undefined = undefined, Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  operation: Operation<P, Q, B>,
): Operation<P, Q, B> {
  return operation;
}

/** Management requests are small; anything larger is refused before it is parsed. */
const MAX_BODY_BYTES = 256 * 1024;

const bearer = (request: Request) => /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];

async function authenticate(request: Request, auth: Auth): Promise<ApiContext | Response> {
  const unauthorized = (detail: string) => problem('unauthorized', { detail, headers: { 'WWW-Authenticate': 'Bearer' } });
  if (auth === 'none') return { organisationId: '', keyId: '' };
  if (auth === 'serviceToken') {
    if (!hasServiceToken(request.headers.get('authorization'), env().KAZINEX_SERVICE_TOKEN)) return unauthorized('Send Authorization: Bearer <KAZINEX_SERVICE_TOKEN>.');
    return { organisationId: '', keyId: 'service' };
  }
  const key = bearer(request);
  if (!key) return unauthorized('Send Authorization: Bearer <API key> (Settings → API Keys).');
  const config = env();
  const checked = await checkApiKey(key, { limit: config.API_RATE_LIMIT, windowSeconds: config.API_RATE_LIMIT_WINDOW_SECONDS });
  if (checked.ok) return { organisationId: checked.organisationId, keyId: checked.keyId };
  if (checked.reason === 'rate_limited') {
    return problem('rate-limited', {
      detail: `This API key may make ${config.API_RATE_LIMIT} requests every ${config.API_RATE_LIMIT_WINDOW_SECONDS} s; try again in ${checked.retryAfterSeconds} s.`,
      headers: { 'Retry-After': String(checked.retryAfterSeconds) },
    });
  }
  return unauthorized('This API key is not valid or has been revoked.');
}

async function readBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const tooLarge = () => ({ ok: false as const, response: problem('payload-too-large', { detail: `The body can be at most ${MAX_BODY_BYTES} bytes.` }) });
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return tooLarge();
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return tooLarge();
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, response: problem('invalid-json') };
  }
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * The route handler of an operation: authenticates (an API key acts for its organisation with Org
 * Admin rights), then validates path parameters, query string and body with the operation's zod
 * schemas, answering 422 problem+json with the issues, and hands the organisation id to the handler.
 */
export function apiRoute<P extends z.ZodObject | undefined, Q extends z.ZodObject | undefined, B extends z.ZodType | undefined>(operation: Operation<P, Q, B>): (request: Request, context: RouteContext) => Promise<Response> {
  const handle = operation.handle;
  if (!handle) throw new Error(`${operation.operationId} has no handler`);
  return async (request, context) => {
    const ctx = await authenticate(request, operation.auth);
    if (ctx instanceof Response) return ctx;

    const issues: Issue[] = [];
    const parse = (schema: z.ZodType | undefined, value: unknown, where: string) => {
      if (!schema) return undefined;
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      issues.push(...issuesOf(parsed.error, where === 'body' ? [] : [where]));
      return undefined;
    };
    const params = parse(operation.params, (await context?.params) ?? {}, 'path');
    const query = parse(operation.query, Object.fromEntries(new URL(request.url).searchParams), 'query');
    let body: unknown;
    if (operation.body) {
      const read = await readBody(request);
      if (!read.ok) return read.response;
      body = parse(operation.body, read.value, 'body');
    }
    if (issues.length > 0) {
      // A malformed id cannot name anything of this organisation: the same answer as an unknown one.
      if (issues.every((i) => i.path[0] === 'path')) return problem('not-found');
      return problem('invalid-request', { detail: issues[0]!.message, issues });
    }
    return handle({ params, query, body } as OperationInput<P, Q, B>, ctx);
  };
}

/** A JSON answer of a management operation, never cached. */
export function reply(status: number, body?: unknown): Response {
  if (body === undefined) return new Response(null, { status, headers: { 'Cache-Control': 'no-store' } });
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
}
