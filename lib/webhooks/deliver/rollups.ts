import { sql } from 'drizzle-orm';
import { runPrepared, type Transaction } from '@/db/client';
import { recordset } from '@/db/json-rows';
import { DURATION_BOUNDS_MS, DURATION_COLUMNS } from '@/lib/webhooks/core/duration-buckets';
import type { AttemptRecord } from './record';

/*
 * Hourly statistics (webhook_hourly_stats) and the failed-deliveries streak on `webhooks`, moved on
 * in the transaction that records the attempts, so health, charts and Delivery Log totals never
 * read the attempts themselves. One statement per recording batch, whatever its size.
 */

const ATTEMPT = {
  webhook: 'text',
  organisation: 'text',
  type: 'text',
  test: 'boolean',
  ok: 'boolean',
  ms: 'int',
  error: 'text',
  at: 'timestamptz',
} as const;

const STREAK = { id: 'text', reset: 'boolean', failed: 'int' } as const;

/**
 * An attempt the statistics count as timed out; the migration's backfill tests the same (attempts
 * held back by a slow-down, "Not sent: endpoint timed out, …", came later and did not time out).
 */
export const TIMEOUT_CONDITION = sql.raw(`(a.error ilike '%timed out%' and a.error not like 'Not sent:%')`);

/** `count(*) filter (…)` per duration bucket, for attempts aliased `a` with `a.ms` (or `a.duration_ms`). */
export function bucketCounts(ms: string): ReturnType<typeof sql.raw> {
  const lows = [null, ...DURATION_BOUNDS_MS];
  return sql.raw(
    DURATION_COLUMNS.map((_, i) => {
      const low = lows[i];
      const high = DURATION_BOUNDS_MS[i];
      const parts = [low === null ? null : `${ms} > ${low}`, high === undefined ? null : `${ms} <= ${high}`].filter(Boolean);
      return `count(*) filter (where ${parts.join(' and ')})::int`;
    }).join(', '),
  );
}

type Streak = { id: string; reset: boolean; failed: number };

/**
 * Per webhook: whether a delivery succeeded in the batch (the streak starts again), and how many
 * deliveries ended failed after the batch's last success. A delivery ends failed when its last
 * automatic attempt fails; test events and manual retries that fail do not count.
 */
function streaks(records: readonly AttemptRecord[]): Streak[] {
  const out = new Map<string, Streak>();
  for (const r of [...records].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())) {
    if (r.trigger === 'test') continue;
    const s = out.get(r.webhookId) ?? { id: r.webhookId, reset: false, failed: 0 };
    if (r.success) Object.assign(s, { reset: true, failed: 0 });
    else if (r.trigger === 'automatic' && r.deliveryStatus === 'failed') s.failed += 1;
    out.set(r.webhookId, s);
  }
  return [...out.values()].filter((s) => s.reset || s.failed > 0);
}

/** Adds recorded attempts to their webhooks' hourly statistics and failed-deliveries streaks. */
export async function rollUpAttempts(tx: Transaction, records: readonly AttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  const attempts = records.map((r) => ({
    webhook: r.webhookId,
    organisation: r.organisationId,
    type: r.eventType,
    test: r.trigger === 'test',
    ok: r.success,
    ms: r.durationMs,
    error: r.error ?? null,
    at: r.startedAt,
  }));
  const columns = sql.raw(DURATION_COLUMNS.join(', '));
  const added = sql.raw(
    ['attempts', 'successes', 'failures', 'timeouts', 'duration_total_ms', ...DURATION_COLUMNS].map((c) => `${c} = s.${c} + excluded.${c}`).join(', '),
  );
  await runPrepared(tx, sql`
    with stats as (
      insert into webhook_hourly_stats as s
        (webhook_id, organisation_id, hour, event_type, is_test, attempts, successes, failures, timeouts, duration_total_ms, ${columns})
      select a.webhook, a.organisation, date_trunc('hour', a.at, 'UTC'), a.type, a.test,
             count(*)::int, (count(*) filter (where a.ok))::int, (count(*) filter (where not a.ok))::int,
             (count(*) filter (where not a.ok and ${TIMEOUT_CONDITION}))::int, sum(a.ms)::bigint, ${bucketCounts('a.ms')}
      from ${recordset('a', ATTEMPT, attempts)}
      group by 1, 2, 3, 4, 5
      order by 1, 3, 4, 5
      on conflict (webhook_id, hour, event_type, is_test) do update set ${added}
      returning 1
    ), streak as (
      update webhooks as w
      set consecutive_failed_deliveries = case when v.reset then v.failed else w.consecutive_failed_deliveries + v.failed end
      from ${recordset('v', STREAK, streaks(records))}
      where w.id = v.id
      returning 1
    )
    select (select count(*) from stats) as stats, (select count(*) from streak) as streak`);
}
