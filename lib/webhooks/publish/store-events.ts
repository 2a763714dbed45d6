import { runPrepared, type Transaction } from '@/db/client';
import { insertRows } from '@/db/json-rows';
import { deliveries, events, type AttemptTrigger } from '@/db/schema';
import { enqueueDeliveries } from '@/lib/webhooks/queue/enqueue';
import { parkFanouts, type ParkedFanout } from '@/lib/webhooks/queue/parked';

export type NewEvent = {
  id: string;
  organisationId: string;
  projectId: string;
  type: string;
  occurredAt: Date;
  body: string;
  isTest: boolean;
};

export type NewDelivery = {
  id: string;
  organisationId: string;
  eventId: string;
  webhookId: string;
  eventType: string;
  isTest: boolean;
  trigger: AttemptTrigger;
  /** `skipped`: stored for a webhook disabled by failure tracking, with no job until it is replayed. */
  status?: 'pending' | 'skipped';
};

/**
 * Stores events, their deliveries and the delivery jobs in the caller's transaction, in bulk; and
 * the `fanouts` whose deliveries the worker's release makes (queue/parked.ts).
 */
export async function storeEvents(tx: Transaction, newEvents: readonly NewEvent[], newDeliveries: readonly NewDelivery[], fanouts: readonly ParkedFanout[] = []): Promise<void> {
  if (newEvents.length > 0) await runPrepared(tx, insertRows(events, newEvents));
  await parkFanouts(tx, fanouts);
  if (newDeliveries.length === 0) return;
  await runPrepared(
    tx,
    insertRows(
      deliveries,
      newDeliveries.map(({ trigger: _trigger, ...delivery }) => delivery),
    ),
  );
  await enqueueDeliveries(
    tx,
    newDeliveries.filter((d) => d.status !== 'skipped').map(({ id, webhookId, trigger }) => ({ deliveryId: id, webhookId, trigger })),
  );
}
