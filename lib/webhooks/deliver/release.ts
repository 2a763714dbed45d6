import { sql } from 'drizzle-orm';
import { runPlanned, runPrepared, type Transaction } from '@/db/client';
import { countAttempts, countRelease } from '@/lib/observability/metrics';
import { getPublisher, inTransaction, QUEUES } from '@/lib/webhooks/queue/boss';
import { makeFannedOutDeliveries } from '@/lib/webhooks/queue/parked';
import { deliveryNotices, notifyWorker, SLOWED_PRIORITY, toJobs, type DeliveryRequest, type DeliveryToEnqueue } from '@/lib/webhooks/queue/enqueue';
import { heldAttempt, type DeliveryContext, type HeldTarget } from './attempt';
import { verdictOf } from './fence';
import type { LoadedDelivery } from './load';
import { recordAttemptsIn, recordingTransaction, type AttemptRecord } from './record';
import { NO_CHANGES, type SlowdownChanges } from './slowdown';

type DueRow = HeldTarget & Pick<LoadedDelivery, 'status' | 'webhookDisabled'> & { attempt: number; probeHeld: boolean };

export type Released = {
  /** Parked attempts that left the table. */
  released: number;
  /** Of those, attempts recorded at once as not sent. */
  held: number;
  /** Of those, attempts that became jobs. */
  queued: number;
  /** Deliveries made for the publishes' fan-outs to slowed-down and lagging endpoints (queue/parked.ts). */
  made: number;
  /** For `moveWaitingJobs` once this has committed. */
  changes: SlowdownChanges;
};

type Candidate = { deliveryId: string; webhookId: string; room: number | null };

/**
 * The candidates taken, in due order: all but a lagging endpoint's beyond its `room` (in jobs, and
 * so in requests: its jobs carry one delivery each, queue/enqueue.ts).
 */
export function withinRoom(candidates: readonly Candidate[]): string[] {
  const taken = new Map<string, number>();
  const chosen: string[] = [];
  for (const c of candidates) {
    if (c.room !== null) {
      const count = (taken.get(c.webhookId) ?? 0) + 1;
      if (count > c.room) continue;
      taken.set(c.webhookId, count);
    }
    chosen.push(c.deliveryId);
  }
  return chosen;
}

/**
 * The room of each lagging endpoint (lagging.ts) that is not slowed down, in jobs: its cap less its
 * jobs running and its jobs waiting below everyone's, each counted through a pg-boss index. The cap
 * is `perWebhook`, or 1 while the endpoint has never answered (its slow start, worker/slow-start.ts).
 * Workers releasing at once may each fill it. pg-boss's group concurrency still holds the jobs in
 * flight to `perWebhook`, so for an answered endpoint that costs a few jobs waiting, never a request
 * more; one that never answered may get a job from each releasing worker.
 */
async function laggingRooms(tx: Transaction, perWebhook: number): Promise<Map<string, number>> {
  const lagging = await runPrepared<{ id: string; answered: boolean }>(tx, sql`
    select id, answered_at is not null as answered from webhooks where lagging_since is not null and slowed_since is null`);
  if (lagging.length === 0) return new Map();
  const ids = sql.param(lagging.map((w) => w.id));
  const busy = await runPlanned<{ webhookId: string; jobs: number }>(tx, sql`
    select group_id as "webhookId", count(*)::int as jobs from (
      select group_id from pgboss.job where name = ${QUEUES.deliveries} and state = 'active' and group_id = any(${ids}::text[])
      union all
      select group_id from pgboss.job
      where name = ${QUEUES.deliveries} and state < 'active' and not blocked and priority = ${SLOWED_PRIORITY} and group_id = any(${ids}::text[])
    ) as busy
    group by group_id`);
  const jobs = new Map(busy.map((b) => [b.webhookId, b.jobs]));
  return new Map(lagging.map((w) => [w.id, Math.max(0, (w.answered ? perWebhook : 1) - (jobs.get(w.id) ?? 0))]));
}

/**
 * Makes the deliveries of due fan-outs, up to `limit`, and releases up to `limit` parked attempts
 * (queue/parked.ts) that have fallen due, theirs included, in one transaction. An attempt whose
 * endpoint's probe or pause holds it (deliver/slowdown.ts) would be held back by any worker that
 * fetched it: it is recorded here and now as not sent, and its retry parked, without ever becoming
 * a job. The others (the endpoint's probe is free, or it answers
 * again) become delivery jobs: in the slowed-down tier while the slow-down lasts, where the pump
 * claims the probe. A lagging endpoint's (lagging.ts) become jobs below everyone's only as its cap
 * has room (`laggingRooms`), so its backlog stays parked rather than in front of the fetch.
 * Several workers may run this at once: each takes other rows.
 * The fence (fence.ts) holds as for a job: a stale attempt is dropped, one of a disabled webhook
 * kept as skipped.
 */
export async function releaseDueAttempts(ctx: DeliveryContext, limit: number, { perWebhook }: { perWebhook: number }): Promise<Released> {
  let heldRecords: AttemptRecord[] = [];
  const started = performance.now();
  const result = await recordingTransaction(async (tx): Promise<Released> => {
    heldRecords = [];
    const { deliveries: made } = await makeFannedOutDeliveries(tx, limit);
    const rooms = await laggingRooms(tx, perWebhook);
    const full = [...rooms].flatMap(([id, room]) => (room > 0 ? [] : [id]));
    // Locked here, released below or left parked when the transaction ends. Planned per call: the
    // list of full endpoints is then a constant, looked up by hash rather than read through per row.
    const candidates = (
      await runPlanned<{ deliveryId: string; webhookId: string }>(tx, sql`
        select delivery_id as "deliveryId", webhook_id as "webhookId" from parked_attempts
        where due_at <= now() and webhook_id <> all(${sql.param(full)}::text[])
        order by due_at limit ${limit}
        for update skip locked`)
    ).map((c) => ({ ...c, room: rooms.get(c.webhookId) ?? null }));
    const chosen = withinRoom(candidates);
    if (chosen.length === 0) return { released: 0, held: 0, queued: 0, made, changes: NO_CHANGES };
    const due = await runPrepared<DueRow>(tx, sql`
      with released as (
        delete from parked_attempts p where p.delivery_id = any(${sql.param(chosen)}::text[])
        returning p.delivery_id, p.attempt, p.due_at
      )
      select d.id, d.organisation_id as "organisationId", d.webhook_id as "webhookId", d.event_type as "eventType",
             d.status, d.attempt_count as "attemptCount", r.attempt, w.url, w.slowed_reason as "slowedReason",
             w.disabled_reason is not null as "webhookDisabled", w.slowed_since is not null as slowed, w.lagging_since is not null as lagging,
             (w.slowed_since is not null and w.probe_until > now()) as "probeHeld"
      from released r
      join deliveries d on d.id = r.delivery_id
      join webhooks w on w.id = d.webhook_id
      order by r.due_at`);
    if (due.length === 0) return { released: 0, held: 0, queued: 0, made, changes: NO_CHANGES };
    const skipped: string[] = [];
    const queued: DeliveryToEnqueue[] = [];
    for (const row of due) {
      const job: DeliveryRequest = { deliveryId: row.id, trigger: 'automatic', attempt: row.attempt };
      const verdict = verdictOf(job, row);
      if (verdict === 'skip') skipped.push(row.id);
      if (verdict !== 'send') continue;
      if (row.probeHeld) heldRecords.push(heldAttempt(job, row, ctx));
      else queued.push({ ...job, webhookId: row.webhookId, slowed: row.slowed, lagging: row.lagging });
    }
    const changes = await recordAttemptsIn(tx, heldRecords, { skipped });
    if (queued.length > 0) {
      const boss = await getPublisher();
      const jobs = toJobs(queued);
      await boss.insert(QUEUES.deliveries, jobs, { db: inTransaction(tx) });
      await notifyWorker(tx, deliveryNotices(jobs));
    }
    return { released: due.length, held: heldRecords.length, queued: queued.length, made, changes };
  });
  countAttempts(heldRecords.map((r) => ({ success: false, trigger: r.trigger, durationMs: 0 })));
  countRelease({ held: result.held, queued: result.queued, made: result.made, seconds: (performance.now() - started) / 1000 });
  return result;
}
