/**
 * The delivery worker: its own Node process running pg-boss jobs. The web app never delivers
 * inside a request. SIGTERM/SIGINT stop fetching and let in-flight attempts finish and be recorded,
 * within the attempt time limit plus a few seconds. Health and metrics on WORKER_HEALTH_PORT.
 */
import { closeDb, listen } from '@/db/client';
import { env } from '@/lib/env';
import { componentLog, describeError, logUnexpected } from '@/lib/observability/log';
import { createBoss, ensureQueues, JOBS_CHANNEL, parseJobsNotice, QUEUES, RETENTION_QUEUE } from '@/lib/webhooks/queue/boss';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { pruneDeliveryLog } from '@/lib/webhooks/deliver/prune';
import { createHealthServer, listenHealthServer } from './health-server';
import { ParkedRelease } from './parked-release';
import { DeliveryPump } from './pump';
import { LaggingWatch } from './lagging-watch';
import { SlowdownMoves } from './slowdown-moves';

const logger = componentLog('worker');

/** After the attempts' own time limit, what recording and closing may take before the worker exits anyway. */
const RECORD_GRACE_MS = 5_000;
const CLOSE_GRACE_MS = 3_000;

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
  boss.on('error', (err: Error) => logger.error({ error: describeError(err) }, 'pg-boss error'));
  await boss.start();
  await ensureQueues(boss, { update: true });
  if (config.WEBHOOKS_ALLOW_PRIVATE_URLS) {
    logger.warn('WEBHOOKS_ALLOW_PRIVATE_URLS is on: deliveries may reach private addresses. Development and tests only.');
  }

  const ctx: DeliveryContext = {
    timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
    allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE_URLS,
    encryptionKey: config.KAZINEX_ENCRYPTION_KEY,
    retrySchedule: config.WEBHOOKS_RETRY_SCHEDULE,
  };
  const moves = new SlowdownMoves();
  const lagging = new LaggingWatch();
  // Slowed-down and lagging endpoints' attempts wait parked, out of the queue, until they fall due
  // (and a lagging one's until its cap has room).
  const release = new ParkedRelease(ctx, moves, config.WEBHOOKS_WEBHOOK_CONCURRENCY);
  const pumps = [
    new DeliveryPump(boss, {
      queue: QUEUES.deliveries,
      fetchSize: config.WEBHOOKS_WORKER_BATCH_SIZE,
      maxRequests: config.WEBHOOKS_WORKER_REQUESTS,
      perWebhook: config.WEBHOOKS_WEBHOOK_CONCURRENCY,
      slowedLane: true,
      moves,
      lagging,
      // A retry falls due without a NOTIFY (it is sent when the retry is scheduled): look often.
      pollMs: 1_000,
      onSlowedJobLeft: () => release.wake(),
      ctx,
    }),
    // Send Test Event and Retry have their own pump, woken by NOTIFY, so an admin's click is
    // answered in milliseconds even behind a backlog; one job per webhook at a time.
    new DeliveryPump(boss, { queue: QUEUES.interactive, fetchSize: 20, maxRequests: 1_000, perWebhook: 1, pollMs: 1_000, ctx, moves, lagging }),
  ];
  const unlisten = await listen(
    JOBS_CHANNEL,
    (payload) => {
      const notice = parseJobsNotice(payload);
      if (notice) pumps.find((p) => p.queue === notice.queue)?.wake(notice.band);
    },
    () => pumps.forEach((p) => p.wake()),
  );
  for (const pump of pumps) pump.start();
  release.start();
  await boss.schedule(RETENTION_QUEUE, RETENTION_CRON, null, { tz: 'UTC' });
  await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    const pruned = await pruneDeliveryLog({ retentionDays: config.WEBHOOKS_LOG_RETENTION_DAYS, now: new Date() });
    logger.info({ ...pruned }, 'retention: delivery log pruned');
  });

  let stopping = false;
  const health = createHealthServer({
    databaseUrl: config.DATABASE_URL,
    logger,
    fetching: async () => {
      if (stopping) return { ok: false, reason: 'stopping' };
      const failing = [...pumps.map((p) => p.health()), release.health()].find((h) => !h.ok);
      return failing ?? { ok: true };
    },
  });
  const healthPort = await listenHealthServer(health, config.WORKER_HEALTH_PORT, logger);
  logger.info({ healthPort }, `worker ready; health and metrics on port ${healthPort}`);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    const inFlight = pumps.reduce((n, p) => n + p.inFlight, 0);
    logger.info({ signal, inFlight }, 'stopping: finishing in-flight attempts');
    // Whatever happens below, the process ends within the time limit plus a few seconds.
    setTimeout(() => {
      logger.error('stopping took too long; exiting now (unrecorded jobs run again once they expire)');
      process.exit(1);
    }, config.WEBHOOKS_TIMEOUT_MS + RECORD_GRACE_MS + 2 * CLOSE_GRACE_MS).unref();
    await unlisten().catch(() => {});
    await release.stop();
    // Every attempt ends within the time limit; recording it should take moments more.
    const limitMs = config.WEBHOOKS_TIMEOUT_MS + RECORD_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(pumps.map((p) => p.stop())).then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), limitMs))),
    ]);
    clearTimeout(timer);
    if (!drained) logger.error({ limitMs }, 'attempts still unrecorded; stopping anyway (their jobs run again once they expire)');
    lagging.stop();
    await lagging.settled();
    await boss.stop({ graceful: true, timeout: CLOSE_GRACE_MS }).catch((err: unknown) => logger.error({ error: describeError(err) }, 'stopping pg-boss failed'));
    await closeDb().catch(() => {});
    health.close();
    logger.info({ stoppedInMs: Date.now() - started }, 'worker stopped');
    process.exit(drained ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  logUnexpected(logger, err, `worker failed to start: ${describeError(err)}`);
  process.exit(1);
});
