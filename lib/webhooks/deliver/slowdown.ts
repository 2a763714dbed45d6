import { sql } from 'drizzle-orm';
import { getDb, runPrepared, type Transaction } from '@/db/client';
import { recordset } from '@/db/json-rows';
import { LAG_AFTER_MS, MAX_PAUSE_MS, PROBE_PAUSE_MS, SLOW_AFTER_FAILURES, type SlowReason } from '@/lib/webhooks/core/slowdown';
import { restoreWaitingJobs, type DeliveryRequest } from '@/lib/webhooks/queue/enqueue';
import { parkWaitingJobs } from '@/lib/webhooks/queue/parked';
import type { LoadedDelivery } from './load';

/*
 * Endpoint slow-down: a circuit breaker per webhook, kept on its row so every worker sees it.
 *
 * A webhook whose endpoint times out, answers 429, or cannot be reached (no HTTP answer at all:
 * connection refused or reset, DNS, TLS) on SLOW_AFTER_FAILURES attempts in a row is slowed down:
 * from then on one request at a time goes to it (the probe, claimed in the database by
 * `claimProbes`), with a pause of PROBE_PAUSE_MS after each failed one (after a 429, the
 * endpoint's Retry-After, up to MAX_PAUSE_MS). An endpoint that answers 5xx quickly is alive and
 * costs nothing to wait for: its attempts are all sent, on schedule. An automatic attempt that falls due while the probe
 * or its pause holds the endpoint is not sent: it is recorded at once as a failed attempt saying
 * why, and its retry is scheduled as for any failure, so no scheduled attempt is skipped or late,
 * and a dead endpoint costs one socket instead of a share of the worker. The first request that
 * succeeds ends the slow-down, and the endpoint is back at full speed.
 *
 * Test events and manual retries are always sent: an admin asked for them.
 */

export type { SlowReason };

const REASON_TEXT: Record<SlowReason, string> = {
  timeout: 'endpoint timed out',
  rate_limited: 'endpoint answered 429 Too Many Requests',
  failing: 'endpoint unreachable',
};

/** What the Delivery Log says of an attempt held back by a slow-down. */
export function notSentReason(reason: SlowReason | null): string {
  return `Not sent: ${REASON_TEXT[reason ?? 'failing']}, so it gets 1 request at a time until it answers again; retried on schedule`;
}

/**
 * Takes the probe of each slowed-down webhook that is free, for `leaseMs` (the attempt's time
 * limit and a margin: a worker that dies mid-request frees it by expiry). Returns the webhooks
 * whose probe this worker now holds.
 */
export async function claimProbes(webhookIds: readonly string[], leaseMs: number): Promise<Set<string>> {
  if (webhookIds.length === 0) return new Set();
  const claimed = await runPrepared<{ id: string }>(getDb(), sql`
    update webhooks set probe_until = now() + make_interval(secs => ${leaseMs / 1000})
    where id = any(${sql.param([...new Set(webhookIds)])}::text[])
      and slowed_since is not null
      and (probe_until is null or probe_until <= now())
    returning id`);
  return new Set(claimed.map((r) => r.id));
}

/** Of a batch's attempts: the probes this worker claimed, and those held back. */
export type Holds = { probes: ReadonlySet<string>; held: ReadonlySet<string> };

/**
 * Of a batch's attempts, the automatic attempts of slowed-down endpoints: for each endpoint whose
 * probe this call claims, its first attempt of the batch is the probe; the rest are held back,
 * those in the probe's job too: recorded at once, not after the probe's answer (see makeAttempts).
 */
export async function heldBack(sends: readonly { job: DeliveryRequest; delivery: LoadedDelivery }[], leaseMs: number): Promise<Holds> {
  const slowed = sends.filter((s) => s.job.trigger === 'automatic' && s.delivery.slowed).map((s) => s.delivery);
  if (slowed.length === 0) return { probes: new Set(), held: new Set() };
  const claimed = await claimProbes(
    slowed.map((d) => d.webhookId),
    leaseMs,
  );
  const held = new Set<string>();
  const probes = new Set<string>();
  const probing = new Set<string>();
  for (const d of slowed) {
    if (claimed.has(d.webhookId) && !probing.has(d.webhookId)) {
      probing.add(d.webhookId);
      probes.add(d.id);
    } else held.add(d.id);
  }
  return { probes, held };
}

/** What the slow-down needs of one attempt that was sent. */
export type SentOutcome = {
  webhookId: string;
  success: boolean;
  timedOut: boolean;
  status: number | null;
  /** What the endpoint's Retry-After asked for, if anything. */
  retryAfterMs: number | null;
  /** How long the endpoint took to answer (null when unknown). */
  durationMs: number | null;
  completedAt: Date;
  /** The URL the request went to: an answer ends the slow start only while it is still the webhook's. */
  url: string;
};

const CHANGE = { id: 'text', ok: 'boolean', trip: 'text', unreachable: 'boolean', quick: 'boolean', answeredAt: 'timestamptz', answeredUrl: 'text', at: 'timestamptz', pauseMs: 'int' } as const;

/**
 * In the recording transaction, after failure tracking: each webhook's latest sent attempt of the
 * batch moves its slow-down on. A success ends it; a timeout or a 429 starts it (or keeps it); a
 * failure without an HTTP answer starts it once the webhook's consecutive failures reach
 * SLOW_AFTER_FAILURES. Every failure while slowed down keeps it and pauses the next probe. An
 * HTTP answer within LAG_AFTER_MS ends the endpoint's lagging (lagging.ts); the first HTTP answer
 * of any attempt in the batch from the webhook's current URL ends its slow start (worker/slow-start.ts).
 * Returns the webhooks whose slow-down started or ended, for `moveWaitingJobs` once this commits.
 */
export async function trackSlowdown(tx: Transaction, outcomes: readonly SentOutcome[]): Promise<SlowdownChanges> {
  const latest = new Map<string, SentOutcome>();
  /** Each webhook's first HTTP answer in the batch. */
  const answered = new Map<string, SentOutcome>();
  for (const o of outcomes) {
    const seen = latest.get(o.webhookId);
    if (!seen || o.completedAt >= seen.completedAt) latest.set(o.webhookId, o);
    const first = answered.get(o.webhookId);
    if (o.status !== null && (!first || o.completedAt < first.completedAt)) answered.set(o.webhookId, o);
  }
  if (latest.size === 0) return NO_CHANGES;
  const rows = [...latest.values()]
    .sort((a, b) => (a.webhookId < b.webhookId ? -1 : 1)) // the lock order failure tracking uses
    .map((o) => ({
      id: o.webhookId,
      ok: o.success,
      trip: o.success ? null : o.timedOut ? 'timeout' : o.status === 429 ? 'rate_limited' : null,
      unreachable: !o.success && o.status === null,
      quick: o.status !== null && o.durationMs !== null && o.durationMs < LAG_AFTER_MS,
      answeredAt: answered.get(o.webhookId)?.completedAt ?? null,
      answeredUrl: answered.get(o.webhookId)?.url ?? null,
      at: o.completedAt,
      pauseMs: o.status === 429 && o.retryAfterMs !== null ? Math.min(MAX_PAUSE_MS, o.retryAfterMs) : PROBE_PAUSE_MS,
    }));
  const slowed = sql`(v.trip is not null or (v.unreachable and w.consecutive_failures >= ${SLOW_AFTER_FAILURES}) or w.slowed_since is not null)`;
  const changed = await runPrepared<{ id: string; started: boolean; ended: boolean }>(tx, sql`
    with before as (select id, slowed_since from webhooks where id = any(${sql.param(rows.map((r) => r.id))}::text[]))
    update webhooks as w
    set slowed_since = case when v.ok then null when ${slowed} then coalesce(w.slowed_since, v.at) end,
        slowed_reason = case when v.ok then null when ${slowed} then coalesce(v.trip, w.slowed_reason, 'failing') end,
        probe_until = case when v.ok then null when ${slowed} then v.at + make_interval(secs => v."pauseMs" / 1000.0) end,
        lagging_since = case when v.quick then null else w.lagging_since end,
        answered_at = coalesce(w.answered_at, case when v."answeredUrl" = w.url then v."answeredAt" end)
    from ${recordset('v', CHANGE, rows)}, before b
    where w.id = v.id and b.id = w.id
    returning w.id, b.slowed_since is null and w.slowed_since is not null as started, b.slowed_since is not null and w.slowed_since is null as ended`);
  return { started: changed.filter((c) => c.started).map((c) => c.id), ended: changed.filter((c) => c.ended).map((c) => c.id) };
}

/** Webhooks whose slow-down a recording transaction started or ended. */
export type SlowdownChanges = { started: readonly string[]; ended: readonly string[] };

export const NO_CHANGES: SlowdownChanges = { started: [], ended: [] };

/**
 * After the recording transaction: the jobs already waiting for endpoints that slowed down are
 * parked (queue/parked.ts), and those of endpoints that answer again come back to everyone's tier.
 * Its own transaction, so a burst of time-outs does not hold the recorders while thousands of
 * waiting jobs move; if it never runs (the worker died), those jobs only keep their place in the
 * fetch, and are held back there all the same.
 */
export async function moveWaitingJobs(changes: SlowdownChanges): Promise<void> {
  if (changes.started.length === 0 && changes.ended.length === 0) return;
  await getDb().transaction(async (tx) => {
    await parkWaitingJobs(tx, changes.started);
    await restoreWaitingJobs(tx, changes.ended);
  });
}
