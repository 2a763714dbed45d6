import { inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, events, idempotencyKeys, webhookHourlyStats } from '@/db/schema';
import { newId } from '@/lib/ids';
import { pruneDeliveryLog } from '@/lib/webhooks/deliver/prune';
import { createOrganisation, createWebhook, loggedDelivery } from '../support/fixtures';

afterAll(async () => {
  await closeDb();
});

const DAY = 24 * 60 * 60 * 1000;

describe('Delivery Log retention', () => {
  it('prunes attempts, finished deliveries, their events and idempotency keys older than the retention, in bounded batches', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: 'https://example.com/hook' });
    const now = new Date();
    const old = new Date(now.getTime() - 31 * DAY);
    const recent = new Date(now.getTime() - 29 * DAY);

    const oldFailed = await loggedDelivery(org, webhook.id, old, 'failed', 3);
    const oldSucceeded = await loggedDelivery(org, webhook.id, old, 'succeeded', 2);
    const oldRetrying = await loggedDelivery(org, webhook.id, old, 'retrying', 1);
    const recentOne = await loggedDelivery(org, webhook.id, recent, 'failed', 2);
    const [oldKey, recentKey] = [newId('evt'), newId('evt')];
    await getDb()
      .insert(idempotencyKeys)
      .values([
        { key: oldKey, requestHash: 'x', responseStatus: 202, responseBody: {}, createdAt: old },
        { key: recentKey, requestHash: 'x', responseStatus: 202, responseBody: {}, createdAt: recent },
      ]);

    const statsRow = (hour: Date) => ({ webhookId: webhook.id, organisationId: org.organisationId, hour, eventType: 'workflow.completed', isTest: false, attempts: 1 });
    await getDb().insert(webhookHourlyStats).values([statsRow(old), statsRow(recent)]);

    const pruned = await pruneDeliveryLog({ retentionDays: 30, now, batchSize: 2 });
    expect(pruned.hourlyStats).toBeGreaterThanOrEqual(1);
    const statsLeft = await getDb().select({ hour: webhookHourlyStats.hour }).from(webhookHourlyStats).where(inArray(webhookHourlyStats.webhookId, [webhook.id]));
    expect(statsLeft).toEqual([{ hour: recent }]);
    expect(pruned.attempts).toBeGreaterThanOrEqual(6);
    expect(pruned.deliveries).toBeGreaterThanOrEqual(2);
    expect(pruned.events).toBeGreaterThanOrEqual(2);
    expect(pruned.idempotencyKeys).toBeGreaterThanOrEqual(1);

    const ids = <T extends { id: string }>(rows: T[]) => rows.map((r) => r.id).sort();
    const attemptsLeft = await getDb().select({ id: deliveryAttempts.id }).from(deliveryAttempts).where(inArray(deliveryAttempts.webhookId, [webhook.id]));
    expect(ids(attemptsLeft)).toEqual([...recentOne.attemptIds].sort());
    const deliveriesLeft = await getDb().select({ id: deliveries.id }).from(deliveries).where(inArray(deliveries.webhookId, [webhook.id]));
    // A delivery still retrying keeps its event (and so its body), however old.
    expect(ids(deliveriesLeft)).toEqual([oldRetrying.deliveryId, recentOne.deliveryId].sort());
    const eventsLeft = await getDb()
      .select({ id: events.id })
      .from(events)
      .where(inArray(events.id, [oldFailed.eventId, oldSucceeded.eventId, oldRetrying.eventId, recentOne.eventId]));
    expect(ids(eventsLeft)).toEqual([oldRetrying.eventId, recentOne.eventId].sort());
    const keysLeft = await getDb().select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(inArray(idempotencyKeys.key, [oldKey, recentKey]));
    expect(keysLeft.map((k) => k.key)).toEqual([recentKey]);

    expect(await pruneDeliveryLog({ retentionDays: 30, now, batchSize: 2 })).toEqual({ attempts: 0, deliveries: 0, events: 0, idempotencyKeys: 0, hourlyStats: 0 });
  });
});
