import { sql } from 'drizzle-orm';
import { runPrepared, type Transaction } from '@/db/client';
import { insertRows } from '@/db/json-rows';
import { parkedAttempts } from '@/db/schema';
import { QUEUES } from './boss';

/*
 * Parked attempts: the automatic attempts of slowed-down and lagging endpoints (deliver/lagging.ts)
 * wait in `parked_attempts`, not as pg-boss jobs, until they fall due and, for a lagging endpoint,
 * until its cap has room.
 *
 * A dead endpoint subscribed to busy event types gets an attempt per event and a retry per failed
 * attempt, nearly all of them held back and recorded as not sent (deliver/slowdown.ts). As jobs,
 * each would cost an insert, a fetch and a completion on pg-boss's job table and its many indexes,
 * beside every healthy delivery's job. Parked, it costs a row in a narrow table. The worker
 * releases them as they fall due (deliver/release.ts): those the endpoint's probe or pause holds
 * are recorded as not sent without ever becoming a job, the others become jobs of up to
 * DELIVERIES_PER_JOB per webhook (of one, for a lagging endpoint, as its cap has room).
 *
 * Nothing is lost: an attempt is parked in the transaction that creates its delivery or records
 * the attempt before it, and leaves the table in the transaction that records it or inserts its job.
 */

/** `dueAt`: when absent, now by the database's clock, which the release reads. */
export type ParkedAttempt = { deliveryId: string; webhookId: string; attempt: number; dueAt?: Date };

/** A delivery parks one attempt, its next: a later attempt number replaces an earlier one. */
const KEEP_LATER_ATTEMPT = sql`on conflict (delivery_id) do update set attempt = excluded.attempt, due_at = excluded.due_at
    where excluded.attempt > parked_attempts.attempt`;

/**
 * Parks automatic attempts in the caller's transaction. `created`: their deliveries were created by
 * this transaction, so none of them has an attempt parked yet, and a plain insert does (a conflict
 * check per row is a speculative insertion, which a publish to hundreds of endpoints would pay).
 */
export async function parkAttempts(tx: Transaction, attempts: readonly ParkedAttempt[], { created = false } = {}): Promise<void> {
  if (attempts.length === 0) return;
  await runPrepared(tx, created ? insertRows(parkedAttempts, attempts) : sql`${insertRows(parkedAttempts, attempts)} ${KEEP_LATER_ATTEMPT}`);
}

/**
 * When endpoints slow down, the automatic jobs already waiting for them leave the queue and are
 * parked, each delivery at its job's due time. Deleting a job row costs pg-boss's table far less
 * than moving it (an update writes every index again). Jobs being run are left alone; manual and
 * test jobs always stay queued.
 */
export async function parkWaitingJobs(tx: Transaction, webhookIds: readonly string[]): Promise<void> {
  if (webhookIds.length === 0) return;
  await runPrepared(tx, sql`
    with moved as (
      delete from pgboss.job
      where name = ${QUEUES.deliveries} and group_id = any(${sql.param([...webhookIds])}::text[])
        and state in ('created', 'retry') and data->>'trigger' = 'automatic'
      returning data, group_id, start_after
    )
    insert into parked_attempts (delivery_id, webhook_id, attempt, due_at)
    select d.id, m.group_id, coalesce((m.data->>'attempt')::int, 1), m.start_after
    from moved m
    cross join lateral jsonb_array_elements_text(m.data->'deliveryIds') as j(id)
    join deliveries d on d.id = j.id
    ${KEEP_LATER_ATTEMPT}`);
}
