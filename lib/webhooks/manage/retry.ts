import { and, eq, gt, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, webhooks } from '@/db/schema';
import { enqueueDeliveries } from '@/lib/webhooks/queue/enqueue';

/**
 * Retry: sends the delivery again as a new attempt marked manual. The worker re-sends the stored
 * body bytes with the same delivery id and a fresh signature timestamp. A delivery waiting for an
 * automatic retry moves back to pending, so that scheduled retry finds it changed and does
 * nothing: the manual attempt replaces it. Null when the delivery is not in this organisation.
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

/**
 * *Retry failed since …*: re-sends every failed delivery of the webhook created after `since`, each
 * as a manual attempt (test events excluded). Returns how many were re-sent; null when the webhook
 * is not in this organisation.
 */
export async function retryFailedSince(organisationId: string, webhookId: string, since: Date): Promise<number | null> {
  return getDb().transaction(async (tx) => {
    const [webhook] = await tx
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId)));
    if (!webhook) return null;
    const resent = await tx
      .update(deliveries)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          eq(deliveries.organisationId, organisationId),
          eq(deliveries.webhookId, webhookId),
          eq(deliveries.status, 'failed'),
          eq(deliveries.isTest, false),
          gt(deliveries.createdAt, since),
        ),
      )
      .returning({ id: deliveries.id });
    await enqueueDeliveries(
      tx,
      resent.map((d) => ({ deliveryId: d.id, webhookId, trigger: 'manual' as const })),
      { bulk: true },
    );
    return resent.length;
  });
}
