/** Provisioning (SPEC §10): `PUT` creates or renames a project of an organisation, `DELETE` removes it with its events. */
import { conflict, deleted, notFound, parseBody, parseIds, refuseWithoutServiceToken, stored } from '@/lib/provisioning/http';
import { deleteProject, putProject } from '@/lib/provisioning/projects';
import { projectBodySchema } from '@/lib/provisioning/schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Context = { params: Promise<{ organisationId: string; projectId: string }> };

export async function PUT(request: Request, { params }: Context): Promise<Response> {
  const refused = refuseWithoutServiceToken(request);
  if (refused) return refused;
  const ids = parseIds(await params);
  if (!ids.ok) return ids.response;
  const body = await parseBody(request, projectBodySchema);
  if (!body.ok) return body.response;
  const result = await putProject(ids.ids.organisationId, ids.ids.projectId, body.data);
  if (result.ok) return stored(result.created, result.record);
  if (result.reason === 'organisation_not_found') return notFound('The organisation');
  return conflict('This project id belongs to another organisation.');
}

export async function DELETE(request: Request, { params }: Context): Promise<Response> {
  const refused = refuseWithoutServiceToken(request);
  if (refused) return refused;
  const ids = parseIds(await params);
  if (!ids.ok) return ids.response;
  await deleteProject(ids.ids.organisationId, ids.ids.projectId);
  return deleted();
}
