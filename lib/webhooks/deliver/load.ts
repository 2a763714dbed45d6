import { eq, sql } from 'drizzle-orm';
import { getDb, type Database } from '@/db/client';
import { deliveries, events, webhooks } from '@/db/schema';

const prepareLoad = (db: Database) =>
  db
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
      slowedReason: webhooks.slowedReason,
      slowed: sql<boolean>`${webhooks.slowedSince} is not null`,
      lagging: sql<boolean>`${webhooks.laggingSince} is not null`,
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
    // One array parameter: the same statement text for every batch size, prepared once per connection.
    .where(sql`${deliveries.id} = any(${sql.placeholder('ids')}::text[])`)
    .prepare('load_deliveries');

export type LoadedDelivery = Awaited<ReturnType<ReturnType<typeof prepareLoad>['execute']>>[number];

/** Per pool: a closed and reopened pool gets its own. */
const prepared = new WeakMap<Database, ReturnType<typeof prepareLoad>>();

/** Everything a batch of attempts needs, in one query. A delivery whose webhook was deleted is absent. */
export async function loadDeliveries(ids: readonly string[]): Promise<Map<string, LoadedDelivery>> {
  if (ids.length === 0) return new Map();
  const db = getDb();
  let load = prepared.get(db);
  if (!load) prepared.set(db, (load = prepareLoad(db)));
  const rows = await load.execute({ ids: [...new Set(ids)] });
  return new Map(rows.map((r) => [r.id, r]));
}
