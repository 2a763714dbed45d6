import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, deliveryAttempts, events } from '@/db/schema';

/** One delivery (an event on its way to one webhook) with every attempt at it, oldest first. Null when not in the organisation. */
export async function getDelivery(organisationId: string, deliveryId: string) {
  const db = getDb();
  const [delivery] = await db
    .select({
      id: deliveries.id,
      webhookId: deliveries.webhookId,
      eventId: deliveries.eventId,
      eventType: deliveries.eventType,
      occurredAt: events.occurredAt,
      status: deliveries.status,
      isTest: deliveries.isTest,
      attemptCount: deliveries.attemptCount,
      lastAttemptAt: deliveries.lastAttemptAt,
      lastResponseStatus: deliveries.lastResponseStatus,
      nextAttemptAt: deliveries.nextAttemptAt,
      createdAt: deliveries.createdAt,
      body: events.body,
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(and(eq(deliveries.organisationId, organisationId), eq(deliveries.id, deliveryId)));
  if (!delivery) return null;
  const attempts = await db
    .select({
      attemptId: deliveryAttempts.id,
      attemptNumber: deliveryAttempts.attemptNumber,
      trigger: deliveryAttempts.trigger,
      success: deliveryAttempts.success,
      responseStatus: deliveryAttempts.responseStatus,
      responseBody: deliveryAttempts.responseBody,
      responseBodyTruncated: deliveryAttempts.responseBodyTruncated,
      durationMs: deliveryAttempts.durationMs,
      error: deliveryAttempts.error,
      startedAt: deliveryAttempts.startedAt,
      completedAt: deliveryAttempts.completedAt,
    })
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.organisationId, organisationId), eq(deliveryAttempts.deliveryId, deliveryId)))
    .orderBy(asc(deliveryAttempts.attemptNumber));
  return { ...delivery, attempts: attempts.map(({ success, ...a }) => ({ ...a, status: success ? ('success' as const) : ('failed' as const) })) };
}

export type DeliveryDetail = NonNullable<Awaited<ReturnType<typeof getDelivery>>>;
