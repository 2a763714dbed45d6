import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveryAttempts, deliveries, events } from '@/db/schema';
import { headersOf } from '@/lib/webhooks/core/request-headers';
import { rowColumns, type DeliveryLogRow } from './delivery-log';

/** One attempt of the Delivery Log, whole. Every query here takes the organisation id. */

export type DeliveryAttemptDetail = {
  attempt: DeliveryLogRow & { webhookId: string; completedAt: Date };
  request: { url: string; headers: Record<string, string>; body: string };
  /** Null when no response arrived (timeout, DNS, connection or TLS error: see `attempt.error`). */
  response: { status: number; headers: Record<string, string>; body: string; bodyTruncated: boolean } | null;
  event: { id: string; type: string; occurredAt: Date; isTest: boolean };
  /** Every attempt of the same delivery, oldest first, this one included. */
  attempts: Pick<DeliveryLogRow, 'attemptId' | 'attemptNumber' | 'trigger' | 'status' | 'responseStatus' | 'durationMs' | 'startedAt' | 'error'>[];
};

/** One attempt with its full request and response, for the log's detail view. Null when not in the organisation. */
export async function getDeliveryAttempt(organisationId: string, attemptId: string): Promise<DeliveryAttemptDetail | null> {
  const db = getDb();
  const [found] = await db
    .select({
      ...rowColumns,
      webhookId: deliveryAttempts.webhookId,
      completedAt: deliveryAttempts.completedAt,
      eventId: events.id,
      requestUrl: deliveryAttempts.requestUrl,
      requestSignatures: deliveryAttempts.requestSignatures,
      requestUserAgent: deliveryAttempts.requestUserAgent,
      requestBody: events.body,
      responseHeaders: deliveryAttempts.responseHeaders,
      responseBody: deliveryAttempts.responseBody,
      responseBodyTruncated: deliveryAttempts.responseBodyTruncated,
    })
    .from(deliveryAttempts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(and(eq(deliveryAttempts.organisationId, organisationId), eq(deliveryAttempts.id, attemptId)));
  if (!found) return null;

  const siblings = await db
    .select({
      attemptId: deliveryAttempts.id,
      attemptNumber: deliveryAttempts.attemptNumber,
      trigger: deliveryAttempts.trigger,
      success: deliveryAttempts.success,
      responseStatus: deliveryAttempts.responseStatus,
      durationMs: deliveryAttempts.durationMs,
      startedAt: deliveryAttempts.startedAt,
      error: deliveryAttempts.error,
    })
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.organisationId, organisationId), eq(deliveryAttempts.deliveryId, found.deliveryId)))
    .orderBy(asc(deliveryAttempts.attemptNumber));

  const { deliveryAttemptCount, eventId, requestUrl, requestSignatures, requestUserAgent, requestBody, responseHeaders, responseBody, responseBodyTruncated, ...row } = found;
  // The body sent is the event's; the headers are rebuilt from the HMACs kept with the attempt.
  const headers = headersOf({
    deliveryId: row.deliveryId,
    eventType: row.eventType,
    at: row.startedAt,
    bodyBytes: Buffer.byteLength(requestBody),
    macs: requestSignatures,
    userAgent: requestUserAgent,
  });
  return {
    attempt: { ...row, status: row.success ? 'success' : 'failed', isLatest: row.attemptNumber === deliveryAttemptCount, deliveryAttemptCount },
    request: { url: requestUrl, headers, body: requestBody },
    response:
      row.responseStatus === null
        ? null
        : { status: row.responseStatus, headers: responseHeaders ?? {}, body: responseBody ?? '', bodyTruncated: responseBodyTruncated },
    event: { id: eventId, type: row.eventType, occurredAt: row.occurredAt, isTest: row.isTest },
    attempts: siblings.map(({ success, ...s }) => ({ ...s, status: success ? 'success' : 'failed' })),
  };
}

/** Whether the attempt exists, in the organisation, for that webhook. */
export async function attemptOfWebhook(organisationId: string, webhookId: string, attemptId: string): Promise<boolean> {
  const [found] = await getDb()
    .select({ id: deliveryAttempts.id })
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.organisationId, organisationId), eq(deliveryAttempts.webhookId, webhookId), eq(deliveryAttempts.id, attemptId)));
  return found !== undefined;
}
