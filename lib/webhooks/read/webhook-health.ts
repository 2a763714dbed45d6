import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { healthOf, type WebhookHealth } from '@/lib/webhooks/core/health';
import type { SlowReason } from '@/lib/webhooks/core/slowdown';

export type WebhookHealthSummary = {
  health: WebhookHealth;
  /** Why failure tracking disabled the webhook; null when it did not. */
  disabledReason: string | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** Successful share (0–1) of the attempts in the last 24 hours; null without attempts. Test events excluded. */
  successRate24h: number | null;
  medianDurationMs24h: number | null;
  attempts24h: number;
  /** Deliveries kept while disabled, waiting for *Replay skipped*. */
  skippedCount: number;
  /** Set while the endpoint gets one request at a time (deliver/slowdown.ts). */
  slowdown: { reason: SlowReason; since: Date } | null;
};

type Row = {
  id: string;
  active: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  consecutive_failures: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  attempts: number;
  successes: number;
  median: number | null;
  skipped: number;
  slowed_since: string | null;
  slowed_reason: SlowReason | null;
};

const dateOrNull = (v: string | null) => (v === null ? null : new Date(v));

/**
 * Health of the given webhooks for the list and the webhook page, in one query: the badge, the
 * failure counters, and success rate and median duration over the 24 hours before `now`. Ids of
 * another organisation are absent from the result.
 */
export async function getWebhookHealth(
  organisationId: string,
  webhookIds: readonly string[],
  { now = new Date() }: { now?: Date } = {},
): Promise<Record<string, WebhookHealthSummary>> {
  if (webhookIds.length === 0) return {};
  const since = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString();
  const rows = await getDb().execute<Row>(sql`
    select w.id, w.active, w.disabled_reason, w.disabled_at, w.consecutive_failures, w.last_success_at, w.last_failure_at, w.slowed_since, w.slowed_reason,
           a.attempts, a.successes, a.median,
           (select count(*)::int from deliveries d where d.webhook_id = w.id and d.status = 'skipped') as skipped
    from webhooks w
    left join lateral (
      select count(*)::int as attempts,
             (count(*) filter (where da.success))::int as successes,
             percentile_cont(0.5) within group (order by da.duration_ms) as median
      from delivery_attempts da
      where da.webhook_id = w.id and da.started_at > ${since}::timestamptz and da.started_at <= ${now.toISOString()}::timestamptz
        and da.trigger <> 'test'
    ) a on true
    where w.organisation_id = ${organisationId} and w.id = any(${sql.param([...webhookIds])}::text[])`);
  const out: Record<string, WebhookHealthSummary> = {};
  for (const r of rows) {
    out[r.id] = {
      health: healthOf({ active: r.active, disabledReason: r.disabled_reason, consecutiveFailures: r.consecutive_failures }),
      disabledReason: r.disabled_reason,
      disabledAt: dateOrNull(r.disabled_at),
      consecutiveFailures: r.consecutive_failures,
      lastSuccessAt: dateOrNull(r.last_success_at),
      lastFailureAt: dateOrNull(r.last_failure_at),
      successRate24h: r.attempts > 0 ? r.successes / r.attempts : null,
      medianDurationMs24h: r.median === null ? null : Math.round(Number(r.median)),
      attempts24h: r.attempts,
      skippedCount: r.skipped,
      slowdown: r.slowed_since && r.slowed_reason ? { reason: r.slowed_reason, since: new Date(r.slowed_since) } : null,
    };
  }
  return out;
}
