import { sql } from 'drizzle-orm';
import { runPrepared } from '@/db/client';
import { countAttempts } from '@/lib/observability/metrics';
import { getPublisher, inTransaction, QUEUES } from '@/lib/webhooks/queue/boss';
import { notifyWorker, toJobs, type DeliveryRequest, type DeliveryToEnqueue } from '@/lib/webhooks/queue/enqueue';
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
  /** For `moveWaitingJobs` once this has committed. */
  changes: SlowdownChanges;
};

/**
 * Releases up to `limit` parked attempts (queue/parked.ts) that have fallen due, in one
 * transaction. An attempt whose endpoint's probe or pause holds it (deliver/slowdown.ts) would be
 * held back by any worker that fetched it: it is recorded here and now as not sent, and its retry
 * parked, without ever becoming a job. The others (the endpoint's probe is free, or it answers
 * again) become delivery jobs: in the slowed-down tier while the slow-down lasts, where the pump
 * claims the probe. Several workers may run this at once: each takes other rows. The fence
 * (fence.ts) holds as for a job: a stale attempt is dropped, one of a disabled webhook kept as skipped.
 */
export async function releaseDueAttempts(ctx: DeliveryContext, limit: number): Promise<Released> {
  let heldRecords: AttemptRecord[] = [];
  const result = await recordingTransaction(async (tx): Promise<Released> => {
    heldRecords = [];
    const due = await runPrepared<DueRow>(tx, sql`
      with due as (
        select delivery_id from parked_attempts where due_at <= now() order by due_at limit ${limit} for update skip locked
      ), released as (
        delete from parked_attempts p using due where p.delivery_id = due.delivery_id
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
    if (due.length === 0) return { released: 0, held: 0, changes: NO_CHANGES };
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
      await boss.insert(QUEUES.deliveries, toJobs(queued), { db: inTransaction(tx) });
      await notifyWorker(tx, [QUEUES.deliveries]);
    }
    return { released: due.length, held: heldRecords.length, changes };
  });
  countAttempts(heldRecords.map((r) => ({ success: false, trigger: r.trigger, durationMs: 0 })));
  return result;
}
