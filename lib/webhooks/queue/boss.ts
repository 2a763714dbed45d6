import { PgBoss, type ConstructorOptions, type Db, type Queue } from 'pg-boss';
import type postgres from 'postgres';
import { clientOf, type Transaction } from '@/db/client';
import { env, jobExpireSeconds } from '@/lib/env';
import { componentLog, describeError } from '@/lib/observability/log';

/**
 * Queue names shared by publishers and the worker. Send Test Event and manual Retry go to their own
 * queue so an admin waiting in the dialog never queues behind a large backlog of ordinary deliveries.
 */
export const QUEUES = {
  deliveries: 'webhook-deliveries',
  interactive: 'webhook-deliveries-interactive',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * The channel publishers NOTIFY, in the transaction that inserts delivery jobs: the worker wakes at
 * the commit instead of at its next poll. The payload is a `JobsNotice`.
 */
export const JOBS_CHANNEL = 'kazinex_webhook_jobs';

/**
 * Which of a worker's fetch lanes takes a job (worker/lanes.ts): slowed-down and lagging endpoints'
 * jobs, at the lower priority, or everyone else's.
 */
export type JobBand = 'answering' | 'slowed';

/**
 * What a NOTIFY on JOBS_CHANNEL says: jobs of `queue` can start now, of one band when `band` is
 * set. A lane woken for jobs it cannot fetch runs a fetch that finds nothing: a publish, which
 * makes answering endpoints' jobs, need not wake the lane of slowed-down ones.
 * Payload: `<queue>` or `<queue>:<band>`.
 */
export type JobsNotice = { queue: QueueName; band?: JobBand };

export const formatJobsNotice = ({ queue, band }: JobsNotice): string => (band ? `${queue}:${band}` : queue);

/** Null for a payload naming no queue of ours. An unknown band wakes every lane of its queue. */
export function parseJobsNotice(payload: string): JobsNotice | null {
  const [name, band] = payload.split(':', 2);
  const queue = Object.values(QUEUES).find((q) => q === name);
  if (!queue) return null;
  return band === 'answering' || band === 'slowed' ? { queue, band } : { queue };
}

/** The scheduled Delivery Log retention job (its own queue: it is not a delivery job). */
export const RETENTION_QUEUE = 'webhook-log-retention';

const queueOptions = (): Omit<Queue, 'name'> => ({
  // Publishers send their own NOTIFY on JOBS_CHANNEL (the worker fetches these queues itself).
  notify: false,
  // An attempt takes at most WEBHOOKS_TIMEOUT_MS; a job still active well after that belonged to a
  // worker that died, and another worker takes it (its receiver may see those deliveries twice).
  expireInSeconds: jobExpireSeconds(env()),
  // Only a database failure while loading or recording fails a job; back off and try again.
  retryLimit: 10,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 300,
  // The attempts themselves are kept in our tables; a finished job is only pg-boss's bookkeeping.
  deleteAfterSeconds: 3600,
});

export function createBoss(connectionString: string, options: Partial<ConstructorOptions> = {}): PgBoss {
  return new PgBoss({ connectionString, schema: 'pgboss', max: 5, ...options });
}

/**
 * Creates every queue the product uses. The worker (`update: true`) also brings existing queues'
 * settings up to date from its configuration; publishers only make sure the queues exist.
 */
export async function ensureQueues(boss: PgBoss, { update = false } = {}): Promise<void> {
  const options = queueOptions();
  for (const name of Object.values(QUEUES)) {
    await boss.createQueue(name, options);
    if (update) await boss.updateQueue(name, options);
  }
  await boss.createQueue(RETENTION_QUEUE, { retryLimit: 3, expireInSeconds: 3600, deleteAfterSeconds: 86_400 });
}

const globalForBoss = globalThis as unknown as { kazinexPublisher?: Promise<PgBoss> };

/**
 * The pg-boss instance a process publishes through (the web app, scripts, tests). It only inserts
 * jobs, always inside the caller's transaction; maintenance and scheduling are the worker's.
 */
export function getPublisher(): Promise<PgBoss> {
  globalForBoss.kazinexPublisher ??= (async () => {
    const boss = createBoss(env().DATABASE_URL, { max: 2, supervise: false, schedule: false, registerInstance: false });
    boss.on('error', (err: Error) => componentLog('pg-boss').error({ error: describeError(err) }, 'publisher error'));
    await boss.start();
    await ensureQueues(boss);
    return boss;
  })().catch((err: unknown) => {
    globalForBoss.kazinexPublisher = undefined;
    throw err;
  });
  return globalForBoss.kazinexPublisher;
}

export async function closePublisher(): Promise<void> {
  const current = globalForBoss.kazinexPublisher;
  globalForBoss.kazinexPublisher = undefined;
  if (current) await (await current.catch(() => undefined))?.stop({ graceful: false });
}

/** Dates as ISO text and undefined as null: the forms this connection binds without a type of its own. */
const bindable = (value: unknown) => (value instanceof Date ? value.toISOString() : value === undefined ? null : value) as postgres.ParameterOrJSON<never>;

/**
 * Runs pg-boss's statements (job inserts, completions) inside a transaction of ours, so they commit
 * or roll back with it. Parameters are bound as pg-boss gives them, arrays whole: the statement
 * text then does not change with the number of jobs, and each is prepared once per connection.
 */
export function inTransaction(tx: Transaction): Db {
  const client = clientOf(tx);
  return {
    executeSql: async (text, values = []) => ({ rows: await client.unsafe(text, values.map(bindable), { prepare: true }) }),
  };
}
