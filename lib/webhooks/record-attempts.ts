import { sql } from 'drizzle-orm';
import { getDb, type Transaction } from '@/db/client';
import { deliveryAttempts, type DeliveryStatus } from '@/db/schema';

/** One finished attempt, and the state its delivery moves to because of it. */
export type AttemptRecord = Omit<typeof deliveryAttempts.$inferInsert, 'attemptNumber'> & {
  id: string;
  deliveryStatus: DeliveryStatus;
  nextAttemptAt: Date | null;
};

/** The attempts of one delivery in this batch (more than one only when Retry was pressed twice), oldest first. */
function byDelivery(records: readonly AttemptRecord[]): Map<string, AttemptRecord[]> {
  const groups = new Map<string, AttemptRecord[]>();
  for (const r of [...records].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())) {
    const list = groups.get(r.deliveryId);
    if (list) list.push(r);
    else groups.set(r.deliveryId, [r]);
  }
  return groups;
}

/** Counts the attempts on their deliveries and returns each delivery's new attempt count. */
async function updateDeliveries(tx: Transaction, groups: Map<string, AttemptRecord[]>): Promise<Map<string, number>> {
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1)) // a stable lock order between concurrent batches
    .map(([id, list]) => {
      const last = list[list.length - 1]!;
      return { id, n: list.length, status: last.deliveryStatus, at: last.startedAt, code: last.responseStatus ?? null, next: last.nextAttemptAt };
    });
  const updated = await tx.execute<{ id: string; attempt_count: number }>(sql`
    update deliveries as d
    set attempt_count = d.attempt_count + v.n,
        status = v.status::delivery_status,
        last_attempt_at = v.at,
        last_response_status = v.code,
        next_attempt_at = v.next,
        updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id text, n int, status text, at timestamptz, code int, next timestamptz)
    where d.id = v.id
    returning d.id, d.attempt_count`);
  return new Map(updated.map((r) => [r.id, r.attempt_count]));
}

/** Each webhook's latest outcome, for the webhooks list; never moves back to an older one. */
async function updateWebhooks(tx: Transaction, records: readonly AttemptRecord[]): Promise<void> {
  const latest = new Map<string, AttemptRecord>();
  for (const r of records) {
    const seen = latest.get(r.webhookId);
    if (!seen || seen.completedAt < r.completedAt) latest.set(r.webhookId, r);
  }
  const rows = [...latest.values()].map((r) => ({ id: r.webhookId, status: r.success ? 'success' : 'failed', at: r.completedAt }));
  // Locking the rows in id order first, in a statement of its own, keeps concurrent batches
  // that touch the same webhooks from deadlocking: one waits for the other instead.
  await tx.execute(sql`select id from webhooks where id = any(${sql.param(rows.map((r) => r.id))}::text[]) order by id for no key update`);
  await tx.execute(sql`
    update webhooks as w
    set last_delivery_status = v.status, last_delivery_at = v.at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id text, status text, at timestamptz)
    where w.id = v.id and (w.last_delivery_at is null or w.last_delivery_at <= v.at)`);
}

/**
 * Inserts the attempts from one JSON parameter: the statement text never changes with the batch
 * size, so it is parsed and planned once per connection instead of once per batch.
 */
async function insertAttempts(tx: Transaction, rows: (typeof deliveryAttempts.$inferInsert)[]): Promise<void> {
  await tx.execute(sql`
    insert into delivery_attempts (
      id, delivery_id, organisation_id, webhook_id, event_type, attempt_number, trigger, request_url,
      request_headers, request_body, response_status, response_headers, response_body,
      response_body_truncated, duration_ms, error, success, started_at, completed_at)
    select
      id, "deliveryId", "organisationId", "webhookId", "eventType", "attemptNumber", trigger::attempt_trigger, "requestUrl",
      "requestHeaders", "requestBody", "responseStatus", "responseHeaders", "responseBody",
      coalesce("responseBodyTruncated", false), "durationMs", error, success, "startedAt", "completedAt"
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
      id text, "deliveryId" text, "organisationId" text, "webhookId" text, "eventType" text, "attemptNumber" int,
      trigger text, "requestUrl" text, "requestHeaders" jsonb, "requestBody" text, "responseStatus" int,
      "responseHeaders" jsonb, "responseBody" text, "responseBodyTruncated" boolean, "durationMs" int,
      error text, success boolean, "startedAt" timestamptz, "completedAt" timestamptz)`);
}

async function recordIn(tx: Transaction, records: readonly AttemptRecord[]): Promise<void> {
  const groups = byDelivery(records);
  const counts = await updateDeliveries(tx, groups);
  const rows: (typeof deliveryAttempts.$inferInsert)[] = [];
  for (const [deliveryId, list] of groups) {
    const count = counts.get(deliveryId);
    if (count === undefined) continue; // deleted with its webhook while the attempt was in flight
    list.forEach(({ deliveryStatus: _status, nextAttemptAt: _next, ...attempt }, i) => {
      rows.push({ ...attempt, attemptNumber: count - list.length + i + 1 });
    });
  }
  if (rows.length > 0) await insertAttempts(tx, rows);
  await updateWebhooks(tx, records);
}

/** The PostgreSQL error code, looking through drizzle's wrapper (which keeps the driver's error as `cause`). */
export function pgErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

const isDeadlock = (err: unknown) => ['40P01', '40001'].includes(pgErrorCode(err) ?? '');

/**
 * Stores a batch of attempts and moves their deliveries and webhooks on, in one transaction of
 * four statements whatever the batch size.
 */
export async function recordAttempts(records: readonly AttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  for (let tries = 1; ; tries++) {
    try {
      await getDb().transaction((tx) => recordIn(tx, records));
      return;
    } catch (err) {
      if (!isDeadlock(err) || tries >= 3) throw err;
    }
  }
}
