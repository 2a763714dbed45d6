import { z } from 'zod';
import type { FieldErrors } from '@/lib/result';

/**
 * RFC 9457 problem details: every error of the management API is `application/problem+json` with
 * a `type` (a link into the API Reference), a `title`, the `status` and, for invalid input, the
 * zod issues, so a client can show each message beside the field it names.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemTypes = {
  'invalid-request': { status: 422, title: 'The request is not valid' },
  'invalid-json': { status: 400, title: 'The request body is not valid JSON' },
  unauthorized: { status: 401, title: 'A valid API key is needed' },
  'not-found': { status: 404, title: 'Not found' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
} as const;

export type ProblemType = keyof typeof problemTypes;

/** One zod-style issue: where and what. */
export const issueSchema = z.object({ code: z.string(), path: z.array(z.union([z.string(), z.number()])), message: z.string() }).loose();

export const problemSchema = z.object({
  type: z.string().describe('A link to this kind of problem in the API Reference'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  issues: z.array(issueSchema).optional().describe('What is wrong with the input, one entry per field or rule'),
});

export type Issue = z.infer<typeof issueSchema>;

export function problem(type: ProblemType, { detail, issues, headers = {} }: { detail?: string; issues?: readonly Issue[]; headers?: Record<string, string> } = {}): Response {
  const { status, title } = problemTypes[type];
  const body = { type: `/settings/api-reference#problem-${type}`, title, status, ...(detail ? { detail } : {}), ...(issues ? { issues } : {}) };
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers } });
}

/** zod's issues as sent: code, path and message (inputs are not echoed back). */
export function issuesOf(error: z.ZodError, prefix: (string | number)[] = []): Issue[] {
  return error.issues.map((i) => ({ code: i.code, path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message }));
}

/** An admin command's refusal (the same one the UI shows beside its fields) as a problem. */
export function refusal({ formError, fieldErrors }: { formError?: string; fieldErrors?: FieldErrors }): Response {
  if (formError === 'Not found') return problem('not-found');
  const issues: Issue[] = Object.entries(fieldErrors ?? {}).flatMap(([field, messages]) => (messages ?? []).map((message) => ({ code: 'custom', path: [field], message })));
  if (formError) issues.push({ code: 'custom', path: [], message: formError });
  return problem('invalid-request', { detail: issues[0]?.message, issues });
}
