/**
 * Provisioning (SPEC §10): `PUT` creates or renames an organisation, `DELETE` removes it with
 * everything of it. Both idempotent; both need the service token.
 */
import { deleted, parseBody, parseIds, refuseWithoutServiceToken, stored } from '@/lib/provisioning/http';
import { deleteOrganisation, putOrganisation } from '@/lib/provisioning/organisations';
import { organisationBodySchema } from '@/lib/provisioning/schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Context = { params: Promise<{ organisationId: string }> };

export async function PUT(request: Request, { params }: Context): Promise<Response> {
  const refused = refuseWithoutServiceToken(request);
  if (refused) return refused;
  const ids = parseIds(await params);
  if (!ids.ok) return ids.response;
  const body = await parseBody(request, organisationBodySchema);
  if (!body.ok) return body.response;
  const result = await putOrganisation(ids.ids.organisationId, body.data);
  return stored(result.created, result.record);
}

export async function DELETE(request: Request, { params }: Context): Promise<Response> {
  const refused = refuseWithoutServiceToken(request);
  if (refused) return refused;
  const ids = parseIds(await params);
  if (!ids.ok) return ids.response;
  await deleteOrganisation(ids.ids.organisationId);
  return deleted();
}
