import { z } from 'zod';
import { retrySinceSchema, webhookIdSchema } from '@/lib/webhooks/core/webhook-form';
import { reEnableWebhook, replaySkipped } from '@/lib/webhooks/manage/re-enable';
import { retryFailedSince } from '@/lib/webhooks/manage/retry';
import { rollSecret } from '@/lib/webhooks/manage/roll-secret';
import { defineOperation, reply } from '../operation';
import { problem } from '../problem';
import { countSchema, webhookSchema } from './schemas';
import { webhookView } from './webhooks';

/** Roll secret and the recovery commands of a webhook's page. */

const tag = 'Webhooks';
const notFound = { description: 'No webhook with this id in the key’s organisation' };

export const rollSecretOp = defineOperation({
  method: 'POST',
  path: '/webhooks/{id}/roll-secret',
  operationId: 'rollSecret',
  tag,
  summary: 'Roll the secret',
  description: 'A new secret signs from now on; the replaced one keeps signing `webhook-signature` for 24 hours. The new secret is returned this once.',
  auth: 'apiKey',
  params: webhookIdSchema,
  responses: {
    200: { description: 'The new secret', schema: z.object({ secret: z.string(), previousValidUntil: z.iso.datetime({ offset: true }) }) },
    404: notFound,
  },
  handle: async ({ params }, { organisationId }) => {
    const rolled = await rollSecret(organisationId, params.id);
    return rolled ? reply(200, rolled) : problem('not-found');
  },
});

export const retryFailedSinceOp = defineOperation({
  method: 'POST',
  path: '/webhooks/{id}/retry-failed',
  operationId: 'retryFailedSince',
  tag,
  summary: 'Retry failed deliveries since a time',
  description: 'Re-sends every failed delivery of the webhook created after `since`, each as a manual attempt (test events excluded).',
  auth: 'apiKey',
  params: webhookIdSchema,
  body: z.object({ since: retrySinceSchema }),
  responses: {
    202: { description: 'How many deliveries were queued', schema: countSchema },
    404: notFound,
    409: { description: 'The webhook is inactive or disabled; the problem says which' },
  },
  handle: async ({ params, body }, { organisationId }) => {
    const count = await retryFailedSince(organisationId, params.id, new Date(body.since));
    if (count === null) return problem('not-found');
    if (typeof count === 'object') return problem('conflict', { detail: count.refused });
    return reply(202, { count });
  },
});

export const reEnableOp = defineOperation({
  method: 'POST',
  path: '/webhooks/{id}/re-enable',
  operationId: 'reEnableWebhook',
  tag,
  summary: 'Re-enable a webhook disabled by failure tracking',
  auth: 'apiKey',
  params: webhookIdSchema,
  responses: { 200: { description: 'The webhook, failure counters cleared', schema: webhookSchema }, 404: notFound },
  handle: async ({ params }, { organisationId }) => {
    if (!(await reEnableWebhook(organisationId, params.id))) return problem('not-found');
    const view = await webhookView(organisationId, params.id);
    return view ? reply(200, view) : problem('not-found');
  },
});

export const replaySkippedOp = defineOperation({
  method: 'POST',
  path: '/webhooks/{id}/replay-skipped',
  operationId: 'replaySkipped',
  tag,
  summary: 'Replay skipped deliveries',
  description: 'Sends the deliveries kept while the webhook was disabled, oldest first. Nothing is sent (count 0) while it is still disabled.',
  auth: 'apiKey',
  params: webhookIdSchema,
  responses: { 202: { description: 'How many deliveries were queued', schema: countSchema }, 404: notFound },
  handle: async ({ params }, { organisationId }) => {
    const count = await replaySkipped(organisationId, params.id);
    return count === null ? problem('not-found') : reply(202, { count });
  },
});
