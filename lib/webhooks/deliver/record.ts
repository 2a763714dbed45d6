import { sql } from 'drizzle-orm';
import { getDb, pgErrorCode, POOL_SIZE, runPlanned, runPrepared, type Transaction } from '@/db/client';
import { insertRows, recordset } from '@/db/json-rows';
import { deliveryAttempts, type DeliveryStatus } from '@/db/schema';
import { scheduleRetries, type ScheduledRetry } from '@/lib/webhooks/queue/enqueue';
import { recordsAutomaticAttempt } from './fence';
import { trackFailures } from './failure-tracking';
import { trackSlowdown, type SlowdownChanges } from './slowdown';
import { rollUpAttempts } from './rollups';

/** One finished attempt, and the state its delivery moves to because of it. */
export type AttemptRecord = Omit<typeof deliveryAttempts.$inferInsert, 'attemptNumber'> & {
  id: string;
  deliveryStatus: DeliveryStatus;
  nextAttemptAt: Date | null;
  /** For an automatic attempt, the attempt number its job makes (see fence.ts); null for manual and test attempts. */
  automaticAttempt: number | null;
  /** How the request went, for the slow-down (slowdown.ts); not stored with the attempt. */
  request: RequestOutcome;
};

export type RequestOutcome = {
  /** A request went out (not held back by a slow-down, nor refused before connecting). */
  sent: boolean;
  /** Held back by a slow-down. */
  held: boolean;
  timedOut: boolean;
  /** What a 429's Retry-After asked for. */
  retryAfterMs: number | null;
  /** The endpoint was slowed down when the attempt began, or this attempt slows it down. */
  endpointSlowed: boolean;
  /** The endpoint was lagging when the attempt began (lagging.ts). */
  endpointLagging: boolean;
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

/** Counts the attempts on their deliveries and returns each updated delivery's new attempt count. */
async function updateDeliveries(tx: Transaction, groups: Map<string, AttemptRecord[]>): Promise<Map<string, number>> {
  const rows = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1)) // a stable lock order between concurrent batches
    .map(([id, list]) => {
      const last = list[list.length - 1]!;
      const automatic = list.flatMap((r) => (r.automaticAttempt === null ? [] : [r.automaticAttempt]));
      return {
        id,
        n: list.length,
        auto: automatic.length > 0 ? Math.max(...automatic) : null,
        status: last.deliveryStatus,
        at: last.startedAt,
        code: last.responseStatus ?? null,
        next: last.nextAttemptAt,
      };
    });
  // Planned per call (runPlanned): a join by id, never a scan of the whole table.
  const updated = await runPlanned<{ id: string; attempt_count: number }>(tx, sql`
    update deliveries as d
    set attempt_count = d.attempt_count + v.n,
        status = v.status::delivery_status,
        last_attempt_at = v.at,
        last_response_status = v.code,
        next_attempt_at = v.next,
        last_automatic_attempt = coalesce(v.auto, d.last_automatic_attempt),
        updated_at = now()
    from ${recordset('v', { id: 'text', n: 'int', auto: 'int', status: 'text', at: 'timestamptz', code: 'int', next: 'timestamptz' }, rows)}
    where d.id = v.id and ${recordsAutomaticAttempt}
    returning d.id, d.attempt_count`);
  return new Map(updated.map((r) => [r.id, r.attempt_count]));
}

/** Deliveries kept unsent because their webhook is disabled; only those still waiting for an automatic attempt. */
async function markSkipped(tx: Transaction, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await runPlanned(tx, sql`
    update deliveries set status = 'skipped', next_attempt_at = null, updated_at = now()
    where id = any(${sql.param([...ids])}::text[]) and status in ('pending', 'retrying')`);
}

/**
 * Stores attempts and moves their deliveries and webhooks on (retries scheduled, failure counters,
 * disabling, slow-down), in the caller's transaction, with a few statements whatever the batch
 * size. Returns the slow-downs it started or ended: pass them to `moveWaitingJobs` once it commits.
 *
 * When no request went out for any of them (held back by a slow-down, refused before connecting,
 * or no attempt at all), the transaction commits without waiting for its write-ahead log to reach
 * the disk: a database crash may then lose it, which leaves the attempts to be made again, as if
 * they had not come due yet, and sends nothing twice. A dead endpoint's attempts are nearly all
 * held back, recorded by the hundred, and flushing each such batch was disk work that the
 * publishes' and the answering endpoints' commits waited behind.
 */
export async function recordAttemptsIn(tx: Transaction, records: readonly AttemptRecord[], options: RecordOptions = {}): Promise<SlowdownChanges> {
  if (records.every((r) => !r.request.sent)) await runPrepared(tx, sql`set local synchronous_commit = off`);
  await markSkipped(tx, options.skipped ?? []);
  if (records.length === 0) return { started: [], ended: [] };
  const groups = byDelivery(records);
  const counts = await updateDeliveries(tx, groups);
  const rows: (typeof deliveryAttempts.$inferInsert)[] = [];
  const retries: ScheduledRetry[] = [];
  const recorded: AttemptRecord[] = [];
  for (const [deliveryId, list] of groups) {
    const count = counts.get(deliveryId);
    // Deleted with its webhook while the attempt was in flight, or this attempt was recorded already.
    if (count === undefined) continue;
    recorded.push(...list);
    list.forEach(({ deliveryStatus: _status, nextAttemptAt, automaticAttempt: _automatic, request, ...attempt }, i) => {
      const attemptNumber = count - list.length + i + 1;
      rows.push({ ...attempt, attemptNumber });
      if (nextAttemptAt && i === list.length - 1) {
        retries.push({ deliveryId, webhookId: attempt.webhookId, attempt: attemptNumber + 1, startAfter: nextAttemptAt, slowed: request.endpointSlowed, lagging: request.endpointLagging });
      }
    });
  }
  if (rows.length > 0) await runPrepared(tx, insertRows(deliveryAttempts, rows));
  // In the same transaction: a retry exists exactly when the failed attempt that needs it is recorded.
  await scheduleRetries(tx, retries);
  await trackFailures(
    tx,
    recorded.map((r) => ({
      webhookId: r.webhookId,
      success: r.success,
      status: r.responseStatus ?? null,
      startedAt: r.startedAt,
      completedAt: r.completedAt,
      isTest: r.trigger === 'test',
    })),
  );
  const changes = await trackSlowdown(
    tx,
    recorded
      .filter((r) => r.request.sent)
      .map((r) => ({
        webhookId: r.webhookId,
        success: r.success,
        timedOut: r.request.timedOut,
        status: r.responseStatus ?? null,
        retryAfterMs: r.request.retryAfterMs,
        durationMs: r.durationMs ?? null,
        completedAt: r.completedAt,
        url: r.requestUrl,
      })),
  );
  await rollUpAttempts(tx, recorded);
  return changes;
}

export type RecordOptions = {
  /** Deliveries the batch kept as skipped (their webhook is disabled) instead of attempting. */
  skipped?: readonly string[];
};

/**
 * Worth running the transaction again at once: a deadlock or serialization failure, or a prepared
 * statement a migration made stale (postgres.js forgets it on that error and prepares it afresh).
 */
const isTransient = (err: unknown) => ['40P01', '40001', '0A000', '26000'].includes(pgErrorCode(err) ?? '');

/**
 * Runs a recording transaction, again after a transient failure: up to three times, or, for a
 * stale prepared statement, once more than the pool has connections (each keeps its own copy).
 */
export async function recordingTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await getDb().transaction(work);
    } catch (err) {
      const code = pgErrorCode(err) ?? '';
      const limit = ['0A000', '26000'].includes(code) ? POOL_SIZE + 1 : 3;
      if (!isTransient(err) || tries >= limit) throw err;
    }
  }
}
