import type { z } from 'zod';
import { hasServiceToken } from '@/lib/api/service-token';
import { env } from '@/lib/env';
import { kazinexIdSchema } from './schema';

/** The provisioning API answers in the events API's shape: `{error, message, issues?}`. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) => Response.json(body, { status, headers });

export const notFound = (what: string) => json(404, { error: 'not_found', message: `${what} was not found.` });
export const conflict = (message: string) => json(409, { error: 'conflict', message });
const invalid = (issues: readonly unknown[]) => json(422, { error: 'invalid_request', message: 'Nothing was changed: fix the issues and send the request again.', issues });

const MAX_BODY_BYTES = 64 * 1024;

/** 401 unless the request carries the service token. */
export function refuseWithoutServiceToken(request: Request): Response | null {
  if (hasServiceToken(request.headers.get('authorization'), env().KAZINEX_SERVICE_TOKEN)) return null;
  return json(401, { error: 'unauthorized', message: 'Send Authorization: Bearer <KAZINEX_SERVICE_TOKEN>.' }, { 'WWW-Authenticate': 'Bearer' });
}

/** The path's ids, each checked; a malformed one is a 422 naming its parameter. */
export function parseIds<K extends string>(params: Record<K, string>): { ok: true; ids: Record<K, string> } | { ok: false; response: Response } {
  const issues: unknown[] = [];
  for (const [name, value] of Object.entries(params) as [K, string][]) {
    const parsed = kazinexIdSchema.safeParse(value);
    if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ ...i, path: [name] })));
  }
  return issues.length > 0 ? { ok: false, response: invalid(issues) } : { ok: true, ids: params };
}

/** The JSON body validated by `schema`: a 400 for malformed JSON, 413 when too large, 422 with zod's issues. */
export async function parseBody<S extends z.ZodType>(request: Request, schema: S): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  const tooLarge = { ok: false as const, response: json(413, { error: 'payload_too_large', message: `The request body can be at most ${MAX_BODY_BYTES} bytes.` }) };
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return tooLarge;
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return tooLarge;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, response: json(400, { error: 'invalid_json', message: 'The request body is not valid JSON.' }) };
  }
  const parsed = await schema.safeParseAsync(body);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: invalid(parsed.error.issues) };
}

/** 201 for a record just created, 200 for one updated. */
export const stored = (created: boolean, record: unknown) => json(created ? 201 : 200, record);

export const deleted = () => new Response(null, { status: 204 });
