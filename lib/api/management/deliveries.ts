import { z } from 'zod';
import { webhookIdSchema } from '@/lib/webhooks/core/webhook-form';
import { retryDelivery } from '@/lib/webhooks/manage/retry';
import { sendTestEvent } from '@/lib/webhooks/publish/test-event';
import { getDelivery } from '@/lib/webhooks/read/delivery';
import { listDeliveryAttempts } from '@/lib/webhooks/read/delivery-log';
import { defineOperation, reply } from '../operation';
import { problem } from '../problem';
import { deliveryLogPageSchema, deliveryLogQuery, deliverySchema, testEventBody } from './schemas';

/** Send Test Event, the Delivery Log and Retry, through the same functions as the pages. */

const tag = 'Deliveries';
const deliveryIdSchema = z.object({ id: z.string().min(1).max(64) });

export const sendTestEventOp = defineOperation({
  method: 'POST',
  path: '/webhooks/{id}/test-events',
  operationId: 'sendTestEvent',
  tag,
  summary: 'Send a test event',
  description: 'Sends the event type’s sample data with your organisation’s id and one of its projects to this webhook, subscribed or not. Poll the delivery for its outcome.',
  auth: 'apiKey',
  params: webhookIdSchema,
  body: testEventBody,
  responses: {
    202: { description: 'Queued', schema: z.object({ deliveryId: z.string(), eventId: z.string() }) },
    404: { description: 'No webhook with this id in the key’s organisation' },
    409: { description: 'The organisation has no project yet' },
  },
  handle: async ({ params, body }, { organisationId }) => {
    const sent = await sendTestEvent(organisationId, params.id, body.eventType);
    if (sent.ok) return reply(202, { deliveryId: sent.deliveryId, eventId: sent.eventId });
    if (sent.reason === 'not_found') return problem('not-found');
    if (sent.reason === 'no_project') return problem('conflict', { detail: sent.message });
    return problem('invalid-request', { detail: sent.message, issues: [{ code: 'custom', path: ['eventType'], message: sent.message }] });
  },
});

export const listAttemptsOp = defineOperation({
  method: 'GET',
  path: '/webhooks/{id}/attempts',
  operationId: 'listDeliveryAttempts',
  tag,
  summary: 'List delivery attempts (the Delivery Log)',
  description: 'Newest first, 50 a page; `nextCursor` fetches the next, older page. The same filters as the Delivery Log: status, event type, a range of UTC days, and a search by delivery id or by a value in the payload (workflow id, document number, …).',
  auth: 'apiKey',
  params: webhookIdSchema,
  query: deliveryLogQuery,
  responses: { 200: { description: 'One page of attempts', schema: deliveryLogPageSchema }, 404: { description: 'No webhook with this id in the key’s organisation' } },
  handle: async ({ params, query }, { organisationId }) => {
    const page = await listDeliveryAttempts(organisationId, params.id, { ...query, eventType: query.event });
    return page ? reply(200, page) : problem('not-found');
  },
});

export const getDeliveryOp = defineOperation({
  method: 'GET',
  path: '/deliveries/{id}',
  operationId: 'getDelivery',
  tag,
  summary: 'Read a delivery with its attempts',
  auth: 'apiKey',
  params: deliveryIdSchema,
  responses: { 200: { description: 'The delivery, its payload and every attempt, oldest first', schema: deliverySchema }, 404: { description: 'No delivery with this id in the key’s organisation' } },
  handle: async ({ params }, { organisationId }) => {
    const delivery = await getDelivery(organisationId, params.id);
    return delivery ? reply(200, delivery) : problem('not-found');
  },
});

export const retryDeliveryOp = defineOperation({
  method: 'POST',
  path: '/deliveries/{id}/retry',
  operationId: 'retryDelivery',
  tag,
  summary: 'Retry a delivery',
  description: 'Re-sends the stored payload (same delivery id, fresh signature timestamp) as a new attempt marked manual, as the Retry button does.',
  auth: 'apiKey',
  params: deliveryIdSchema,
  responses: {
    202: { description: 'Queued', schema: z.object({ deliveryId: z.string() }) },
    404: { description: 'No delivery with this id in the key’s organisation' },
    409: { description: 'The delivery did not fail, or its webhook is inactive or disabled; the problem says which' },
  },
  handle: async ({ params }, { organisationId }) => {
    const retried = await retryDelivery(organisationId, params.id);
    if (!retried) return problem('not-found');
    if ('refused' in retried) return problem('conflict', { detail: retried.refused });
    return reply(202, retried);
  },
});
