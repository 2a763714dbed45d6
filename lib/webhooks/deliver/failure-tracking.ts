import { sql } from 'drizzle-orm';
import { runPrepared, type Transaction } from '@/db/client';
import { recordset } from '@/db/json-rows';

/*
 * Failure tracking (SPEC §6), the one home of the rule. Every recorded attempt moves its webhook's
 * counters on (consecutive failures, failing since, last success and failure), in SQL so that
 * concurrent recording transactions add up; then `disableReason` judges the counters the database
 * returns, and the webhooks it names are disabled in the same transaction. Test events move only
 * the "last delivery" figures. Tests drive this module through the database.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** A webhook failing continuously for this long … */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY_MS;
/** … and for at least this many attempts in a row is disabled; both must hold, so a quiet webhook is not cut off by a short outage. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 20;

export const GONE_REASON = 'The endpoint answered 410 Gone';

/** Why a webhook with these counters (the failed attempt included) must be disabled, or null. */
export function disableReason(counters: { consecutiveFailures: number; failingSince: Date | null }, status: number | null, now: Date): string | null {
  // 410 says the endpoint is gone for good: retrying for days would only load the receiver.
  if (status === 410) return GONE_REASON;
  const failingMs = counters.failingSince ? now.getTime() - counters.failingSince.getTime() : 0;
  if (counters.consecutiveFailures >= DISABLE_AFTER_CONSECUTIVE_FAILURES && failingMs >= DISABLE_AFTER_FAILING_MS) {
    const days = Math.floor(failingMs / DAY_MS);
    return `No successful delivery for ${days} days (${counters.consecutiveFailures} consecutive failed attempts)`;
  }
  return null;
}

/** What failure tracking needs of one finished attempt; its time is when it started, as in the Delivery Log. */
export type TrackedOutcome = { webhookId: string; success: boolean; status: number | null; startedAt: Date; completedAt: Date; isTest: boolean };

const CHANGE = {
  id: 'text',
  at: 'timestamptz',
  status: 'text',
  tracked: 'boolean',
  successAt: 'timestamptz',
  failureAt: 'timestamptz',
  fails: 'int',
  firstFail: 'timestamptz',
  gone: 'boolean',
  trackedAt: 'timestamptz',
} as const;

type WebhookChange = {
  id: string;
  /** Latest completion of any attempt, tests included: the list's "last delivery". */
  at: string;
  status: 'success' | 'failed';
  /** False when only test events were sent: they say nothing about the webhook's own traffic. */
  tracked: boolean;
  successAt: string | null;
  failureAt: string | null;
  /** Failed attempts after the batch's last success (or all of them), and the first of those. */
  fails: number;
  firstFail: string | null;
  gone: boolean;
  /** The latest tracked attempt: the clock the disabling rules are judged at. */
  trackedAt: string | null;
};

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

function summarise(outcomes: readonly TrackedOutcome[]): WebhookChange[] {
  const byWebhook = new Map<string, TrackedOutcome[]>();
  for (const o of [...outcomes].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())) {
    const list = byWebhook.get(o.webhookId);
    if (list) list.push(o);
    else byWebhook.set(o.webhookId, [o]);
  }
  return [...byWebhook.entries()].map(([id, all]) => {
    const latest = all.reduce((a, b) => (b.completedAt > a.completedAt ? b : a));
    const tracked = all.filter((o) => !o.isTest);
    const lastSuccess = tracked.findLast((o) => o.success);
    const streak = tracked.filter((o) => !o.success && (!lastSuccess || o.startedAt > lastSuccess.startedAt));
    return {
      id,
      at: latest.completedAt.toISOString(),
      status: latest.success ? 'success' : 'failed',
      tracked: tracked.length > 0,
      successAt: iso(lastSuccess?.startedAt),
      failureAt: iso(tracked.findLast((o) => !o.success)?.startedAt),
      fails: streak.length,
      firstFail: iso(streak[0]?.startedAt),
      gone: streak.some((o) => o.status === 410),
      trackedAt: iso(tracked[tracked.length - 1]?.startedAt),
    };
  });
}

/**
 * Moves each webhook's counters on by a batch of attempts, atomically in SQL so concurrent batches
 * add up instead of overwriting each other, then disables the webhooks that now meet a rule of
 * `disableReason` (410 Gone; 5 days and 20 failures in a row), judged at each webhook's latest attempt.
 */
export async function trackFailures(tx: Transaction, outcomes: readonly TrackedOutcome[]): Promise<void> {
  const changes = summarise(outcomes);
  if (changes.length === 0) return;
  // Locking the rows in id order first, in a statement of its own, keeps concurrent batches
  // that touch the same webhooks from deadlocking: one waits for the other instead.
  await runPrepared(tx, sql`select id from webhooks where id = any(${sql.param(changes.map((c) => c.id))}::text[]) order by id for no key update`);
  const rows = await runPrepared<{
    id: string;
    consecutive_failures: number;
    failing_since: string | null;
    disabled_reason: string | null;
    gone: boolean;
    tracked_at: string | null;
  }>(tx, sql`
    update webhooks as w
    set last_delivery_status = case when w.last_delivery_at is null or w.last_delivery_at <= v.at then v.status else w.last_delivery_status end,
        last_delivery_at = greatest(w.last_delivery_at, v.at),
        consecutive_failures = case when not v.tracked then w.consecutive_failures
                                    when v."successAt" is null then w.consecutive_failures + v.fails
                                    else v.fails end,
        failing_since = case when not v.tracked then w.failing_since
                             when v."successAt" is null then coalesce(w.failing_since, v."firstFail")
                             else v."firstFail" end,
        last_success_at = greatest(w.last_success_at, v."successAt"),
        last_failure_at = greatest(w.last_failure_at, v."failureAt")
    from ${recordset('v', CHANGE, changes)}
    where w.id = v.id
    returning w.id, w.consecutive_failures, w.failing_since, w.disabled_reason, v.gone, v."trackedAt" as tracked_at`);

  const disable = rows.flatMap((r) => {
    if (r.disabled_reason !== null || r.tracked_at === null) return [];
    const at = new Date(r.tracked_at);
    const counters = { consecutiveFailures: r.consecutive_failures, failingSince: r.failing_since ? new Date(r.failing_since) : null };
    const reason = disableReason(counters, r.gone ? 410 : null, at);
    return reason ? [{ id: r.id, reason, at: at.toISOString() }] : [];
  });
  if (disable.length === 0) return;
  await runPrepared(tx, sql`
    update webhooks as w
    set disabled_reason = v.reason, disabled_at = v.at, updated_at = now()
    from ${recordset('v', { id: 'text', reason: 'text', at: 'timestamptz' }, disable)}
    where w.id = v.id and w.disabled_reason is null`);
}
