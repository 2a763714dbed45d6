import { z } from 'zod';
import { eventTypeSchema } from '@/lib/webhooks/core/events';
import { subscriptionsSchema, webhookEditFormSchema, webhookFormSchema, webhookSecret } from '@/lib/webhooks/core/webhook-form';
import { deliveryLogQuerySchema } from '@/lib/webhooks/core/delivery-log-query';

/**
 * The management API's request and response shapes. Requests reuse the form schemas of the
 * webhook dialog and server actions (lib/webhooks/core/webhook-form.ts); responses describe what
 * the read functions return, with times as ISO-8601 strings. No response carries a webhook secret
 * except creating a webhook without one (the generated secret) and *Roll secret*.
 */

const time = z.iso.datetime({ offset: true });
const id = (prefix: string) => z.string().describe(`${prefix}_… id`);

/** Create: the dialog's fields; without `secret` one is generated and returned once. */
export const createWebhookBody = webhookFormSchema.extend({
  secret: webhookSecret.optional().describe('At least 16 printable characters; generated and returned once when omitted'),
  active: z.boolean().default(true),
});

/** Update: the edit dialog's fields (all of them); without `secret` the stored one is kept. */
export const updateWebhookBody = webhookEditFormSchema.omit({ id: true }).extend({
  secret: webhookEditFormSchema.shape.secret.optional().describe('A new secret; omit it (or send "") to keep the stored one'),
});

export const webhookSummarySchema = z.object({
  id: id('wh'),
  name: z.string(),
  url: z.string(),
  active: z.boolean(),
  subscriptionCount: z.number().int(),
  lastDeliveryStatus: z.enum(['success', 'failed']).nullable(),
  lastDeliveryAt: time.nullable(),
  createdAt: time,
});

export const webhookSchema = webhookSummarySchema.omit({ subscriptionCount: true }).extend({
  eventTypes: z.array(eventTypeSchema).describe('The events this webhook is subscribed to'),
  consecutiveFailures: z.number().int(),
  lastSuccessAt: time.nullable(),
  lastFailureAt: time.nullable(),
  disabledReason: z.string().nullable().describe('Set when failure tracking disabled the webhook; Re-enable clears it'),
  disabledAt: time.nullable(),
  previousSecretValidUntil: time.nullable().describe('After Roll secret: until when the replaced secret still signs'),
  updatedAt: time,
});

export const createdWebhookSchema = webhookSchema.extend({
  secret: z.string().optional().describe('Only when the request had no secret: the generated one, shown this once'),
});

export const attemptStatus = z.enum(['success', 'failed']);
export const attemptTrigger = z.enum(['automatic', 'manual', 'test']);
export const deliveryStatus = z.enum(['pending', 'retrying', 'succeeded', 'failed', 'skipped']);

export const deliveryLogQuery = deliveryLogQuerySchema;

export const deliveryLogPageSchema = z.object({
  rows: z.array(
    z.object({
      attemptId: id('att'),
      deliveryId: id('dlv'),
      eventType: z.string(),
      occurredAt: time.describe('When the event occurred: the log’s Timestamp'),
      startedAt: time,
      status: attemptStatus,
      responseStatus: z.number().int().nullable(),
      durationMs: z.number().int(),
      error: z.string().nullable(),
      attemptNumber: z.number().int(),
      trigger: attemptTrigger,
      isTest: z.boolean(),
      deliveryStatus,
      isLatest: z.boolean().describe('The delivery’s most recent attempt'),
      deliveryAttemptCount: z.number().int().describe('The delivery’s attempts so far'),
      nextAttemptAt: time.nullable(),
    }),
  ),
  nextCursor: z.string().nullable().describe('Pass as `before` for the next (older) page; null on the last page'),
});

export const deliverySchema = z.object({
  id: id('dlv'),
  webhookId: id('wh'),
  eventId: id('evt'),
  eventType: z.string(),
  occurredAt: time,
  status: deliveryStatus,
  isTest: z.boolean(),
  attemptCount: z.number().int(),
  lastAttemptAt: time.nullable(),
  lastResponseStatus: z.number().int().nullable(),
  nextAttemptAt: time.nullable(),
  createdAt: time,
  body: z.string().describe('The payload exactly as sent (and re-sent by Retry)'),
  attempts: z.array(
    z.object({
      attemptId: id('att'),
      attemptNumber: z.number().int(),
      trigger: attemptTrigger,
      status: attemptStatus,
      responseStatus: z.number().int().nullable(),
      responseBody: z.string().nullable().describe('At most 64 KiB'),
      responseBodyTruncated: z.boolean(),
      durationMs: z.number().int(),
      error: z.string().nullable(),
      startedAt: time,
      completedAt: time,
    }),
  ),
});

export const subscriptionsBody = subscriptionsSchema.omit({ id: true });
export const testEventBody = z.object({ eventType: eventTypeSchema });
export const countSchema = z.object({ count: z.number().int() });
