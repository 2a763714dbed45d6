import { z } from 'zod';
import { safeString, storableDateTime } from '@/lib/validation';
import { eventTypeSchema } from '@/lib/webhooks/core/events';
import type { PublishInput } from './publish';

/** The most events one `POST /api/v1/events` may carry; they are stored in one transaction. */
export const MAX_EVENTS_PER_REQUEST = 1_000;

/** One event as other Kazinex services send it: the payload's own shape, `timestamp` optional. */
export const apiEventSchema = z.strictObject({
  event: eventTypeSchema,
  organisation_id: safeString({ min: 1, max: 64, label: 'organisation_id' }),
  project_id: safeString({ min: 1, max: 64, label: 'project_id' }),
  data: z.record(z.string(), z.unknown()),
  timestamp: storableDateTime('timestamp must be an ISO 8601 date-time with an offset, between the years 1 and 9999').optional(),
});

export const apiBatchSchema = z
  .array(apiEventSchema)
  .min(1, 'Send at least one event')
  .max(MAX_EVENTS_PER_REQUEST, `Send at most ${MAX_EVENTS_PER_REQUEST} events per request`);

export type ApiEvent = z.infer<typeof apiEventSchema>;

export function toPublishInput(event: ApiEvent): PublishInput {
  return {
    organisationId: event.organisation_id,
    projectId: event.project_id,
    type: event.event,
    data: event.data,
    occurredAt: event.timestamp === undefined ? undefined : new Date(event.timestamp),
  };
}
