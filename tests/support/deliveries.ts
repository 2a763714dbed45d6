import { asc, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, deliveryAttempts, events } from '@/db/schema';
import { waitFor } from './wait';

export const attemptsOf = (deliveryId: string) =>
  getDb().select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(asc(deliveryAttempts.attemptNumber));

/** Waits until the worker has recorded `count` attempts of the delivery and returns them, oldest first. */
export const waitForAttempts = (deliveryId: string, count = 1, timeoutMs = 15_000) =>
  waitFor(async () => {
    const rows = await attemptsOf(deliveryId);
    return rows.length >= count ? rows : null;
  }, `${count} recorded attempt(s) of ${deliveryId}`, timeoutMs);

export const deliveryById = async (id: string) => (await getDb().select().from(deliveries).where(eq(deliveries.id, id)))[0];

export const eventsOfOrganisation = (organisationId: string) => getDb().select().from(events).where(eq(events.organisationId, organisationId));

export const deliveriesOfEvents = (eventIds: string[]) =>
  eventIds.length === 0 ? Promise.resolve([]) : getDb().select().from(deliveries).where(inArray(deliveries.eventId, eventIds));

/** pg-boss jobs, of any queue and state, that point at these deliveries. */
export async function jobsFor(deliveryIds: string[]): Promise<number> {
  const rows = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from pgboss.job where data->'deliveryIds' ?| ${sql.param(deliveryIds)}::text[]`,
  );
  return rows[0]!.n;
}
