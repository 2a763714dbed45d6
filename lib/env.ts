import { z } from 'zod';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const schedule = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'a comma-separated list of whole seconds, e.g. 5,300,1800')
  .transform((s) => s.split(',').map((n) => Number(n.trim())));

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, 'is required (npm start sets it to the embedded PostgreSQL when unset)'),
  KAZINEX_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters'),
  KAZINEX_SERVICE_TOKEN: z.string().min(24, 'must be at least 24 characters'),
  WEBHOOKS_ALLOW_PRIVATE_URLS: flag,
  WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOKS_RETRY_SCHEDULE: schedule.default([5, 300, 1800, 7200, 18000, 36000, 36000]),
  WEBHOOKS_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /**
   * Delivery jobs a worker takes with one fetch; each holds up to 25 deliveries to one webhook. An
   * event makes a job per subscribed webhook, and its jobs are sent only as fast as the fetches
   * that take them follow each other: at 64, one fetch takes an event to 40 webhooks where 16 took
   * three. In the full benchmark's noisy-neighbours runs (40 answering webhooks beside 40 or 200 dead
   * ones, 5 events/s; three interleaved runs each) their median per-second worst latency fell from
   * 45–61 ms to 28–39 ms, and their p50 from 28–37 ms to 22–26 ms.
   */
  WEBHOOKS_WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(64),
  /**
   * Requests in flight in one worker process at once. A request waiting on a slow endpoint costs a
   * socket, not CPU, so this is large; it bounds the worker's memory whatever the backlog.
   */
  WEBHOOKS_WORKER_REQUESTS: z.coerce.number().int().min(50).max(50_000).default(4000),
  /**
   * Delivery jobs (up to 25 requests each) of one webhook in flight at once, across all workers:
   * the endpoint's cap while it answers. A slowed-down endpoint gets one request at a time.
   */
  WEBHOOKS_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Seconds after which an unfinished job counts as lost with its worker and runs again; default: the time limit plus 15 s. */
  WEBHOOKS_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(2).max(3600).optional(),
  /** How often a worker looks for expired jobs (those of a worker that died). */
  WEBHOOKS_WORKER_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /** `json`: one JSON object a line; `pretty`: for people (npm start's default for the embedded demo). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The worker's /health and /metrics port; unset: 9464, or a free port if that one is taken. 0: a free port. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Management API: requests one API key may make per window (a fixed window counted in PostgreSQL). */
  API_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(600),
  API_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Reads and validates the environment once; a bad or missing variable stops the process with a clear message. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const data = parsed.data;
  if (data.WEBHOOKS_WEBHOOK_CONCURRENCY * DELIVERIES_PER_JOB * 2 > data.WEBHOOKS_WORKER_REQUESTS) {
    throw new Error(
      `Invalid configuration:\n  WEBHOOKS_WORKER_REQUESTS: must be at least WEBHOOKS_WEBHOOK_CONCURRENCY × ${DELIVERIES_PER_JOB} × 2, or one endpoint's requests could fill half of a worker`,
    );
  }
  cached = data;
  return cached;
}

/** How long a delivery job may stay active before pg-boss hands it to another worker. */
export function jobExpireSeconds(config: Env): number {
  const attemptSeconds = Math.ceil(config.WEBHOOKS_TIMEOUT_MS / 1000);
  return Math.max(config.WEBHOOKS_JOB_EXPIRE_SECONDS ?? attemptSeconds + 15, attemptSeconds + 1);
}
