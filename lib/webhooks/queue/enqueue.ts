import { sql } from 'drizzle-orm';
import { runPrepared, type Transaction } from '@/db/client';
import type { AttemptTrigger } from '@/db/schema';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { getPublisher, inTransaction, JOBS_CHANNEL, QUEUES, type QueueName } from './boss';

/**
 * A delivery job: up to DELIVERIES_PER_JOB deliveries to one webhook (core/delivery-job.ts); the
 * worker loads everything else in one query per batch.
 */
export type DeliveryJobData = {
  deliveryIds: string[];
  trigger: AttemptTrigger;
  /**
   * For automatic jobs: the attempt number this job makes (1 when absent). A job whose delivery has
   * moved on (already attempted, retried by hand, skipped) is stale and does nothing, so a
   * scheduled retry and a manual Retry never both send.
   */
  attempt?: number;
};

/** One attempt the worker is asked to make. */
export type DeliveryRequest = { deliveryId: string; trigger: AttemptTrigger; attempt?: number };

/** `slowed`: the webhook's endpoint is slowed down, so its job waits behind everyone else's (SLOWED_PRIORITY). */
export type DeliveryToEnqueue = Omit<DeliveryRequest, 'attempt'> & { webhookId: string; slowed?: boolean };

/**
 * pg-boss fetches higher priorities first. Jobs of slowed-down endpoints (deliver/slowdown.ts) are
 * mostly recorded as not sent at once; below everyone else's, a burst of them never delays a
 * healthy webhook's jobs in the fetch. They still run as soon as the fetch has room.
 */
export const SLOWED_PRIORITY = -1;

/**
 * The pg-boss group tier of those jobs. Its limit is far above an answering endpoint's cap: their
 * attempts are recorded as not sent but for one request at a time (slowdown.ts), so holding them
 * to the cap would only leave a backlog that every fetch has to read past.
 */
export const SLOWED_TIER = 'slowed';
export const SLOWED_TIER_LIMIT = 100;

type JobToInsert = { data: DeliveryJobData; group: { id: string; tier?: string }; priority?: number };

const slowedJob = (job: JobToInsert): JobToInsert => ({ ...job, group: { ...job.group, tier: SLOWED_TIER }, priority: SLOWED_PRIORITY });


/** Groups deliveries by webhook and trigger into jobs; the group id is the webhook, for per-webhook concurrency. */
export function toJobs(deliveries: readonly DeliveryToEnqueue[]): JobToInsert[] {
  const byWebhook = new Map<string, DeliveryToEnqueue[]>();
  for (const d of deliveries) {
    const key = `${d.trigger}\n${d.webhookId}`;
    const list = byWebhook.get(key);
    if (list) list.push(d);
    else byWebhook.set(key, [d]);
  }
  const jobs: JobToInsert[] = [];
  for (const list of byWebhook.values()) {
    for (let i = 0; i < list.length; i += DELIVERIES_PER_JOB) {
      const chunk = list.slice(i, i + DELIVERIES_PER_JOB);
      const job: JobToInsert = { data: { deliveryIds: chunk.map((d) => d.deliveryId), trigger: chunk[0]!.trigger }, group: { id: chunk[0]!.webhookId } };
      jobs.push(chunk.some((d) => d.slowed) ? slowedJob(job) : job);
    }
  }
  return jobs;
}

/** Wakes the worker at the commit: one NOTIFY per queue that gained jobs it can start now. */
async function notifyWorker(tx: Transaction, queues: readonly QueueName[]): Promise<void> {
  await runPrepared(tx, sql`select pg_notify(${JOBS_CHANNEL}, q) from unnest(${sql.param([...queues])}::text[]) as q`);
}

/**
 * Inserts delivery jobs through the caller's transaction, so they exist exactly when the deliveries
 * they point at commit. Automatic deliveries use the bulk queue; tests and manual retries the
 * interactive one, unless `bulk` (a mass re-send must not queue ahead of an admin's test event).
 */
export async function enqueueDeliveries(tx: Transaction, deliveries: readonly DeliveryToEnqueue[], { bulk = false } = {}): Promise<void> {
  if (deliveries.length === 0) return;
  const boss = await getPublisher();
  const db = inTransaction(tx);
  const automatic = deliveries.filter((d) => bulk || d.trigger === 'automatic');
  const interactive = deliveries.filter((d) => !bulk && d.trigger !== 'automatic');
  const queues: QueueName[] = [];
  if (automatic.length > 0) {
    await boss.insert(QUEUES.deliveries, toJobs(automatic), { db });
    queues.push(QUEUES.deliveries);
  }
  if (interactive.length > 0) {
    await boss.insert(QUEUES.interactive, toJobs(interactive), { db });
    queues.push(QUEUES.interactive);
  }
  await notifyWorker(tx, queues);
}

/** An automatic retry of one delivery, due at `startAfter` (jittered); `slowed`: its endpoint is slowed down. */
export type ScheduledRetry = { deliveryId: string; webhookId: string; attempt: number; startAfter: Date; slowed?: boolean };

type RetryJob = JobToInsert & { startAfter: Date };

/**
 * One job per retry, since each has its own jittered due time; but the retries of a slowed-down
 * endpoint (mostly recorded as not sent, a burst at a time) share jobs of up to DELIVERIES_PER_JOB
 * per webhook and attempt number, due at the latest of their times, so a dead endpoint's backlog
 * costs the queue a job per batch rather than one per delivery.
 */
export function toRetryJobs(retries: readonly ScheduledRetry[]): RetryJob[] {
  const jobs: RetryJob[] = [];
  const shared = new Map<string, RetryJob>();
  for (const r of retries) {
    const data: DeliveryJobData = { deliveryIds: [r.deliveryId], trigger: 'automatic', attempt: r.attempt };
    if (!r.slowed) {
      jobs.push({ data, group: { id: r.webhookId }, startAfter: r.startAfter });
      continue;
    }
    const key = `${r.webhookId}\n${r.attempt}`;
    const open = shared.get(key);
    if (open && open.data.deliveryIds.length < DELIVERIES_PER_JOB) {
      open.data.deliveryIds.push(r.deliveryId);
      if (r.startAfter > open.startAfter) open.startAfter = r.startAfter;
      continue;
    }
    const job: RetryJob = { ...slowedJob({ data, group: { id: r.webhookId } }), startAfter: r.startAfter };
    shared.set(key, job);
    jobs.push(job);
  }
  return jobs;
}

/** Inserts retry jobs due at their `startAfter`, in the transaction that records the failed attempts. */
export async function scheduleRetries(tx: Transaction, retries: readonly ScheduledRetry[]): Promise<void> {
  if (retries.length === 0) return;
  const boss = await getPublisher();
  await boss.insert(QUEUES.deliveries, toRetryJobs(retries), { db: inTransaction(tx) });
  // A retry due at once (a replay resuming its schedule) should not wait for the worker's next poll.
  if (retries.some((r) => r.startAfter.getTime() <= Date.now())) await notifyWorker(tx, [QUEUES.deliveries]);
}

/**
 * When an endpoint is slowed down, the jobs of its webhook already waiting move behind everyone
 * else's, into the slowed-down tier; when it answers again, they come back. pg-boss has no call
 * for this, so it is one statement on its job table.
 */
export async function retierWaitingJobs(tx: Transaction, webhookIds: readonly string[], slowed: boolean): Promise<void> {
  if (webhookIds.length === 0) return;
  await runPrepared(tx, sql`
    update pgboss.job set priority = ${slowed ? SLOWED_PRIORITY : 0}, group_tier = ${slowed ? SLOWED_TIER : null}
    where name = ${QUEUES.deliveries} and group_id = any(${sql.param([...webhookIds])}::text[]) and state in ('created', 'retry')`);
}
