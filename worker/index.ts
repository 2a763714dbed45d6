/**
 * The delivery worker: its own Node process running pg-boss jobs. The web app never delivers
 * inside a request. SIGTERM/SIGINT stop fetching and let in-flight attempts finish and be recorded.
 */
import type { Job } from 'pg-boss';
import { z } from 'zod';
import { closeDb } from '@/db/client';
import { attemptTriggerEnum } from '@/db/schema';
import { env } from '@/lib/env';
import { createBoss, ensureQueues, QUEUES, RETENTION_QUEUE } from '@/lib/queue/boss';
import { deliverBatch, type DeliveryContext } from '@/lib/webhooks/deliver';
import type { DeliveryRequest } from '@/lib/webhooks/enqueue';
import { pruneDeliveryLog } from '@/lib/webhooks/prune-log';

const jobDataSchema = z.object({
  deliveryIds: z.array(z.string().min(1)),
  trigger: z.enum(attemptTriggerEnum.enumValues),
  attempt: z.number().int().min(1).optional(),
});

/** Daily, at a quiet minute: the Delivery Log retention run. */
const RETENTION_CRON = '17 3 * * *';

/** The attempts a batch of jobs asks for; a job that is not a delivery job is logged and skipped. */
function attemptsOf(jobs: Job<unknown>[]): DeliveryRequest[] {
  return jobs.flatMap((job) => {
    const parsed = jobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      console.error(`[worker] ignoring job ${job.id}: its data is not a delivery job`);
      return [];
    }
    const { trigger, attempt } = parsed.data;
    return parsed.data.deliveryIds.map((deliveryId) => ({ deliveryId, trigger, attempt }));
  });
}

/** The database's own message, not drizzle's wrapper: that one repeats the query parameters (request bodies) into the log. */
function describeFailure(err: unknown): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const source = cause instanceof Error ? cause : err;
  const code = (source as { code?: unknown }).code;
  return `${source instanceof Error ? source.message : String(source)}${typeof code === 'string' ? ` (${code})` : ''}`;
}

async function main() {
  const config = env();
  const boss = createBoss(config.DATABASE_URL, {
    useListenNotify: true,
    max: 8,
    instanceName: 'delivery-worker',
    // Expired jobs (their worker died mid-attempt) are found on these passes and run again.
    superviseIntervalSeconds: config.WEBHOOKS_WORKER_SUPERVISE_SECONDS,
    monitorIntervalSeconds: config.WEBHOOKS_WORKER_SUPERVISE_SECONDS,
  });
  boss.on('error', (err: Error) => console.error('[worker] pg-boss error:', err.message));
  await boss.start();
  await ensureQueues(boss, { update: true });
  if (config.WEBHOOKS_ALLOW_PRIVATE_URLS) {
    console.warn('[worker] WEBHOOKS_ALLOW_PRIVATE_URLS is on: deliveries may reach private addresses. Development and tests only.');
  }

  const ctx: DeliveryContext = {
    timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
    allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE_URLS,
    encryptionKey: config.KAZINEX_ENCRYPTION_KEY,
    retrySchedule: config.WEBHOOKS_RETRY_SCHEDULE,
  };
  const handle = async (jobs: Job<unknown>[]) => {
    try {
      await deliverBatch(attemptsOf(jobs), ctx);
    } catch (err) {
      // pg-boss retries the jobs; say why, since the retry re-sends their deliveries.
      console.error(`[worker] a batch of ${jobs.length} jobs failed and will be retried: ${describeFailure(err)}`);
      throw err;
    }
  };

  // Several loops keep the database and the network busy at the same time. A loop waits for
  // its whole batch, so one webhook may hold only a few jobs at once (groupConcurrency, counted
  // across all workers): an endpoint that hangs ties up at most those loops for one time limit.
  // A capped fetch comes back short, which would send the loop to sleep until its next poll
  // while the webhook's backlog waits; so each loop fetches again at once after any non-empty
  // batch, and sleeps only when a fetch finds nothing.
  for (let i = 0; i < config.WEBHOOKS_WORKER_CONCURRENCY; i++) {
    let loopId: string | undefined;
    loopId = await boss.work(
      QUEUES.deliveries,
      {
        batchSize: config.WEBHOOKS_WORKER_BATCH_SIZE,
        burstWhenBatchFull: true,
        groupConcurrency: config.WEBHOOKS_WEBHOOK_CONCURRENCY,
        pollingIntervalSeconds: 1,
        // A retry's NOTIFY fires when it is scheduled, not when it falls due: polling finds it, so poll often.
        notifyPollingIntervalSeconds: 1,
      },
      async (jobs: Job<unknown>[]) => {
        await handle(jobs);
        if (loopId) boss.notifyWorker(loopId);
      },
    );
  }
  // Send Test Event and Retry: small batches on their own loop, woken by NOTIFY, so an admin's
  // click is answered in milliseconds even behind a backlog.
  await boss.work(
    QUEUES.interactive,
    // One job per webhook at a time: test events to a hanging endpoint hold one loop, never both.
    { batchSize: 20, burstWhenBatchFull: true, localConcurrency: 2, groupConcurrency: 1, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 5 },
    handle,
  );
  await boss.schedule(RETENTION_QUEUE, RETENTION_CRON, null, { tz: 'UTC' });
  await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    const pruned = await pruneDeliveryLog({ retentionDays: config.WEBHOOKS_LOG_RETENTION_DAYS, now: new Date() });
    console.log(`[worker] retention: pruned ${pruned.attempts} attempts, ${pruned.deliveries} deliveries, ${pruned.events} events, ${pruned.idempotencyKeys} idempotency keys`);
  });
  console.log('[worker] ready');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('[worker] stopping: finishing in-flight attempts…');
    await boss.stop({ graceful: true, timeout: config.WEBHOOKS_TIMEOUT_MS + 20_000 });
    await closeDb();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error('[worker] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
