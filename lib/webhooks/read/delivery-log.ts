import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveryAttempts, deliveries, events, webhookHourlyStats, webhooks, type AttemptTrigger, type DeliveryStatus } from '@/db/schema';
import { isRecordId, isStorableDate } from '@/lib/validation';
import { dayRange } from '@/lib/webhooks/core/delivery-log-query';

/** Every query here takes the organisation id: an attempt of another organisation does not exist. */

export const DELIVERY_LOG_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

export type DeliveryLogFilters = {
  status?: 'success' | 'failed';
  eventType?: string;
  /** UTC days (YYYY-MM-DD), both included. */
  from?: string;
  to?: string;
  /** A delivery id, or a value in the payload's data (workflow id, document number, …). */
  q?: string;
  /** The `nextCursor` of the previous page. */
  before?: string;
  limit?: number;
};

/** An opaque keyset position: the (started_at, id) of the last row shown. */
export function encodeCursor(startedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([startedAt.toISOString(), id]), 'utf8').toString('base64url');
}

/** A cursor is client input: one whose time PostgreSQL cannot store or whose id is not an id is no cursor. */
export function decodeCursor(cursor: string): { startedAt: Date; id: string } | null {
  if (cursor.length > 200) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') return null;
    const startedAt = new Date(value[0]);
    return isStorableDate(startedAt) && isRecordId(value[1]) ? { startedAt, id: value[1] } : null;
  } catch {
    return null;
  }
}

/** The columns of a log row; the attempt detail (delivery-attempt.ts) reads them too. */
export const rowColumns = {
  attemptId: deliveryAttempts.id,
  deliveryId: deliveryAttempts.deliveryId,
  eventType: deliveryAttempts.eventType,
  occurredAt: events.occurredAt,
  startedAt: deliveryAttempts.startedAt,
  success: deliveryAttempts.success,
  responseStatus: deliveryAttempts.responseStatus,
  durationMs: deliveryAttempts.durationMs,
  error: deliveryAttempts.error,
  attemptNumber: deliveryAttempts.attemptNumber,
  trigger: deliveryAttempts.trigger,
  isTest: events.isTest,
  deliveryStatus: deliveries.status,
  deliveryAttemptCount: deliveries.attemptCount,
  nextAttemptAt: deliveries.nextAttemptAt,
};

const DELIVERY_ID = /^dlv_[A-Za-z0-9_-]+$/;

/** The conditions every filter but the status and the cursor puts on a webhook's attempts. */
function scopeConditions(organisationId: string, webhookId: string, filters: DeliveryLogFilters): SQL[] {
  const conditions: SQL[] = [eq(deliveryAttempts.webhookId, webhookId), eq(deliveryAttempts.organisationId, organisationId)];
  if (filters.eventType) conditions.push(eq(deliveryAttempts.eventType, filters.eventType));
  const { since, until } = dayRange(filters.from, filters.to);
  if (since) conditions.push(sql`${deliveryAttempts.startedAt} >= ${since.toISOString()}::timestamptz`);
  if (until) conditions.push(sql`${deliveryAttempts.startedAt} < ${until.toISOString()}::timestamptz`);
  const q = filters.q?.trim();
  if (q && DELIVERY_ID.test(q)) conditions.push(eq(deliveryAttempts.deliveryId, q));
  else if (q) {
    // The GIN index on events.search_keys finds the events, their deliveries to this webhook, then
    // the attempts by delivery id: `= any(array(…))` keeps PostgreSQL from walking the webhook's
    // whole log by time and testing each attempt against the (few) matches instead.
    conditions.push(sql`${deliveryAttempts.deliveryId} = any(array(
      select d.id from ${deliveries} d join ${events} e on e.id = d.event_id
      where d.webhook_id = ${webhookId} and e.organisation_id = ${organisationId} and e.search_keys @> jsonb_build_array(${q}::text)))`);
  }
  return conditions;
}

export type DeliveryLogRow = {
  attemptId: string;
  deliveryId: string;
  eventType: string;
  /** When the event occurred: the log's Timestamp column. */
  occurredAt: Date;
  startedAt: Date;
  status: 'success' | 'failed';
  success: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  attemptNumber: number;
  trigger: AttemptTrigger;
  isTest: boolean;
  deliveryStatus: DeliveryStatus;
  /** This is the delivery's most recent attempt (where Retry and the next-attempt time belong). */
  isLatest: boolean;
  /** The delivery's attempts so far: with its status, the row's "Succeeded on attempt 3". */
  deliveryAttemptCount: number;
  nextAttemptAt: Date | null;
};

export type DeliveryLogPage = { rows: DeliveryLogRow[]; nextCursor: string | null };

/**
 * The Delivery Log of one webhook: its attempts newest first, keyset-paginated on (started_at, id),
 * optionally only successes or failures and one event type. Null when the webhook is not in the organisation.
 */
export async function listDeliveryAttempts(organisationId: string, webhookId: string, filters: DeliveryLogFilters = {}): Promise<DeliveryLogPage | null> {
  const db = getDb();
  const [webhook] = await db.select({ id: webhooks.id }).from(webhooks).where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId)));
  if (!webhook) return null;

  const limit = Math.min(Math.max(Math.trunc(filters.limit ?? DELIVERY_LOG_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  const conditions = scopeConditions(organisationId, webhookId, filters);
  if (filters.status) conditions.push(eq(deliveryAttempts.success, filters.status === 'success'));
  const cursor = filters.before ? decodeCursor(filters.before) : null;
  if (cursor) {
    conditions.push(sql`(${deliveryAttempts.startedAt}, ${deliveryAttempts.id}) < (${cursor.startedAt.toISOString()}::timestamptz, ${cursor.id})`);
  }

  const found = await db
    .select(rowColumns)
    .from(deliveryAttempts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(and(...conditions))
    .orderBy(desc(deliveryAttempts.startedAt), desc(deliveryAttempts.id))
    .limit(limit + 1);

  const rows = found.slice(0, limit).map((row) => ({
    ...row,
    status: row.success ? ('success' as const) : ('failed' as const),
    isLatest: row.attemptNumber === row.deliveryAttemptCount,
  }));
  const last = rows[rows.length - 1];
  return { rows, nextCursor: found.length > limit && last ? encodeCursor(last.startedAt, last.attemptId) : null };
}

export type DeliveryLogTotals = { all: number; success: number; failed: number };

/**
 * How many attempts the log holds under the filters, by status (the status filter itself aside).
 * Without a search they come from the hourly statistics, so they cost the same whatever the
 * history; the day range falls on whole hours. A search counts the attempts it matches.
 */
export async function countDeliveryAttempts(organisationId: string, webhookId: string, filters: DeliveryLogFilters = {}): Promise<DeliveryLogTotals> {
  const db = getDb();
  if (filters.q?.trim()) {
    const [row] = await db
      .select({ all: sql<number>`count(*)::int`, success: sql<number>`(count(*) filter (where ${deliveryAttempts.success}))::int` })
      .from(deliveryAttempts)
      .where(and(...scopeConditions(organisationId, webhookId, filters)));
    return { all: row?.all ?? 0, success: row?.success ?? 0, failed: (row?.all ?? 0) - (row?.success ?? 0) };
  }
  const conditions: SQL[] = [eq(webhookHourlyStats.webhookId, webhookId), eq(webhookHourlyStats.organisationId, organisationId)];
  if (filters.eventType) conditions.push(eq(webhookHourlyStats.eventType, filters.eventType));
  const { since, until } = dayRange(filters.from, filters.to);
  if (since) conditions.push(sql`${webhookHourlyStats.hour} >= ${since.toISOString()}::timestamptz`);
  if (until) conditions.push(sql`${webhookHourlyStats.hour} < ${until.toISOString()}::timestamptz`);
  const [row] = await db
    .select({ success: sql<number>`coalesce(sum(${webhookHourlyStats.successes}), 0)::int`, failed: sql<number>`coalesce(sum(${webhookHourlyStats.failures}), 0)::int` })
    .from(webhookHourlyStats)
    .where(and(...conditions));
  const success = row?.success ?? 0;
  const failed = row?.failed ?? 0;
  return { all: success + failed, success, failed };
}
