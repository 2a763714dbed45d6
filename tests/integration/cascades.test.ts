import { inArray, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, events, parkedAttempts, projects } from '@/db/schema';
import { newId } from '@/lib/ids';
import { deleteOrganisation } from '@/lib/provisioning/organisations';
import { deleteProject } from '@/lib/provisioning/projects';
import { deleteWebhook } from '@/lib/webhooks/manage/webhooks';
import { createOrganisation, createWebhook, loggedDelivery, UNREACHABLE_LOOPBACK } from '../support/fixtures';

/*
 * Deliveries, their attempts and their parked attempts have no foreign key to their event or
 * delivery (db/schema.ts); triggers per statement delete them with it. These tests delete through
 * the product's own calls and count what is left.
 */

afterAll(async () => {
  await closeDb();
});

type Logged = Awaited<ReturnType<typeof loggedDelivery>>;

/** A delivery with `attempts` attempts and its next attempt parked. */
async function parkedDelivery(org: { organisationId: string; projectId: string }, webhookId: string, attempts = 2): Promise<Logged> {
  const logged = await loggedDelivery(org, webhookId, new Date(), 'retrying', attempts);
  await getDb().insert(parkedAttempts).values({ deliveryId: logged.deliveryId, webhookId, attempt: attempts + 1 });
  return logged;
}

/** How many of these deliveries' events, deliveries, attempts and parked attempts are left. */
async function left(logged: readonly Logged[]) {
  const db = getDb();
  const deliveryIds = logged.map((l) => l.deliveryId);
  const count = async (rows: Promise<unknown[]>) => (await rows).length;
  return {
    events: await count(db.select({ id: events.id }).from(events).where(inArray(events.id, logged.map((l) => l.eventId)))),
    deliveries: await count(db.select({ id: deliveries.id }).from(deliveries).where(inArray(deliveries.id, deliveryIds))),
    attempts: await count(db.select({ id: deliveryAttempts.id }).from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, deliveryIds))),
    parked: await count(db.select({ id: parkedAttempts.deliveryId }).from(parkedAttempts).where(inArray(parkedAttempts.deliveryId, deliveryIds))),
  };
}

const none = { events: 0, deliveries: 0, attempts: 0, parked: 0 };

describe('deleting what deliveries belong to', () => {
  it('deletes a webhook with its deliveries, their attempts and parked attempts, and nothing of another webhook', async () => {
    const org = await createOrganisation();
    const gone = await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK });
    const kept = await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK });
    const ofGone = [await parkedDelivery(org, gone.id, 3), await parkedDelivery(org, gone.id, 1)];
    const ofKept = [await parkedDelivery(org, kept.id, 2)];

    expect(await deleteWebhook(org.organisationId, gone.id)).toEqual({ ok: true, data: undefined });

    // The events stay: another webhook may have deliveries of them, and retention removes them.
    expect(await left(ofGone)).toEqual({ ...none, events: 2 });
    expect(await left(ofKept)).toEqual({ events: 1, deliveries: 1, attempts: 2, parked: 1 });
  });

  it('deletes a project with its events, their deliveries, attempts and parked attempts, and nothing of another project', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK });
    // Another project of the same organisation, whose events go to the same webhook.
    const other = { organisationId: org.organisationId, projectId: newId('proj') };
    await getDb().insert(projects).values({ id: other.projectId, organisationId: org.organisationId, name: 'Other project' });
    const ofProject = [await parkedDelivery(org, webhook.id, 2), await parkedDelivery(org, webhook.id, 4), await loggedDelivery(org, webhook.id, new Date(), 'succeeded', 1)];
    const ofOther = [await parkedDelivery(other, webhook.id, 1)];

    await deleteProject(org.organisationId, org.projectId);

    expect(await left(ofProject)).toEqual(none);
    expect(await left(ofOther)).toEqual({ events: 1, deliveries: 1, attempts: 1, parked: 1 });
  });

  it('deletes an organisation with everything of its deliveries, and nothing of another organisation', async () => {
    const org = await createOrganisation();
    const webhooks = [await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK }), await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK })];
    const logged = [await parkedDelivery(org, webhooks[0]!.id, 2), await parkedDelivery(org, webhooks[1]!.id, 5)];
    const other = await createOrganisation();
    const ofOther = [await parkedDelivery(other, (await createWebhook(other.organisationId, { url: UNREACHABLE_LOOPBACK })).id, 3)];

    await deleteOrganisation(org.organisationId);

    expect(await left(logged)).toEqual(none);
    expect(await left(ofOther)).toEqual({ events: 1, deliveries: 1, attempts: 3, parked: 1 });
  });

  it('deletes every delivery of each event when one statement deletes many events', async () => {
    const org = await createOrganisation();
    const first = await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK });
    const second = await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK });
    const logged = await Promise.all(Array.from({ length: 5 }, () => parkedDelivery(org, first.id, 2)));
    // A second delivery of each event, to the other webhook.
    const seconds = logged.map((l) => ({ ...l, deliveryId: `${l.deliveryId}_2` }));
    const kept = await parkedDelivery(org, first.id, 1);
    await getDb().execute(sql`
      insert into deliveries (id, organisation_id, event_id, webhook_id, event_type)
      select d.id || '_2', d.organisation_id, d.event_id, ${second.id}, d.event_type from deliveries d
      where d.id = any(${sql.param(logged.map((l) => l.deliveryId))}::text[])`);
    expect((await left(seconds)).deliveries).toBe(5);

    await getDb().delete(events).where(inArray(events.id, logged.map((l) => l.eventId)));

    expect(await left([...logged, ...seconds])).toEqual(none);
    expect(await left([kept])).toEqual({ events: 1, deliveries: 1, attempts: 1, parked: 1 });
  });
});
