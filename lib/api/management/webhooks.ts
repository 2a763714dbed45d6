import { z } from 'zod';
import { generateSecret, webhookIdSchema } from '@/lib/webhooks/core/webhook-form';
import * as manage from '@/lib/webhooks/manage/webhooks';
import { replaceSubscriptions } from '@/lib/webhooks/manage/subscriptions';
import { getWebhook, listSubscriptions, listWebhooks } from '@/lib/webhooks/read/webhook-list';
import { defineOperation, reply } from '../operation';
import { problem, refusal } from '../problem';
import { createdWebhookSchema, createWebhookBody, subscriptionsBody, updateWebhookBody, webhookSchema, webhookSummarySchema } from './schemas';

/** Webhooks and their subscriptions: the same commands and reads as Settings → Webhooks. */

const tag = 'Webhooks';
const notFound = { description: 'No webhook with this id in the key’s organisation' };

/** A webhook as the API shows it: never its secret. Null when not in the organisation. */
export async function webhookView(organisationId: string, id: string) {
  const [row, eventTypes] = await Promise.all([getWebhook(organisationId, id), listSubscriptions(organisationId, id)]);
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    active: row.active,
    eventTypes,
    lastDeliveryStatus: row.lastDeliveryStatus,
    lastDeliveryAt: row.lastDeliveryAt,
    consecutiveFailures: row.consecutiveFailures,
    lastSuccessAt: row.lastSuccessAt,
    lastFailureAt: row.lastFailureAt,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt,
    previousSecretValidUntil: row.previousSecretCiphertext && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date() ? row.previousSecretExpiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  } satisfies Record<keyof z.input<typeof webhookSchema>, unknown>;
}

async function answerWithWebhook(organisationId: string, id: string, status = 200, extra: Record<string, unknown> = {}) {
  const view = await webhookView(organisationId, id);
  return view ? reply(status, { ...view, ...extra }) : problem('not-found');
}

export const listWebhooksOp = defineOperation({
  method: 'GET',
  path: '/webhooks',
  operationId: 'listWebhooks',
  tag,
  summary: 'List webhooks',
  auth: 'apiKey',
  responses: { 200: { description: 'The organisation’s webhooks, newest first', schema: z.object({ webhooks: z.array(webhookSummarySchema) }) } },
  handle: async (_input, { organisationId }) => reply(200, { webhooks: await listWebhooks(organisationId) }),
});

export const createWebhookOp = defineOperation({
  method: 'POST',
  path: '/webhooks',
  operationId: 'createWebhook',
  tag,
  summary: 'Create a webhook',
  description: 'The endpoint URL must be publicly reachable: its host is resolved and private, loopback and metadata addresses are refused, as in the New Webhook dialog.',
  auth: 'apiKey',
  body: createWebhookBody,
  responses: { 201: { description: 'Created; `secret` only when it was generated', schema: createdWebhookSchema, headers: { Location: 'The new webhook’s URL' } } },
  handle: async ({ body }, { organisationId }) => {
    const secret = body.secret ?? generateSecret();
    const created = await manage.createWebhook(organisationId, { ...body, secret });
    if (!created.ok) return refusal(created);
    const response = await answerWithWebhook(organisationId, created.data.id, 201, body.secret === undefined ? { secret } : {});
    response.headers.set('Location', `/api/v1/webhooks/${created.data.id}`);
    return response;
  },
});

export const getWebhookOp = defineOperation({
  method: 'GET',
  path: '/webhooks/{id}',
  operationId: 'getWebhook',
  tag,
  summary: 'Read a webhook',
  auth: 'apiKey',
  params: webhookIdSchema,
  responses: { 200: { description: 'The webhook with its subscriptions and failure tracking', schema: webhookSchema }, 404: notFound },
  handle: async ({ params }, { organisationId }) => answerWithWebhook(organisationId, params.id),
});

export const updateWebhookOp = defineOperation({
  method: 'PUT',
  path: '/webhooks/{id}',
  operationId: 'updateWebhook',
  tag,
  summary: 'Update a webhook',
  description: 'Replaces name, endpoint URL and Active; the secret only when one is sent (which also ends a rolled secret’s overlap).',
  auth: 'apiKey',
  params: webhookIdSchema,
  body: updateWebhookBody,
  responses: { 200: { description: 'The updated webhook', schema: webhookSchema }, 404: notFound },
  handle: async ({ params, body }, { organisationId }) => {
    const updated = await manage.updateWebhook(organisationId, { ...body, secret: body.secret ?? '', id: params.id });
    return updated.ok ? answerWithWebhook(organisationId, params.id) : refusal(updated);
  },
});

export const deleteWebhookOp = defineOperation({
  method: 'DELETE',
  path: '/webhooks/{id}',
  operationId: 'deleteWebhook',
  tag,
  summary: 'Delete a webhook',
  description: 'Deletes the webhook with its subscriptions and delivery log.',
  auth: 'apiKey',
  params: webhookIdSchema,
  responses: { 204: { description: 'Deleted' }, 404: notFound },
  handle: async ({ params }, { organisationId }) => {
    const deleted = await manage.deleteWebhook(organisationId, params.id);
    return deleted.ok ? reply(204) : refusal(deleted);
  },
});

export const replaceSubscriptionsOp = defineOperation({
  method: 'PUT',
  path: '/webhooks/{id}/subscriptions',
  operationId: 'replaceSubscriptions',
  tag,
  summary: 'Replace the event subscriptions',
  description: 'The events sent become exactly the webhook’s subscriptions, as Save Subscriptions does.',
  auth: 'apiKey',
  params: webhookIdSchema,
  body: subscriptionsBody,
  responses: { 200: { description: 'The webhook with its new subscriptions', schema: webhookSchema }, 404: notFound },
  handle: async ({ params, body }, { organisationId }) => {
    const saved = await replaceSubscriptions(organisationId, { id: params.id, eventTypes: body.eventTypes });
    return saved.ok ? answerWithWebhook(organisationId, params.id) : refusal(saved);
  },
});
