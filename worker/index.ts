/**
 * The delivery worker: its own Node process running pg-boss jobs. The web app never delivers
 * inside a request. SIGTERM/SIGINT stop fetching and let in-flight attempts finish and be recorded.
 */
import { closeDb, listen } from '@/db/client';
import { env } from '@/lib/env';
import { createBoss, ensureQueues, JOBS_CHANNEL, QUEUES, RETENTION_QUEUE } from '@/lib/webhooks/queue/boss';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { pruneDeliveryLog } from '@/lib/webhooks/deliver/prune';
import { DeliveryPump } from './pump';

/** Daily, at a quiet minute: the Delivery Log retention run. */
const RETENTION_CRON = '17 3 * * *';

async function main() {
  const config = env();
  const boss = createBoss(config.DATABASE_URL, {
    // The delivery pumps listen for their own NOTIFY; pg-boss's own work here is the daily retention run.
    useListenNotify: false,
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
  const pumps = [
    new DeliveryPump(boss, {
      queue: QUEUES.deliveries,
      fetchSize: config.WEBHOOKS_WORKER_BATCH_SIZE,
      maxJobs: config.WEBHOOKS_WORKER_CONCURRENCY,
      perWebhook: config.WEBHOOKS_WEBHOOK_CONCURRENCY,
      // A retry falls due without a NOTIFY (it is sent when the retry is scheduled): look often.
      pollMs: 1_000,
      ctx,
    }),
    // Send Test Event and Retry have their own pump, woken by NOTIFY, so an admin's click is
    // answered in milliseconds even behind a backlog; one job per webhook at a time.
    new DeliveryPump(boss, { queue: QUEUES.interactive, fetchSize: 20, maxJobs: 40, perWebhook: 1, pollMs: 1_000, ctx }),
  ];
  const unlisten = await listen(
    JOBS_CHANNEL,
    (queue) => pumps.find((p) => p.queue === queue)?.wake(),
    () => pumps.forEach((p) => p.wake()),
  );
  for (const pump of pumps) pump.start();
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
    await unlisten().catch(() => {});
    // Every attempt ends within the time limit; recording it should take moments more.
    const limitMs = config.WEBHOOKS_TIMEOUT_MS + 20_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(pumps.map((p) => p.stop())).then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), limitMs))),
    ]);
    clearTimeout(timer);
    if (!drained) console.error(`[worker] attempts still unrecorded after ${limitMs} ms; stopping anyway (their jobs run again once they expire)`);
    await boss.stop({ graceful: true, timeout: 20_000 });
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
