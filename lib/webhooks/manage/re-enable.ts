import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, webhooks } from '@/db/schema';
import { enqueueDeliveries, scheduleRetries } from '@/lib/webhooks/queue/enqueue';

/**
 * *Re-enable*: clears the disabled state failure tracking set and starts the counters afresh, so the
 * 5-day rule counts from the next failure. Null when the webhook is not in this organisation.
 */
export async function reEnableWebhook(organisationId: string, webhookId: string): Promise<{ webhookId: string } | null> {
  const [row] = await getDb()
    .update(webhooks)
    .set({ disabledReason: null, disabledAt: null, consecutiveFailures: 0, consecutiveFailedDeliveries: 0, failingSince: null, updatedAt: sql`now()` })
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId)))
    .returning({ id: webhooks.id });
  return row ? { webhookId: row.id } : null;
}

/**
 * *Replay skipped*: sends the deliveries kept while the webhook was disabled, oldest first, through
 * the normal pipeline (with automatic retries). Returns how many were enqueued: 0 while the webhook
 * is still disabled; null when it is not in this organisation.
 */
export async function replaySkipped(organisationId: string, webhookId: string): Promise<number | null> {
  return getDb().transaction(async (tx) => {
    const [webhook] = await tx
      .select({ id: webhooks.id, disabledReason: webhooks.disabledReason })
      .from(webhooks)
      .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId)))
      .for('update');
    if (!webhook) return null;
    if (webhook.disabledReason !== null) return 0;
    // A delivery skipped before any attempt starts over; one skipped between retries resumes its schedule now.
    const replayed = await tx
      .update(deliveries)
      .set({
        status: sql`case when ${deliveries.attemptCount} = 0 then 'pending' else 'retrying' end::delivery_status`,
        nextAttemptAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(deliveries.organisationId, organisationId), eq(deliveries.webhookId, webhookId), eq(deliveries.skipped, true)))
      .returning({ id: deliveries.id, attemptCount: deliveries.attemptCount, createdAt: deliveries.createdAt });
    replayed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const fresh = replayed.filter((d) => d.attemptCount === 0);
    const resumed = replayed.filter((d) => d.attemptCount > 0);
    await enqueueDeliveries(tx, fresh.map((d) => ({ deliveryId: d.id, webhookId, trigger: 'automatic' as const })));
    await scheduleRetries(tx, resumed.map((d) => ({ deliveryId: d.id, webhookId, attempt: d.attemptCount + 1, startAfter: new Date() })));
    return replayed.length;
  });
}
