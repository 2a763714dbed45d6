import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, webhooks, type DeliveryStatus } from '@/db/schema';
import { enqueueDeliveries } from '@/lib/webhooks/queue/enqueue';
import { failedSince } from '@/lib/webhooks/read/failed-since';

/** A manual retry that was not started, with the sentence the Org Admin reads. */
export type RetryRefused = { refused: string };

/** Only a delivery whose last attempt failed can be retried: the Delivery Log offers Retry on no other. */
const RETRYABLE: DeliveryStatus[] = ['failed', 'retrying'];

const statusRefusal: Partial<Record<DeliveryStatus, string>> = {
  succeeded: 'This delivery succeeded; only failed deliveries can be retried.',
  pending: 'This delivery is already waiting to be sent.',
  skipped: 'This delivery was skipped while the webhook was disabled; use Replay skipped after re-enabling it.',
};

/** Why a webhook cannot receive a manual retry now, or null when it can. */
function webhookRefusal(webhook: { active: boolean; disabledReason: string | null }): string | null {
  if (webhook.disabledReason !== null) return 'The webhook is disabled after repeated failures; re-enable it before retrying.';
  if (!webhook.active) return 'The webhook is inactive; activate it before retrying.';
  return null;
}

/**
 * Retry: sends the delivery again as a new attempt marked manual. The worker re-sends the stored
 * body bytes with the same delivery id and a fresh signature timestamp. A delivery waiting for an
 * automatic retry moves back to pending, so that scheduled retry finds it changed and does
 * nothing: the manual attempt replaces it. Refused unless the delivery failed and its webhook is
 * active and not disabled; null when the delivery is not in this organisation.
 */
export async function retryDelivery(organisationId: string, deliveryId: string): Promise<{ deliveryId: string } | RetryRefused | null> {
  return getDb().transaction(async (tx) => {
    const [found] = await tx
      .select({ status: deliveries.status, active: webhooks.active, disabledReason: webhooks.disabledReason })
      .from(deliveries)
      .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
      .where(and(eq(deliveries.organisationId, organisationId), eq(deliveries.id, deliveryId)))
      .for('update', { of: deliveries });
    if (!found) return null;
    if (!RETRYABLE.includes(found.status)) return { refused: statusRefusal[found.status] ?? 'Only failed deliveries can be retried.' };
    const refused = webhookRefusal(found);
    if (refused) return { refused };
    const [delivery] = await tx
      .update(deliveries)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(deliveries.organisationId, organisationId), eq(deliveries.id, deliveryId), inArray(deliveries.status, RETRYABLE)))
      .returning({ id: deliveries.id, webhookId: deliveries.webhookId });
    if (!delivery) return null;
    await enqueueDeliveries(tx, [{ deliveryId: delivery.id, webhookId: delivery.webhookId, trigger: 'manual' }]);
    return { deliveryId: delivery.id };
  });
}

/**
 * *Retry failed since …*: re-sends every failed delivery of the webhook created after `since`, each
 * as a manual attempt (test events excluded). Returns how many were re-sent; refused when the
 * webhook is inactive or disabled; null when it is not in this organisation.
 */
export async function retryFailedSince(organisationId: string, webhookId: string, since: Date): Promise<number | RetryRefused | null> {
  return getDb().transaction(async (tx) => {
    const [webhook] = await tx
      .select({ id: webhooks.id, active: webhooks.active, disabledReason: webhooks.disabledReason })
      .from(webhooks)
      .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId)));
    if (!webhook) return null;
    const refused = webhookRefusal(webhook);
    if (refused) return { refused };
    const resent = await tx
      .update(deliveries)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
      .where(failedSince(organisationId, webhookId, since))
      .returning({ id: deliveries.id });
    await enqueueDeliveries(
      tx,
      resent.map((d) => ({ deliveryId: d.id, webhookId, trigger: 'manual' as const })),
      { bulk: true },
    );
    return resent.length;
  });
}
