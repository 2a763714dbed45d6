import { sql, type SQL } from 'drizzle-orm';
import type { DeliveryRequest } from '@/lib/webhooks/queue/enqueue';
import type { LoadedDelivery } from './load';

/*
 * The once-per-attempt fence: each automatic attempt of a delivery is made and recorded once.
 *
 * An automatic job carries the attempt number it makes (`attempt`, 1 for the first). pg-boss may
 * run the same job twice (its worker died, or it expired while still recording), and a manual
 * Retry may overtake a scheduled retry. Three checks, all here, keep that from sending or
 * recording an automatic attempt twice:
 * 1. Before sending (`verdictOf`): the delivery must still wait for exactly that attempt, i.e. be
 *    `pending`/`retrying` with `attempt - 1` attempts counted. Anything else is stale and does
 *    nothing; a delivery whose webhook is disabled is kept as skipped instead.
 * 2. While sending (`AutomaticAttemptsInFlight`): within one worker, a re-run fetched while the
 *    first run is still on the wire or recording is "busy" and goes back to the queue.
 * 3. When recording (`recordsAutomaticAttempt`): the delivery row keeps the highest automatic
 *    attempt number recorded; a copy of that number (or a lower one) changes nothing, whichever
 *    run commits first. Manual and test attempts never pass through the fence.
 */

export type Verdict = 'send' | 'skip' | 'stale';

/** Check 1: what a job asks of a delivery as it stands now. */
export function verdictOf(job: DeliveryRequest, delivery: Pick<LoadedDelivery, 'status' | 'attemptCount' | 'webhookDisabled'>): Verdict {
  if (job.trigger !== 'automatic') return 'send';
  const attempt = job.attempt ?? 1;
  const waiting = attempt === 1 ? 'pending' : 'retrying';
  if (delivery.status !== waiting || delivery.attemptCount !== attempt - 1) return 'stale';
  return delivery.webhookDisabled ? 'skip' : 'send';
}

/** Check 2: the deliveries whose automatic attempt this process is making or recording now. */
export class AutomaticAttemptsInFlight {
  readonly #ids = new Set<string>();

  has(deliveryId: string): boolean {
    return this.#ids.has(deliveryId);
  }

  claim(deliveryIds: Iterable<string>): void {
    for (const id of deliveryIds) this.#ids.add(id);
  }

  /** Once the attempts are recorded, or handed back to the queue. */
  release(deliveryIds: Iterable<string>): void {
    for (const id of deliveryIds) this.#ids.delete(id);
  }
}

/**
 * Check 3, as SQL for the recording `update deliveries as d … from (…) as v`: true when the
 * recorded attempts `v` may move delivery `d` on. `v.auto` is the batch's highest automatic
 * attempt number for it (null when it has none). Compared on the row itself, so a run that waited
 * for the first one's lock sees what it wrote.
 */
export const recordsAutomaticAttempt: SQL = sql.raw('(v.auto is null or d.last_automatic_attempt is null or d.last_automatic_attempt < v.auto)');

/** What a set of jobs asks of the loaded deliveries: attempts to make, deliveries to keep as skipped, and busy ones. */
export type AttemptPlan = { send: { job: DeliveryRequest; delivery: LoadedDelivery }[]; skipped: string[]; busy: string[] };

/**
 * Decides each requested attempt through checks 1 and 2. A delivery that no longer exists is
 * dropped; an automatic attempt asked twice in one plan is sent once. The plan's automatic attempts
 * are claimed in `inFlight`; the caller releases them once they are recorded or handed back.
 */
export function planAttempts(jobs: readonly DeliveryRequest[], loaded: ReadonlyMap<string, LoadedDelivery>, inFlight: AutomaticAttemptsInFlight): AttemptPlan {
  const plan: AttemptPlan = { send: [], skipped: [], busy: [] };
  const mine = new Set<string>();
  for (const job of jobs) {
    const delivery = loaded.get(job.deliveryId);
    if (!delivery) continue;
    const verdict = verdictOf(job, delivery);
    if (verdict === 'skip') plan.skipped.push(delivery.id);
    if (verdict !== 'send') continue;
    if (job.trigger === 'automatic') {
      if (mine.has(delivery.id)) continue;
      if (inFlight.has(delivery.id)) {
        plan.busy.push(delivery.id);
        continue;
      }
      mine.add(delivery.id);
    }
    plan.send.push({ job, delivery });
  }
  inFlight.claim(mine);
  return plan;
}
