import type { z } from 'zod';
import type { AdminContext } from './admin-action';
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
    const parsed = await schema.safeParseAsync(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) return Response.json({ error: 'Invalid request', issues: parsed.error.issues }, { status: 400 });
    const data = await read(parsed.data, { organisationId: user.organisationId, userId: user.id, params: await params });
    if (data === undefined) return Response.json({ error: 'Not found' }, { status: 404 });
    return Response.json(data, { headers: { 'Cache-Control': 'no-store' } });
  };
}
