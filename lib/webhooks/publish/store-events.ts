import { runPrepared, type Transaction } from '@/db/client';
import { insertRows } from '@/db/json-rows';
import { deliveries, events, type AttemptTrigger } from '@/db/schema';
import { enqueueDeliveries } from '@/lib/webhooks/queue/enqueue';

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
  /** The webhook's endpoint is slowed down: its first attempt is parked, not queued (queue/parked.ts). */
  slowed?: boolean;
  /** The webhook's endpoint is lagging: its job waits below everyone else's (deliver/lagging.ts). */
  lagging?: boolean;
};

/** Stores events, their deliveries and the delivery jobs in the caller's transaction, in bulk. */
export async function storeEvents(tx: Transaction, newEvents: readonly NewEvent[], newDeliveries: readonly NewDelivery[]): Promise<void> {
  if (newEvents.length > 0) await runPrepared(tx, insertRows(events, newEvents));
  if (newDeliveries.length === 0) return;
  await runPrepared(
    tx,
    insertRows(
      deliveries,
      newDeliveries.map(({ trigger: _trigger, slowed: _slowed, lagging: _lagging, ...delivery }) => delivery),
    ),
  );
  await enqueueDeliveries(
    tx,
    newDeliveries.filter((d) => d.status !== 'skipped').map(({ id, webhookId, trigger, slowed, lagging }) => ({ deliveryId: id, webhookId, trigger, slowed, lagging })),
    { created: true },
  );
}
