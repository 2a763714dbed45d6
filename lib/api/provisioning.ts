import { z } from 'zod';
import { kazinexIdSchema, organisationBodySchema, projectBodySchema, userBodySchema } from '@/lib/provisioning/schema';
import { defineOperation, type Operation } from './operation';

/*
 * The provisioning API (SPEC §10; app/api/v1/organisations/…, written by hand with the service
 * token): described here for the OpenAPI document. Every PUT is an idempotent upsert, every DELETE
 * idempotent too; deleting an organisation removes everything of it.
 */

const error = z.object({ error: z.string(), message: z.string(), issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }).loose()).optional() });
const errors = (): Record<number, { description: string; schema: z.ZodType }> => ({
  401: { description: 'No valid service token', schema: error },
  422: { description: 'An invalid id or body: nothing was stored', schema: error },
});

const organisationParams = z.object({ organisationId: kazinexIdSchema });
const projectParams = organisationParams.extend({ projectId: kazinexIdSchema });
const userParams = organisationParams.extend({ userId: kazinexIdSchema });

const organisation = z.object({ id: z.string(), name: z.string(), created_at: z.string() });
const project = z.object({ id: z.string(), organisation_id: z.string(), name: z.string(), created_at: z.string() });
const user = z.object({
  id: z.string(),
  organisation_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['org_admin', 'member']),
  password_sign_in: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

const put = (path: string, operationId: string, summary: string, params: z.ZodObject, body: z.ZodType, record: z.ZodType, extra: Record<number, { description: string; schema: z.ZodType }> = {}) =>
  defineOperation({
    method: 'PUT',
    path,
    operationId,
    tag: 'Provisioning',
    summary,
    auth: 'serviceToken',
    params,
    body,
    errors: 'custom',
    responses: { 200: { description: 'Updated', schema: record }, 201: { description: 'Created', schema: record }, ...errors(), ...extra },
  });

const remove = (path: string, operationId: string, summary: string, params: z.ZodObject) =>
  defineOperation({
    method: 'DELETE',
    path,
    operationId,
    tag: 'Provisioning',
    summary,
    auth: 'serviceToken',
    params,
    errors: 'custom',
    responses: { 204: { description: 'Deleted, or there was nothing to delete' }, ...errors() },
  });

export const provisioningOperations = [
  put('/organisations/{organisationId}', 'putOrganisation', 'Create or rename an organisation', organisationParams, organisationBodySchema, organisation),
  remove('/organisations/{organisationId}', 'deleteOrganisation', 'Delete an organisation with its projects, people, webhooks, events and log', organisationParams),
  put('/organisations/{organisationId}/projects/{projectId}', 'putProject', 'Create or rename a project', projectParams, projectBodySchema, project, {
    404: { description: 'No such organisation', schema: error },
  }),
  remove('/organisations/{organisationId}/projects/{projectId}', 'deleteProject', 'Delete a project', projectParams),
  put('/organisations/{organisationId}/users/{userId}', 'putUser', 'Create or update a person (without a password: single sign-on only)', userParams, userBodySchema, user, {
    404: { description: 'No such organisation', schema: error },
    409: { description: 'The email belongs to another user', schema: error },
  }),
  remove('/organisations/{organisationId}/users/{userId}', 'deleteUser', 'Delete a person; their sessions end at once', userParams),
] as unknown as readonly Operation[];
