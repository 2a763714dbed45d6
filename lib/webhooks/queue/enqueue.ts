import { sql } from 'drizzle-orm';
import { runPrepared, type Transaction } from '@/db/client';
import type { AttemptTrigger } from '@/db/schema';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { formatJobsNotice, getPublisher, inTransaction, JOBS_CHANNEL, QUEUES, type JobBand, type JobsNotice } from './boss';
import { parkAttempts } from './parked';

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

/**
 * `slowed`: the webhook's endpoint is slowed down; `lagging`: it is lagging (deliver/lagging.ts).
 * Either way an automatic attempt is parked rather than queued (parked.ts), and the release queues
 * it in its time. `attempt`: for automatic attempts, the one the job makes (1 when absent).
 */
export type DeliveryToEnqueue = DeliveryRequest & { webhookId: string; slowed?: boolean; lagging?: boolean };

/**
 * pg-boss fetches higher priorities first. Jobs of slowed-down endpoints (deliver/slowdown.ts) are
 * mostly recorded as not sent at once, and those of lagging endpoints (deliver/lagging.ts) wait
 * for a slot of their webhook; below everyone else's, a backlog of them never delays a healthy
 * webhook's jobs in the fetch. The worker's slowed lane fetches them with a budget of its own.
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
/** A lagging endpoint's job: below everyone's, at the webhook's usual cap, one delivery each. */
const laggingJob = (job: JobToInsert): JobToInsert => ({ ...job, priority: SLOWED_PRIORITY });

/** A slowed-down or lagging endpoint's automatic attempts are parked, not queued (parked.ts). */
const parksFor = (endpoint: { slowed?: boolean; lagging?: boolean }) => endpoint.slowed === true || endpoint.lagging === true;

/**
 * Groups deliveries by webhook, trigger and attempt number into jobs of up to DELIVERIES_PER_JOB;
 * the group id is the webhook, for per-webhook concurrency. A lagging endpoint's jobs carry one
 * delivery each, so its cap of jobs is also its cap of requests: it is slow to answer already.
 */
export function toJobs(deliveries: readonly DeliveryToEnqueue[]): JobToInsert[] {
  const byWebhook = new Map<string, DeliveryToEnqueue[]>();
  for (const d of deliveries) {
    const key = `${d.trigger}\n${d.attempt ?? 1}\n${d.webhookId}`;
    const list = byWebhook.get(key);
    if (list) list.push(d);
    else byWebhook.set(key, [d]);
  }
  const jobs: JobToInsert[] = [];
  for (const list of byWebhook.values()) {
    const slowed = list.some((d) => d.slowed);
    const lagging = !slowed && list.some((d) => d.lagging);
    const perJob = lagging ? 1 : DELIVERIES_PER_JOB;
    for (let i = 0; i < list.length; i += perJob) {
      const chunk = list.slice(i, i + perJob);
      const { trigger, attempt, webhookId } = chunk[0]!;
      const data: DeliveryJobData = { deliveryIds: chunk.map((d) => d.deliveryId), trigger, ...(attempt === undefined ? {} : { attempt }) };
      const job: JobToInsert = { data, group: { id: webhookId } };
      jobs.push(slowed ? slowedJob(job) : lagging ? laggingJob(job) : job);
    }
  }
  return jobs;
}

/** The worker lane that fetches a job: the slowed one below SLOWED_PRIORITY's band, the answering one above. */
const bandOf = (job: { priority?: number }): JobBand => ((job.priority ?? 0) <= SLOWED_PRIORITY ? 'slowed' : 'answering');

/** What to NOTIFY for `jobs` of the delivery queue: the band of each lane that can fetch some. */
export const deliveryNotices = (jobs: readonly { priority?: number }[]): JobsNotice[] =>
  [...new Set(jobs.map(bandOf))].map((band) => ({ queue: QUEUES.deliveries, band }));

/** Wakes the worker at the commit: one NOTIFY per queue (and band) that gained jobs it can start now. */
export async function notifyWorker(tx: Transaction, notices: readonly JobsNotice[]): Promise<void> {
  if (notices.length === 0) return;
  await runPrepared(tx, sql`select pg_notify(${JOBS_CHANNEL}, n) from unnest(${sql.param(notices.map(formatJobsNotice))}::text[]) as n`);
}

/**
 * Inserts delivery jobs through the caller's transaction, so they exist exactly when the deliveries
 * they point at commit. Automatic deliveries use the bulk queue; tests and manual retries the
 * interactive one, unless `bulk` (a mass re-send must not queue ahead of an admin's test event).
 * A publish leaves slowed-down and lagging endpoints' deliveries to the release (parked.ts).
 */
export async function enqueueDeliveries(tx: Transaction, deliveries: readonly DeliveryToEnqueue[], { bulk = false } = {}): Promise<void> {
  if (deliveries.length === 0) return;
  const boss = await getPublisher();
  const db = inTransaction(tx);
  const automatic = deliveries.filter((d) => bulk || d.trigger === 'automatic');
  const interactive = deliveries.filter((d) => !bulk && d.trigger !== 'automatic');
  const notices: JobsNotice[] = [];
  if (automatic.length > 0) {
    const jobs = toJobs(automatic);
    await boss.insert(QUEUES.deliveries, jobs, { db });
    notices.push(...deliveryNotices(jobs));
  }
  if (interactive.length > 0) {
    await boss.insert(QUEUES.interactive, toJobs(interactive), { db });
    notices.push({ queue: QUEUES.interactive });
  }
  await notifyWorker(tx, notices);
}

/**
 * An automatic retry of one delivery, due at `startAfter` (jittered); `slowed`: its endpoint is
 * slowed down; `lagging`: it is lagging.
 */
export type ScheduledRetry = { deliveryId: string; webhookId: string; attempt: number; startAfter: Date; slowed?: boolean; lagging?: boolean };

/**
 * Schedules retries in the transaction that records the failed attempts: a job each, due at its
 * `startAfter`; a slowed-down or lagging endpoint's are parked until then instead (parked.ts): most
 * of a slowed-down one's will be recorded as not sent, a burst at a time, and a lagging one's
 * wait for its cap.
 */
export async function scheduleRetries(tx: Transaction, retries: readonly ScheduledRetry[]): Promise<void> {
  const parked = retries.filter(parksFor);
  await parkAttempts(
    tx,
    parked.map((r) => ({ deliveryId: r.deliveryId, webhookId: r.webhookId, attempt: r.attempt, dueAt: r.startAfter })),
  );
  const queued = parked.length === 0 ? retries : retries.filter((r) => !parksFor(r));
  if (queued.length === 0) return;
  const boss = await getPublisher();
  await boss.insert(
    QUEUES.deliveries,
    queued.map((r) => {
      const job: JobToInsert = { data: { deliveryIds: [r.deliveryId], trigger: 'automatic', attempt: r.attempt }, group: { id: r.webhookId } };
      return { ...job, startAfter: r.startAfter };
    }),
    { db: inTransaction(tx) },
  );
  // A retry due at once (a replay resuming its schedule) should not wait for the worker's next poll.
  if (queued.some((r) => r.startAfter.getTime() <= Date.now())) await notifyWorker(tx, [{ queue: QUEUES.deliveries, band: 'answering' }]);
}

/**
 * When a slowed-down endpoint answers again, the jobs already made for it come back from the
 * slowed-down tier to everyone's. pg-boss has no call for this, so it is one statement on its job
 * table. (When it slows down, its waiting jobs are parked instead: `parkWaitingJobs`.)
 */
export async function restoreWaitingJobs(tx: Transaction, webhookIds: readonly string[]): Promise<void> {
  if (webhookIds.length === 0) return;
  await runPrepared(tx, sql`
    update pgboss.job set priority = 0, group_tier = null
    where name = ${QUEUES.deliveries} and group_id = any(${sql.param([...webhookIds])}::text[]) and state in ('created', 'retry')`);
}
