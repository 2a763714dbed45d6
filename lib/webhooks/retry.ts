import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries } from '@/db/schema';
import { enqueueDeliveries } from './enqueue';

/**
 * Retry: sends the delivery again as a new attempt marked manual. The worker re-sends the stored
 * body bytes with the same delivery id and a fresh signature timestamp. Null when the delivery is
 * not in this organisation.
 */
export async function retryDelivery(organisationId: string, deliveryId: string): Promise<{ deliveryId: string } | null> {
  return getDb().transaction(async (tx) => {
    const [delivery] = await tx
      .update(deliveries)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(deliveries.organisationId, organisationId), eq(deliveries.id, deliveryId)))
      .returning({ id: deliveries.id, webhookId: deliveries.webhookId });
    if (!delivery) return null;
    await enqueueDeliveries(tx, [{ deliveryId: delivery.id, webhookId: delivery.webhookId, trigger: 'manual' }]);
    return { deliveryId: delivery.id };
  });
}
