import { and, count, desc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { webhooks, webhookSubscriptions } from '@/db/schema';
import { eventTypes, type EventType } from '@/lib/webhooks/core/events';

/** Every query here takes the organisation id: a webhook of another organisation simply does not exist. */

export async function listWebhooks(organisationId: string) {
  return getDb()
    .select({
      id: webhooks.id,
      name: webhooks.name,
      url: webhooks.url,
      active: webhooks.active,
      createdAt: webhooks.createdAt,
      lastDeliveryStatus: webhooks.lastDeliveryStatus,
      lastDeliveryAt: webhooks.lastDeliveryAt,
      subscriptionCount: count(webhookSubscriptions.eventType),
    })
    .from(webhooks)
    .leftJoin(webhookSubscriptions, eq(webhookSubscriptions.webhookId, webhooks.id))
    .where(eq(webhooks.organisationId, organisationId))
    .groupBy(webhooks.id)
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id));
}

export async function getWebhook(organisationId: string, id: string) {
  const [webhook] = await getDb()
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)));
  return webhook ?? null;
}

export async function listSubscriptions(organisationId: string, webhookId: string): Promise<EventType[]> {
  const rows = await getDb()
    .select({ eventType: webhookSubscriptions.eventType })
    .from(webhookSubscriptions)
    .innerJoin(webhooks, eq(webhooks.id, webhookSubscriptions.webhookId))
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhookSubscriptions.webhookId, webhookId)));
  const subscribed = new Set(rows.map((r) => r.eventType));
  return eventTypes.filter((type) => subscribed.has(type)); // catalogue order, as in the picker
}
