import postgres from 'postgres';
import { QUEUES } from '@/lib/webhooks/queue/boss';

/** The database-wide figures the metrics report: the same from every process that reads them. */
export type Backlog = {
  /** Deliveries whose next attempt is due now and not yet started (queued or parked). */
  queueDepth: number;
  /** How long the longest-waiting of those has been due, in seconds (0 when none is). */
  oldestDueAgeSeconds: number;
  /** Webhooks that failure tracking has disabled. */
  webhooksDisabled: number;
  /** Webhooks whose endpoint gets one request at a time (deliver/slowdown.ts). */
  webhooksSlowed: number;
};

/**
 * A delivery waits for an attempt while a job carries it (its first attempt, a retry, one a Retry
 * or a replay asked for) or while the attempt is parked (queue/parked.ts), from when it falls due
 * until a worker starts it; so is a first attempt whose delivery the release has still to make
 * (a publish's fan-out). Read from pg-boss's queued jobs, `parked_attempts` and `parked_fanouts`,
 * never from `deliveries`: indexing the deliveries by when they fall due would make every
 * attempt's update write new entries in the table's indexes (db/schema.ts). The cost grows with
 * the backlog, never with the size of the log.
 */
const DELIVERY_QUEUES = Object.values(QUEUES).map((q) => `'${q}'`).join(', ');
const WAITING = `
  select jsonb_array_length(data->'deliveryIds') as deliveries, start_after as due_at
  from pgboss.job where name in (${DELIVERY_QUEUES}) and state in ('created', 'retry') and start_after <= now()
  union all
  select 1, due_at from parked_attempts where due_at <= now()
  union all
  select cardinality(webhook_ids), due_at from parked_fanouts where due_at <= now()`;
export const BACKLOG_SQL = `
  with waiting as (${WAITING})
  select
    (select coalesce(sum(deliveries), 0) from waiting)::float8 as queue_depth,
    coalesce(extract(epoch from now() - (select min(due_at) from waiting)), 0)::float8 as oldest_due_age_seconds,
    (select count(*) from webhooks where disabled_reason is not null)::float8 as webhooks_disabled,
    (select count(*) from webhooks where slowed_since is not null)::float8 as webhooks_slowed`;

/** Reads the backlog on the given connection, giving up after `timeoutMs` (the statement is cancelled by the server). */
export async function readBacklog(sql: postgres.Sql, timeoutMs: number): Promise<Backlog> {
  const [row] = await sql.begin(async (tx) => {
    await tx.unsafe(`set local statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    return tx.unsafe<{ queue_depth: number; oldest_due_age_seconds: number; webhooks_disabled: number; webhooks_slowed: number }[]>(BACKLOG_SQL);
  });
  return {
    queueDepth: row!.queue_depth,
    oldestDueAgeSeconds: Math.max(0, row!.oldest_due_age_seconds),
    webhooksDisabled: row!.webhooks_disabled,
    webhooksSlowed: row!.webhooks_slowed,
  };
}
