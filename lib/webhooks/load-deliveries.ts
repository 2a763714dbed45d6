import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, events, webhooks } from '@/db/schema';

export type LoadedDelivery = Awaited<ReturnType<typeof queryDeliveries>>[number];

const queryDeliveries = (ids: string[]) =>
  getDb()
    .select({
      id: deliveries.id,
      organisationId: deliveries.organisationId,
      webhookId: deliveries.webhookId,
      eventType: deliveries.eventType,
      status: deliveries.status,
      attemptCount: deliveries.attemptCount,
      body: events.body,
      url: webhooks.url,
      secretCiphertext: webhooks.secretCiphertext,
      previousSecretCiphertext: webhooks.previousSecretCiphertext,
      previousSecretExpiresAt: webhooks.previousSecretExpiresAt,
      webhookDisabled: sql<boolean>`${webhooks.disabledReason} is not null`,
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
    // One array parameter: the same statement text for every batch size, so it is planned once per connection.
    .where(sql`${deliveries.id} = any(${sql.param(ids)}::text[])`);

/** Everything a batch of attempts needs, in one query. A delivery whose webhook was deleted is absent. */
export async function loadDeliveries(ids: readonly string[]): Promise<Map<string, LoadedDelivery>> {
  if (ids.length === 0) return new Map();
  const rows = await queryDeliveries([...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, r]));
}
