import type { z } from 'zod';
import type { AdminContext } from './admin-action';
import { firstUnsafeString, isRecordId } from '@/lib/validation';
import { currentUser } from './session';

/**
 * Wraps a GET route handler that the signed-in admin UI reads from: requires an Org Admin of the
 * session, validates the query string with zod and hands the organisation id to `read`, whose
 * queries must use it. Answers JSON; anything of another organisation is 404.
 */
export function adminRoute<S extends z.ZodType, P extends Record<string, string>>(
  schema: S,
  read: (input: z.output<S>, ctx: AdminContext & { params: P }) => Promise<unknown>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, { params }) => {
    const user = await currentUser();
    if (!user) return Response.json({ error: 'You are not signed in.' }, { status: 401 });
    if (user.role !== 'org_admin') return Response.json({ error: 'The Org Admin role is needed to manage webhooks.' }, { status: 403 });
    // A path id that cannot name a row is "not found" before any query; query strings are checked for
    // control characters before zod, so no hostile byte reaches PostgreSQL.
    const ids = await params;
    if (!Object.values(ids).every(isRecordId)) return Response.json({ error: 'Not found' }, { status: 404 });
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const unsafe = firstUnsafeString(query);
    if (unsafe) return Response.json({ error: `${unsafe.key ?? 'The query'} ${unsafe.reason}` }, { status: 400 });
    const parsed = await schema.safeParseAsync(query);
    if (!parsed.success) return Response.json({ error: 'Invalid request', issues: parsed.error.issues }, { status: 400 });
    const data = await read(parsed.data, { organisationId: user.organisationId, userId: user.id, params: ids });
    if (data === undefined) return Response.json({ error: 'Not found' }, { status: 404 });
    return Response.json(data, { headers: { 'Cache-Control': 'no-store' } });
  };
}
