/**
 * Prometheus metrics, one registry per process (kept on globalThis: Next may load this module in
 * several bundles, and every route must count into the same figures). Labels stay low-cardinality:
 * outcome, trigger and event type, never a webhook or organisation id.
 *
 * Counters and the histogram count what this process did; the backlog gauges are read from the
 * database at scrape time, so every process reports the same database-wide figures.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { attemptTriggerEnum, type AttemptTrigger } from '@/db/schema';
import { readBacklog, type Backlog } from './backlog';
import { componentLog, describeError } from './log';
import { probe } from './probe';

/** Attempt durations: the default time limit is 10 s and it can be raised to 60 s. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];

/** A scrape reads the database at most this often; more scrapes reuse the last figures. */
const BACKLOG_CACHE_MS = 1_000;
const BACKLOG_TIMEOUT_MS = 2_000;

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    deliveryAttempts: new Counter({
      name: 'kazinex_delivery_attempts_total',
      help: 'Delivery attempts made by this process, by outcome and by what caused them.',
      labelNames: ['outcome', 'trigger'] as const,
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'kazinex_delivery_attempt_duration_seconds',
      help: 'How long delivery attempts took, from the request start to the end of the response (or the failure).',
      labelNames: ['outcome'] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    eventsPublished: new Counter({
      name: 'kazinex_events_published_total',
      help: 'Events stored by this process for delivery (test events excluded), by event type.',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    jobFetches: new Counter({
      name: 'kazinex_job_fetches_total',
      help: 'Fetches of delivery jobs by this worker, by queue, lane and whether they found any: a lane woken for jobs it cannot take fetches nothing.',
      labelNames: ['queue', 'lane', 'result'] as const,
      registers: [registry],
    }),
    parkedReleased: new Counter({
      name: 'kazinex_parked_attempts_released_total',
      help: 'Parked attempts of slowed-down and lagging endpoints this worker released as they fell due: held back (recorded as not sent) or queued as jobs.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    fanoutDeliveries: new Counter({
      name: 'kazinex_fanout_deliveries_made_total',
      help: "Deliveries this worker made for publishes' fan-outs to slowed-down and lagging endpoints.",
      registers: [registry],
    }),
    releaseSeconds: new Counter({
      name: 'kazinex_parked_release_seconds_total',
      help: "Seconds this worker spent in the parked release's transactions: the database work dead endpoints' attempts cost (about a third of the time while it works through a backlog of full batches).",
      registers: [registry],
    }),
    backlog: null as null | { at: number; value: Promise<Backlog | null> },
  };
  // Every series exists from the start, at 0, so rates and alerts see the first attempt too.
  for (const trigger of attemptTriggerEnum.enumValues) {
    for (const outcome of ['success', 'failure'] as const) metrics.deliveryAttempts.inc({ outcome, trigger }, 0);
  }
  for (const outcome of ['held', 'queued'] as const) metrics.parkedReleased.inc({ outcome }, 0);
  const backlogGauge = (name: string, help: string, pick: (b: Backlog) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const backlog = await readCachedBacklog(metrics);
        // NaN when the database could not be read: a stale figure would hide an outage.
        this.set(backlog ? pick(backlog) : Number.NaN);
      },
    });
  backlogGauge('kazinex_delivery_queue_depth', 'Deliveries whose next attempt is due now and not yet started, queued or parked (whole database).', (b) => b.queueDepth);
  backlogGauge(
    'kazinex_oldest_due_delivery_age_seconds',
    'Seconds since the longest-waiting due delivery fell due (0 when none is waiting; whole database).',
    (b) => b.oldestDueAgeSeconds,
  );
  backlogGauge('kazinex_webhooks_disabled_total', 'Webhooks currently disabled by failure tracking (whole database).', (b) => b.webhooksDisabled);
  backlogGauge('kazinex_webhooks_slowed_down', 'Webhooks whose endpoint timed out, answered 429 or could not be reached, and gets one request at a time (whole database).', (b) => b.webhooksSlowed);
  return metrics;
}

type Metrics = ReturnType<typeof createMetrics>;

const logger = componentLog('metrics');

function readCachedBacklog(metrics: Metrics): Promise<Backlog | null> {
  const now = Date.now();
  if (metrics.backlog && now - metrics.backlog.at < BACKLOG_CACHE_MS) return metrics.backlog.value;
  const url = process.env.DATABASE_URL;
  const value = url
    ? probe(url, BACKLOG_TIMEOUT_MS, (sql) => readBacklog(sql, BACKLOG_TIMEOUT_MS)).catch((err: unknown) => {
        logger.warn({ error: describeError(err) }, 'reading the delivery backlog for the metrics failed');
        return null;
      })
    : Promise.resolve(null);
  metrics.backlog = { at: now, value };
  return value;
}

const globalForMetrics = globalThis as unknown as { kazinexMetrics?: Metrics };

function metrics(): Metrics {
  return (globalForMetrics.kazinexMetrics ??= createMetrics());
}

export type AttemptOutcome = { success: boolean; trigger: AttemptTrigger; durationMs: number };

/** Counts attempts this process made, and their durations. */
export function countAttempts(attempts: readonly AttemptOutcome[]): void {
  const m = metrics();
  for (const a of attempts) {
    const outcome = a.success ? 'success' : 'failure';
    m.deliveryAttempts.inc({ outcome, trigger: a.trigger });
    m.attemptDuration.observe({ outcome }, a.durationMs / 1000);
  }
}

/** Counts one fetch of delivery jobs by a worker lane (worker/lanes.ts). */
export function countFetch(queue: string, lane: string, found: number): void {
  metrics().jobFetches.inc({ queue, lane, result: found > 0 ? 'jobs' : 'empty' });
}

/** Counts one transaction of the parked release (deliver/release.ts), once it has committed. */
export function countRelease(done: { held: number; queued: number; made: number; seconds: number }): void {
  const m = metrics();
  m.parkedReleased.inc({ outcome: 'held' }, done.held);
  m.parkedReleased.inc({ outcome: 'queued' }, done.queued);
  m.fanoutDeliveries.inc(done.made);
  m.releaseSeconds.inc(done.seconds);
}

/** Counts events stored for delivery (once their transaction has committed). */
export function countPublished(eventTypes: readonly string[]): void {
  const m = metrics();
  for (const event of eventTypes) m.eventsPublished.inc({ event });
}

/** The exposition text for `/metrics`, and its content type. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
