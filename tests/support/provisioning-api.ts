import * as organisationRoute from '@/app/api/v1/organisations/[organisationId]/route';
import * as projectRoute from '@/app/api/v1/organisations/[organisationId]/projects/[projectId]/route';
import * as userRoute from '@/app/api/v1/organisations/[organisationId]/users/[userId]/route';
import { env } from '@/lib/env';

type Method = 'PUT' | 'DELETE';

/**
 * Calls the provisioning API's route handlers exactly as Next does, with a real Request and the
 * path's parameters. `path` is the part after /api/v1, e.g. `/organisations/org_1/users/usr_1`.
 */
export function callProvisioningApi(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request(`http://localhost/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${env().KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [, organisationId, kind, id] = parts;
  if (parts.length === 2) return organisationRoute[method](request, { params: Promise.resolve({ organisationId: organisationId! }) });
  if (kind === 'projects') return projectRoute[method](request, { params: Promise.resolve({ organisationId: organisationId!, projectId: id! }) });
  if (kind === 'users') return userRoute[method](request, { params: Promise.resolve({ organisationId: organisationId!, userId: id! }) });
  throw new Error(`Not a provisioning path: ${path}`);
}
