import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { DURATION_COLUMNS, durationPercentile } from '@/lib/webhooks/core/duration-buckets';
import { healthOf, type HealthState } from '@/lib/webhooks/core/health';
import type { SlowReason } from '@/lib/webhooks/core/slowdown';

export type WebhookHealthSummary = HealthState & {
  /** Why failure tracking disabled the webhook; null when it did not. */
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Failed attempts since the last success (what the disabling rule counts). */
  consecutiveFailures: number;
  /** Deliveries that ended failed (every automatic attempt failed) since the last success. */
  consecutiveFailedDeliveries: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** Successful share (0–1) of the attempts in the last 24 hours; null without attempts. Test events excluded. */
  successRate24h: number | null;
  /** Bucket bounds (lib/webhooks/core/duration-buckets.ts) under which half and 95 % of the attempts finished. */
  p50DurationMs24h: number | null;
  p95DurationMs24h: number | null;
  attempts24h: number;
  timeouts24h: number;
  /** Deliveries kept while disabled, waiting for *Replay skipped*. */
  skippedCount: number;
  /** Set while the endpoint gets one request at a time (deliver/slowdown.ts). */
  slowdown: { reason: SlowReason; since: Date } | null;
};

type Row = Record<(typeof DURATION_COLUMNS)[number], number | null> & {
  id: string;
  active: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  last_delivery_at: string | null;
  consecutive_failures: number;
  consecutive_failed_deliveries: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  attempts: number | null;
  successes: number | null;
  timeouts: number | null;
  skipped: number;
  slowed_since: string | null;
  slowed_reason: SlowReason | null;
};

const dateOrNull = (v: string | null) => (v === null ? null : new Date(v));

/** The hours that make up "the last 24 hours": the current UTC hour and the 23 before it. */
export const windowStart = (now: Date, hours: number) => {
  const start = new Date(now);
  start.setUTCMinutes(0, 0, 0);
  return new Date(start.getTime() - (hours - 1) * 60 * 60 * 1000);
};

/**
 * Health of the given webhooks for the list, the webhook page and the Delivery Log, in one query on
 * the webhooks' counters and hourly statistics (never the attempts): the state, the failure
 * counters, and success rate and duration percentiles over the last 24 hours. Ids of another
 * organisation are absent from the result.
 */
export async function getWebhookHealth(
  organisationId: string,
  webhookIds: readonly string[],
  { now = new Date() }: { now?: Date } = {},
): Promise<Record<string, WebhookHealthSummary>> {
  if (webhookIds.length === 0) return {};
  const buckets = sql.raw(DURATION_COLUMNS.map((c) => `sum(s.${c})::int as ${c}`).join(', '));
  const rows = await getDb().execute<Row>(sql`
    select w.id, w.active, w.disabled_reason, w.disabled_at, w.last_delivery_at, w.consecutive_failures, w.consecutive_failed_deliveries,
           w.last_success_at, w.last_failure_at, w.slowed_since, w.slowed_reason, s.*,
           (select count(*)::int from deliveries d where d.webhook_id = w.id and d.skipped) as skipped
    from webhooks w
    left join lateral (
      select sum(s.attempts)::int as attempts, sum(s.successes)::int as successes, sum(s.timeouts)::int as timeouts, ${buckets}
      from webhook_hourly_stats s
      where s.webhook_id = w.id and s.organisation_id = w.organisation_id and not s.is_test
        and s.hour >= ${windowStart(now, 24).toISOString()}::timestamptz and s.hour <= ${now.toISOString()}::timestamptz
    ) s on true
    where w.organisation_id = ${organisationId} and w.id = any(${sql.param([...webhookIds])}::text[])`);
  const out: Record<string, WebhookHealthSummary> = {};
  for (const r of rows) {
    const attempts = r.attempts ?? 0;
    const successes = r.successes ?? 0;
    const timeouts = r.timeouts ?? 0;
    const durations = DURATION_COLUMNS.map((c) => r[c] ?? 0);
    const state = healthOf({
      active: r.active,
      disabledReason: r.disabled_reason,
      lastDeliveryAt: dateOrNull(r.last_delivery_at),
      consecutiveFailures: r.consecutive_failures,
      consecutiveFailedDeliveries: r.consecutive_failed_deliveries,
      attempts24h: attempts,
      successes24h: successes,
      timeouts24h: timeouts,
      slowedReason: r.slowed_reason,
    });
    out[r.id] = {
      ...state,
      disabledReason: r.disabled_reason,
      disabledAt: dateOrNull(r.disabled_at),
      consecutiveFailures: r.consecutive_failures,
      consecutiveFailedDeliveries: r.consecutive_failed_deliveries,
      lastSuccessAt: dateOrNull(r.last_success_at),
      lastFailureAt: dateOrNull(r.last_failure_at),
      successRate24h: attempts > 0 ? successes / attempts : null,
      p50DurationMs24h: durationPercentile(durations, 0.5),
      p95DurationMs24h: durationPercentile(durations, 0.95),
      attempts24h: attempts,
      timeouts24h: timeouts,
      skippedCount: r.skipped,
      slowdown: r.slowed_since && r.slowed_reason ? { reason: r.slowed_reason, since: new Date(r.slowed_since) } : null,
    };
  }
  return out;
}
