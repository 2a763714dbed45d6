import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, webhooks, type DeliveryStatus } from '@/db/schema';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { retryDelivery, retryFailedSince } from '@/lib/webhooks/manage/retry';
import { deliveryById, jobsFor } from '../support/deliveries';
import { createOrganisation, createWebhook, UNREACHABLE_LOOPBACK } from '../support/fixtures';
import { unqueuedDelivery } from '../support/unqueued';

afterAll(async () => {
  await closePublisher();
  await closeDb();
});

async function deliveryIn(status: DeliveryStatus, webhook: { active?: boolean; disabledReason?: string } = {}) {
  const org = await createOrganisation('Retry Refusals Ltd');
  const { id: webhookId } = await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, active: webhook.active ?? true });
  if (webhook.disabledReason) await getDb().update(webhooks).set({ disabledReason: webhook.disabledReason, disabledAt: new Date() }).where(eq(webhooks.id, webhookId));
  const deliveryId = await unqueuedDelivery(org, webhookId);
  await getDb().update(deliveries).set({ status, attemptCount: status === 'pending' ? 0 : 1 }).where(eq(deliveries.id, deliveryId));
  return { org, webhookId, deliveryId };
}

describe('manual Retry refuses what the Delivery Log never offers it for', () => {
  it.each([
    ['succeeded', 'This delivery succeeded; only failed deliveries can be retried.'],
    ['skipped', 'This delivery was skipped while the webhook was disabled; use Replay skipped after re-enabling it.'],
    ['pending', 'This delivery is already waiting to be sent.'],
  ] as const)('a %s delivery, with the reason, changing nothing', async (status, reason) => {
    const { org, deliveryId } = await deliveryIn(status);
    const before = await deliveryById(deliveryId);
    expect(await retryDelivery(org.organisationId, deliveryId)).toEqual({ refused: reason });
    expect(await deliveryById(deliveryId)).toEqual(before);
    expect(await jobsFor([deliveryId])).toBe(0);
  });

  it.each([
    ['an inactive webhook', { active: false }, 'The webhook is inactive; activate it before retrying.'],
    ['a disabled webhook', { disabledReason: 'Failing for 5 days' }, 'The webhook is disabled after repeated failures; re-enable it before retrying.'],
  ] as const)('a failed delivery to %s, with the reason, changing nothing', async (_label, webhook, reason) => {
    const { org, webhookId, deliveryId } = await deliveryIn('failed', webhook);
    const before = await deliveryById(deliveryId);
    expect(await retryDelivery(org.organisationId, deliveryId)).toEqual({ refused: reason });
    expect(await retryFailedSince(org.organisationId, webhookId, new Date(0))).toEqual({ refused: reason });
    expect(await deliveryById(deliveryId)).toEqual(before);
    expect(await jobsFor([deliveryId])).toBe(0);
  });

  it('still retries a failed or retrying delivery to an active webhook', async () => {
    for (const status of ['failed', 'retrying'] as const) {
      const { org, deliveryId } = await deliveryIn(status);
      expect(await retryDelivery(org.organisationId, deliveryId)).toEqual({ deliveryId });
      expect((await deliveryById(deliveryId))!.status).toBe('pending');
      expect(await jobsFor([deliveryId])).toBe(1);
    }
  });
});
