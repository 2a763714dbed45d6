import postgres from 'postgres';

/** The database-wide figures the metrics report: the same from every process that reads them. */
export type Backlog = {
  /** Deliveries whose next attempt is due now and not yet made. */
  queueDepth: number;
  /** How long the longest-waiting of those has been due, in seconds (0 when none is). */
  oldestDueAgeSeconds: number;
  /** Webhooks that failure tracking has disabled. */
  webhooksDisabled: number;
  /** Webhooks whose endpoint gets one request at a time (deliver/slowdown.ts). */
  webhooksSlowed: number;
};

/**
 * A delivery waits for an attempt while `pending` (its first, or one a Retry or a replay asked
 * for) or `retrying`; the attempt is due at `next_attempt_at`, or at its creation when none is
 * set. Index-only scans of `deliveries_due_idx`, `webhooks_disabled_idx` and `webhooks_slowed_idx` (see db/schema.ts):
 * the cost grows with the backlog, never with the size of the log.
 */
const DUE = `from deliveries where status in ('pending', 'retrying') and coalesce(next_attempt_at, created_at) <= now()`;
export const BACKLOG_SQL = `
  select
    (select count(*) ${DUE})::float8 as queue_depth,
    coalesce(extract(epoch from now() - (select min(coalesce(next_attempt_at, created_at)) ${DUE})), 0)::float8 as oldest_due_age_seconds,
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
