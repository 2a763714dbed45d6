import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, events, parkedFanouts, webhooks } from '@/db/schema';
import { renderMetrics } from '@/lib/observability/metrics';
import { deleteOrganisation } from '@/lib/provisioning/organisations';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { releaseDueAttempts } from '@/lib/webhooks/deliver/release';
import { deleteWebhook } from '@/lib/webhooks/manage/webhooks';
import { publishEvent, publishEvents } from '@/lib/webhooks/publish/publish';
import { closePublisher, getPublisher } from '@/lib/webhooks/queue/boss';
import { makeFannedOutDeliveries } from '@/lib/webhooks/queue/parked';
import { completedData, createOrganisation, createWebhook, UNREACHABLE_LOOPBACK } from '../support/fixtures';
import { parseExposition, releaseFigures } from '../support/prometheus';

/*
 * A publish leaves the deliveries to slowed-down and lagging endpoints to the worker's release, as
 * one fan-out row per event (queue/parked.ts). These tests publish through the product's own call
 * and release as the worker does.
 */

beforeAll(async () => {
  await getPublisher();
});

afterAll(async () => {
  await closePublisher();
  await closeDb();
});

const ctx: DeliveryContext = { timeoutMs: 10_000, allowPrivate: true, encryptionKey: process.env.KAZINEX_ENCRYPTION_KEY ?? '', retrySchedule: [60, 60] };

type Org = { organisationId: string; projectId: string };

async function publish(org: Org): Promise<{ eventId: string; deliveryIds: string[] }> {
  const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
  if (!published.ok) throw new Error('publish failed');
  return published;
}

/** Webhooks subscribed to workflow.completed, slowed down by a time-out and paused for longer than a test runs. */
async function slowedWebhooks(org: Org, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id);
  await getDb()
    .update(webhooks)
    .set({ slowedSince: new Date(), slowedReason: 'timeout', probeUntil: new Date(Date.now() + 120_000) })
    .where(inArray(webhooks.id, ids));
  return ids;
}

const deliveriesOf = (ids: string[]) =>
  getDb().select({ id: deliveries.id, webhookId: deliveries.webhookId, createdAt: deliveries.createdAt }).from(deliveries).where(inArray(deliveries.id, ids));
const fanoutOf = (eventId: string) => getDb().select().from(parkedFanouts).where(eq(parkedFanouts.eventId, eventId));

describe('fan-outs to slowed-down and lagging endpoints', () => {
  it("stores one row for an event's slowed-down and lagging endpoints, and deliveries only for the others", async () => {
    const org = await createOrganisation();
    const answering = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    const slowed = await slowedWebhooks(org, 3);
    const lagging = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    await getDb().update(webhooks).set({ laggingSince: new Date() }).where(eq(webhooks.id, lagging));

    const { eventId, deliveryIds } = await publish(org);
    expect(deliveryIds).toHaveLength(5);
    const made = await deliveriesOf(deliveryIds);
    expect(made.map((d) => d.webhookId)).toEqual([answering]);
    const [fanout] = await fanoutOf(eventId);
    expect(new Set(fanout!.webhookIds)).toEqual(new Set([...slowed, lagging]));
    // The ids the publish returned, each with its endpoint.
    const idOf = new Map(fanout!.webhookIds.map((w, i) => [w, fanout!.deliveryIds[i]!]));
    expect(new Set([...idOf.values(), made[0]!.id])).toEqual(new Set(deliveryIds));
  });

  it('makes the deliveries with the ids the publish returned and its time, and records their first attempts as the release does', async () => {
    const org = await createOrganisation();
    const slowed = await slowedWebhooks(org, 4);
    const { eventId, deliveryIds } = await publish(org);
    const [fanout] = await fanoutOf(eventId);

    const released = await releaseDueAttempts(ctx, 1_000, { perWebhook: 4 });
    expect(released.made).toBeGreaterThanOrEqual(4);
    expect(await fanoutOf(eventId)).toEqual([]);
    const made = await deliveriesOf(deliveryIds);
    expect(new Set(made.map((d) => d.webhookId))).toEqual(new Set(slowed));
    expect(made.every((d) => d.createdAt.getTime() === fanout!.dueAt.getTime())).toBe(true);
    // Held back by the pause: recorded as not sent, in the same look, and their retries scheduled.
    const attempts = await getDb().select().from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, deliveryIds));
    expect(attempts.map((a) => [a.attemptNumber, a.error?.startsWith('Not sent: endpoint timed out')])).toEqual(deliveryIds.map(() => [1, true]));
    const after = await getDb().select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, deliveryIds));
    expect(after.map((d) => d.status)).toEqual(deliveryIds.map(() => 'retrying'));
  });

  it("counts each release's held, queued and made work, and its time, in the metrics", async () => {
    const figures = async () => releaseFigures(parseExposition((await renderMetrics()).body));
    const org = await createOrganisation();
    await slowedWebhooks(org, 3);
    // Slowed down too, but its probe is free: its first attempt becomes the probe's job.
    const [probing] = await slowedWebhooks(org, 1);
    await getDb().update(webhooks).set({ probeUntil: null }).where(eq(webhooks.id, probing!));
    const { deliveryIds } = await publish(org);
    const before = await figures();

    const released = await releaseDueAttempts(ctx, 1_000, { perWebhook: 4 });
    const after = await figures();
    // Whatever else was due, the figures move by what this release reports, this publish's included.
    expect(after.held - before.held).toBe(released.held);
    expect(released.held).toBeGreaterThanOrEqual(3);
    expect(after.made - before.made).toBe(released.made);
    expect(released.made).toBeGreaterThanOrEqual(4);
    expect(after.queued - before.queued).toBe(released.queued);
    expect(released.queued).toBeGreaterThanOrEqual(1);
    expect(released.held + released.queued).toBeLessThanOrEqual(released.released);
    expect(after.seconds).toBeGreaterThan(before.seconds);
    const [probeDelivery] = await getDb().select({ id: deliveries.id }).from(deliveries).where(sql`${inArray(deliveries.id, deliveryIds)} and ${eq(deliveries.webhookId, probing!)}`);
    const probeJob = sql`from pgboss.job where data->'deliveryIds' ? ${probeDelivery!.id}`;
    expect(await getDb().execute(sql`select 1 ${probeJob}`)).toHaveLength(1);
    // No later file's worker should send it.
    await getDb().execute(sql`delete ${probeJob}`);
  });

  it('waits for the due time, and makes whole fan-outs up to the limit, at least one', async () => {
    const step = (limit: number) => getDb().transaction((tx) => makeFannedOutDeliveries(tx, limit));
    // What earlier tests left due is made first, so the counts below are this test's.
    while ((await step(10_000)).fanouts > 0);
    const org = await createOrganisation();
    await slowedWebhooks(org, 3);
    const published = await publishEvents(
      Array.from({ length: 4 }, () => ({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData })),
    );
    if (!published.ok) throw new Error('publish failed');
    const eventIds = published.events.map((e) => e.id);
    const later = sql.param(eventIds.slice(1));
    await getDb().execute(sql`update parked_fanouts set due_at = now() + interval '1 minute' where event_id = any(${later}::text[])`);

    // Only the first is due; a limit below its size still takes it whole.
    expect(await step(1)).toEqual({ fanouts: 1, deliveries: 3 });
    expect(await step(1)).toEqual({ fanouts: 0, deliveries: 0 });
    await getDb().execute(sql`update parked_fanouts set due_at = now() - interval '1 second' where event_id = any(${later}::text[])`);
    // Three of three deliveries each: a limit of 4 takes two (the second starts below the limit), then the last.
    expect(await step(4)).toEqual({ fanouts: 2, deliveries: 6 });
    expect(await step(4)).toEqual({ fanouts: 1, deliveries: 3 });
  });

  it('makes no delivery for an endpoint deleted since the publish, and still makes the others', async () => {
    const org = await createOrganisation();
    const [gone, kept] = await slowedWebhooks(org, 2);
    const { deliveryIds } = await publish(org);
    expect(await deleteWebhook(org.organisationId, gone!)).toEqual({ ok: true, data: undefined });

    await releaseDueAttempts(ctx, 1_000, { perWebhook: 4 });
    expect((await deliveriesOf(deliveryIds)).map((d) => d.webhookId)).toEqual([kept]);
  });

  it('goes with its event: deleting the organisation leaves no fan-out behind', async () => {
    const org = await createOrganisation();
    await slowedWebhooks(org, 2);
    const { eventId } = await publish(org);
    expect(await fanoutOf(eventId)).toHaveLength(1);

    await deleteOrganisation(org.organisationId);
    expect(await getDb().select({ id: events.id }).from(events).where(eq(events.id, eventId))).toEqual([]);
    expect(await fanoutOf(eventId)).toEqual([]);
  });
});
