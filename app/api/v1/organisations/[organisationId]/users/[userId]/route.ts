/**
 * Provisioning (SPEC §10): `PUT` creates or replaces a user of an organisation (without a password:
 * single sign-on only), `DELETE` removes them and ends their sessions.
 */
import { conflict, deleted, notFound, parseBody, parseIds, refuseWithoutServiceToken, stored } from '@/lib/provisioning/http';
import { userBodySchema } from '@/lib/provisioning/schema';
import { deleteUser, putUser } from '@/lib/provisioning/users';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Context = { params: Promise<{ organisationId: string; userId: string }> };

export async function PUT(request: Request, { params }: Context): Promise<Response> {
  const refused = refuseWithoutServiceToken(request);
  if (refused) return refused;
  const ids = parseIds(await params);
  if (!ids.ok) return ids.response;
  const body = await parseBody(request, userBodySchema);
  if (!body.ok) return body.response;
  const result = await putUser(ids.ids.organisationId, ids.ids.userId, body.data);
  if (result.ok) return stored(result.created, result.record);
  if (result.reason === 'organisation_not_found') return notFound('The organisation');
  if (result.reason === 'email_taken') return conflict('This email is already used by another user.');
  return conflict('This user id belongs to another organisation.');
}

export async function DELETE(request: Request, { params }: Context): Promise<Response> {
  const refused = refuseWithoutServiceToken(request);
  if (refused) return refused;
  const ids = parseIds(await params);
  if (!ids.ok) return ids.response;
  await deleteUser(ids.ids.organisationId, ids.ids.userId);
  return deleted();
}
