import { getTableColumns, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { organisations, type Organisation } from '@/db/schema';
import type { OrganisationBody } from './schema';

export type OrganisationRecord = { id: string; name: string; created_at: string };

export const organisationRecord = (o: Organisation): OrganisationRecord => ({ id: o.id, name: o.name, created_at: o.createdAt.toISOString() });

/** Creates the organisation or renames it; `created` says which. */
export async function putOrganisation(id: string, body: OrganisationBody): Promise<{ created: boolean; record: OrganisationRecord }> {
  const [row] = await getDb()
    .insert(organisations)
    .values({ id, name: body.name })
    .onConflictDoUpdate({ target: organisations.id, set: { name: body.name } })
    .returning({ ...getTableColumns(organisations), created: sql<boolean>`(xmax = 0)` });
  return { created: row!.created, record: organisationRecord(row!) };
}

/**
 * Removes the organisation and everything of it: projects, users and their sessions, webhooks and
 * their subscriptions, events, deliveries and attempts all go with it by the foreign keys' cascades
 * (deliveries through their webhook) and the triggers that stand for them where an insert would pay
 * too much for a foreign key (an event's deliveries, a delivery's attempts: db/schema.ts). Removing
 * one that is gone is no error.
 */
export async function deleteOrganisation(id: string): Promise<void> {
  await getDb().delete(organisations).where(eq(organisations.id, id));
}

export async function organisationExists(id: string): Promise<boolean> {
  const [row] = await getDb().select({ id: organisations.id }).from(organisations).where(eq(organisations.id, id));
  return row !== undefined;
}
