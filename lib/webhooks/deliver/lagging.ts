import { sql } from 'drizzle-orm';
import { getDb, runPrepared } from '@/db/client';

/*
 * A lagging endpoint: a request to it has been in flight for longer than LAG_AFTER_MS
 * (core/slowdown.ts). It is not slowed down (slowdown.ts: that takes a time-out, a 429 or failures
 * in a row), but it is at its cap for seconds at a time, so its new attempts would wait for a slot.
 * As jobs at everyone's priority they would sit in front of every healthy webhook's jobs in
 * pg-boss's fetch, which reads past them one by one (group concurrency is a filter, not an index);
 * and if the endpoint then times out, every one of them would have to leave the queue again. A
 * lagging endpoint's new automatic attempts are therefore parked (queue/parked.ts), like a
 * slowed-down one's, and the parked release (release.ts) queues them as its cap has room: one
 * delivery per job, below everyone else's (SLOWED_PRIORITY, queue/enqueue.ts), where the worker's
 * slowed lane fetches and sends them. The first answer within LAG_AFTER_MS ends it.
 *
 * The worker marks an endpoint lagging while the request is still out (worker/lagging-watch.ts):
 * by the time it times out, thousands of jobs may have been made for it.
 */

/** Marks endpoints lagging; those already marked keep the time they were first marked. */
export async function markLagging(webhookIds: readonly string[]): Promise<void> {
  if (webhookIds.length === 0) return;
  await runPrepared(getDb(), sql`
    update webhooks set lagging_since = now()
    where id = any(${sql.param([...webhookIds])}::text[]) and lagging_since is null`);
}
