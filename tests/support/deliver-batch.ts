import { makeAttempts, type DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { AutomaticAttemptsInFlight, planAttempts } from '@/lib/webhooks/deliver/fence';
import { loadDeliveries } from '@/lib/webhooks/deliver/load';
import { recordAttemptsIn, recordingTransaction, type AttemptRecord, type RecordOptions } from '@/lib/webhooks/deliver/record';
import { moveWaitingJobs } from '@/lib/webhooks/deliver/slowdown';
import type { DeliveryRequest } from '@/lib/webhooks/queue/enqueue';

/** Records attempts in a transaction of their own, as the worker's pump does for a finished job. */
export async function recordAttempts(records: readonly AttemptRecord[], options: RecordOptions = {}): Promise<void> {
  if (records.length === 0 && (options.skipped ?? []).length === 0) return;
  await moveWaitingJobs(await recordingTransaction((tx) => recordAttemptsIn(tx, records, options)));
}

/**
 * Makes one batch of attempts outside the queue, for tests that drive the engine with an injected
 * clock: the pump's load, plan, attempt and record steps without pg-boss.
 */
export async function deliverBatch(jobs: readonly DeliveryRequest[], ctx: DeliveryContext): Promise<void> {
  const plan = planAttempts(jobs, await loadDeliveries(jobs.map((j) => j.deliveryId)), new AutomaticAttemptsInFlight());
  await recordAttempts(await makeAttempts(plan, ctx), { skipped: plan.skipped });
}
