import { getDb } from '@/db/client';
import { deliveries, events } from '@/db/schema';
import { newId } from '@/lib/ids';
import { buildEventBody } from '@/lib/webhooks/core/envelope';
import { completedData } from './fixtures';

/**
 * An event and a delivery to the webhook with no job, so only a direct deliverBatch call attempts
 * it (tests that drive the engine with an injected clock).
 */
export async function unqueuedDelivery(org: { organisationId: string; projectId: string }, webhookId: string): Promise<string> {
  const eventId = newId('evt');
  const deliveryId = newId('dlv');
  const occurredAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const body = buildEventBody({ type: 'workflow.completed', occurredAt, organisationId: org.organisationId, projectId: org.projectId, data: completedData });
  await getDb().insert(events).values({ id: eventId, organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', occurredAt, body });
  await getDb().insert(deliveries).values({ id: deliveryId, organisationId: org.organisationId, eventId, webhookId, eventType: 'workflow.completed' });
  return deliveryId;
}
