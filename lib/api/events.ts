import { z } from 'zod';
import { apiBatchSchema, apiEventSchema } from '@/lib/webhooks/publish/events-api';
import { defineOperation, type Operation } from './operation';

/** `POST /api/v1/events` (app/api/v1/events/route.ts, written by hand): described here for the OpenAPI document. */

const eventsError = z.object({ error: z.string(), message: z.string(), issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }).loose()).optional() });

export const publishEventsOp = defineOperation({
  method: 'POST',
  path: '/events',
  operationId: 'publishEvents',
  tag: 'Events',
  summary: 'Publish events',
  description:
    'One event or an array of up to 1,000, stored in one transaction; each goes to every active webhook of its organisation subscribed to its type. With an Idempotency-Key a repeated request returns the first answer and stores nothing new.',
  auth: 'serviceToken',
  body: z.union([apiEventSchema, apiBatchSchema]),
  headerParams: [{ name: 'Idempotency-Key', description: 'Up to 255 characters; a repeat returns the first answer with `Idempotent-Replayed: true`' }],
  errors: 'custom',
  responses: {
    202: { description: 'Stored and queued', schema: z.object({ ids: z.array(z.string()) }) },
    400: { description: 'The body is not valid JSON', schema: eventsError },
    401: { description: 'No valid service token', schema: eventsError },
    413: { description: 'The body is larger than 10 MB', schema: eventsError },
    422: { description: 'An invalid event, unknown organisation or a project of another organisation: nothing was stored', schema: eventsError },
  },
});

export const eventsOperations = [publishEventsOp] as unknown as readonly Operation[];
