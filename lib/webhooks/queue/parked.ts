import { sql } from 'drizzle-orm';
import { runPlanned, runPrepared, type Transaction } from '@/db/client';
import { insertRows } from '@/db/json-rows';
import { parkedAttempts, parkedFanouts } from '@/db/schema';
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
 *
 * A publish does not even make the deliveries to such endpoints: it stores one `parked_fanouts`
 * row per event naming them (`parkFanouts`), and the release makes their deliveries and parks
 * their first attempts (`makeFannedOutDeliveries`) before it looks for due attempts. A publish to
 * hundreds of dead endpoints then writes one row for them instead of two per endpoint (a delivery
 * across its indexes, and its parked attempt), and the events API answers as fast as it does
 * without them. The deliveries appear within the release's look, as their first attempts would
 * have been recorded anyway, and keep the ids the publish returned and its time as their creation.
 */

/** `dueAt`: when absent, now by the database's clock, which the release reads. */
export type ParkedAttempt = { deliveryId: string; webhookId: string; attempt: number; dueAt?: Date };

/** A delivery parks one attempt, its next: a later attempt number replaces an earlier one. */
const KEEP_LATER_ATTEMPT = sql`on conflict (delivery_id) do update set attempt = excluded.attempt, due_at = excluded.due_at
    where excluded.attempt > parked_attempts.attempt`;

/** Parks automatic attempts in the caller's transaction; an attempt parked already for a delivery gives way to a later one. */
export async function parkAttempts(tx: Transaction, attempts: readonly ParkedAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  await runPrepared(tx, sql`${insertRows(parkedAttempts, attempts)} ${KEEP_LATER_ATTEMPT}`);
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

/** A slowed-down or lagging endpoint an event has still to deliver to, and the delivery id the publish minted. */
export type FanoutTarget = { webhookId: string; deliveryId: string };

/** The deliveries an event has still to make to slowed-down or lagging endpoints. */
export type ParkedFanout = { eventId: string; targets: readonly FanoutTarget[] };

/** Stores fan-outs in the caller's transaction, after their events: due now, by the database's clock. */
export async function parkFanouts(tx: Transaction, fanouts: readonly ParkedFanout[]): Promise<void> {
  const rows = fanouts
    .filter((f) => f.targets.length > 0)
    .map((f) => ({ eventId: f.eventId, webhookIds: f.targets.map((t) => t.webhookId), deliveryIds: f.targets.map((t) => t.deliveryId) }));
  if (rows.length > 0) await runPrepared(tx, insertRows(parkedFanouts, rows));
}

/** Fan-outs locked by one call at most, before its delivery limit picks among them. */
const FANOUTS_PER_CALL = 200;

/**
 * Makes the deliveries of due fan-outs, in due order, and parks their first attempts, due at the
 * publish, in the caller's transaction: whole fan-outs, until `limit` deliveries are reached (at
 * least one fan-out, however large). An endpoint deleted since the publish gets no delivery; one
 * disabled or inactive since gets one, which the release keeps or drops as for any parked attempt.
 * Several workers may run this at once: each takes other fan-outs.
 */
export async function makeFannedOutDeliveries(tx: Transaction, limit: number): Promise<{ fanouts: number; deliveries: number }> {
  // Planned per call: the due fan-outs are few or many, and the delivery lookups by id must use their index.
  const [made] = await runPlanned<{ fanouts: number; deliveries: number }>(tx, sql`
    with due as (
      select event_id, due_at, cardinality(webhook_ids) as n from parked_fanouts
      where due_at <= now() order by due_at, event_id limit ${FANOUTS_PER_CALL}
      for update skip locked
    ), chosen as (
      select event_id from (select event_id, sum(n) over (order by due_at, event_id) - n as before from due) as running
      where before < ${limit}
    ), taken as (
      delete from parked_fanouts f using chosen c where f.event_id = c.event_id
      returning f.event_id, f.webhook_ids, f.delivery_ids, f.due_at
    ), made as (
      insert into deliveries (id, organisation_id, event_id, webhook_id, event_type, created_at)
      select u.delivery_id, e.organisation_id, e.id, u.webhook_id, e.type, t.due_at
      from taken t
      join events e on e.id = t.event_id
      cross join lateral unnest(t.webhook_ids, t.delivery_ids) as u(webhook_id, delivery_id)
      join webhooks w on w.id = u.webhook_id
      -- Held until the commit, as the foreign key's check would: a webhook deleted meanwhile drops out instead of failing the insert.
      for key share of w
      returning id, webhook_id, created_at
    ), parked as (
      insert into parked_attempts (delivery_id, webhook_id, attempt, due_at)
      select id, webhook_id, 1, created_at from made
      returning 1
    )
    select (select count(*) from taken)::int as fanouts, (select count(*) from parked)::int as deliveries`);
  return made ?? { fanouts: 0, deliveries: 0 };
}
