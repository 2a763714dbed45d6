import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';

/** Rows one statement deletes: short transactions that never hold many locks or bloat one WAL burst. */
export const PRUNE_BATCH_SIZE = 5_000;

const DAY_MS = 24 * 60 * 60 * 1000;

export type PruneResult = { attempts: number; deliveries: number; events: number; idempotencyKeys: number; hourlyStats: number };

/** Runs a bounded delete until it deletes fewer rows than a batch; returns how many went. */
async function deleteInBatches(batchSize: number, statement: (limit: number) => SQL): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await getDb().execute<{ n: number }>(sql`with gone as (${statement(batchSize)}) select count(*)::int as n from gone`);
    const n = rows[0]?.n ?? 0;
    total += n;
    if (n < batchSize) return total;
  }
}

export type PruneOptions = { retentionDays: number; now: Date; batchSize?: number };

/**
 * Delivery Log retention: deletes attempts, finished deliveries (succeeded, failed, skipped) untouched since,
 * events left without deliveries, hourly statistics and idempotency keys older than `retentionDays` before `now`.
 * A delivery still pending or retrying keeps its event, whatever its age, so no retry loses its body.
 */
export async function pruneDeliveryLog({ retentionDays, now, batchSize = PRUNE_BATCH_SIZE }: PruneOptions): Promise<PruneResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  const attempts = await deleteInBatches(
    batchSize,
    (limit) => sql`delete from delivery_attempts where id in (
      select id from delivery_attempts where started_at < ${cutoff}::timestamptz limit ${limit}) returning 1`,
  );
  const deliveries = await deleteInBatches(
    batchSize,
    (limit) => sql`delete from deliveries where id in (
      select id from deliveries
      where created_at < ${cutoff}::timestamptz and updated_at < ${cutoff}::timestamptz and status in ('succeeded', 'failed', 'skipped')
      limit ${limit}) returning 1`,
  );
  const events = await deleteInBatches(
    batchSize,
    (limit) => sql`delete from events where id in (
      select e.id from events e
      where e.created_at < ${cutoff}::timestamptz and not exists (select 1 from deliveries d where d.event_id = e.id)
      limit ${limit}) returning 1`,
  );
  const idempotencyKeys = await deleteInBatches(
    batchSize,
    (limit) => sql`delete from idempotency_keys where key in (
      select key from idempotency_keys where created_at < ${cutoff}::timestamptz limit ${limit}) returning 1`,
  );
  // Statistics hours that ended before the cutoff: totals and charts never count attempts the log no longer has.
  const hourlyStats = await deleteInBatches(
    batchSize,
    (limit) => sql`delete from webhook_hourly_stats where (webhook_id, hour, event_type, is_test) in (
      select webhook_id, hour, event_type, is_test from webhook_hourly_stats where hour < date_trunc('hour', ${cutoff}::timestamptz, 'UTC') limit ${limit}) returning 1`,
  );
  return { attempts, deliveries, events, idempotencyKeys, hourlyStats };
}
