import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import { env } from '@/lib/env';
import { closePublisher, getPublisher } from '@/lib/webhooks/queue/boss';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { getWebhookHealth } from '@/lib/webhooks/read/webhook-health';
import { deliveriesOfEvents, jobsFor } from '../support/deliveries';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { unqueuedDelivery } from '../support/unqueued';
import { deliverBatch } from '../support/deliver-batch';

const DAY = 24 * 60 * 60 * 1000;

let receiver: Receiver;
let up = false;
beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply(() => (up ? { status: 200 } : { status: 503, body: 'down' }));
  await getPublisher(); // the job table exists even when nothing here enqueues
});
afterAll(async () => {
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

/** The engine in this process, on a clock the test sets; manual attempts, so no retry jobs are left behind. */
const ctxAt = (now: Date): DeliveryContext => ({
  timeoutMs: 2_000,
  allowPrivate: true,
  encryptionKey: env().KAZINEX_ENCRYPTION_KEY,
  retrySchedule: [3600],
  now: () => now,
});

async function failAt(org: { organisationId: string; projectId: string }, webhookId: string, now: Date, count = 1) {
  const ids = await Promise.all(Array.from({ length: count }, () => unqueuedDelivery(org, webhookId)));
  await deliverBatch(
    ids.map((deliveryId) => ({ deliveryId, trigger: 'manual' as const })),
    ctxAt(now),
  );
}

const webhookRow = async (id: string) => (await getDb().select().from(webhooks).where(eq(webhooks.id, id)))[0]!;

describe('failure tracking', () => {
  it('disables a webhook only after 5 days without success and at least 20 consecutive failures', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/five-days`, events: ['workflow.completed'] });
    const t0 = new Date();

    await failAt(org, webhook.id, t0, 19);
    expect(await webhookRow(webhook.id)).toMatchObject({ consecutiveFailures: 19, failingSince: t0, lastFailureAt: expect.any(Date), disabledReason: null });

    // 20 failures, but a minute short of 5 days: still enabled.
    await failAt(org, webhook.id, new Date(t0.getTime() + 5 * DAY - 60_000));
    expect(await webhookRow(webhook.id)).toMatchObject({ consecutiveFailures: 20, failingSince: t0, disabledReason: null });
    expect((await getWebhookHealth(org.organisationId, [webhook.id]))[webhook.id]).toMatchObject({ health: 'failing', consecutiveFailures: 20 });

    const fiveDays = new Date(t0.getTime() + 5 * DAY);
    await failAt(org, webhook.id, fiveDays);
    const disabled = await webhookRow(webhook.id);
    expect(disabled).toMatchObject({ consecutiveFailures: 21, disabledAt: fiveDays });
    expect(disabled.disabledReason).toBe('No successful delivery for 5 days (21 consecutive failed attempts)');

    // While disabled by the rule, a published event is kept as skipped, with no job.
    const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
    if (!published.ok) throw new Error('publish failed');
    const [skipped] = await deliveriesOfEvents([published.eventId]);
    expect(skipped).toMatchObject({ status: 'skipped', attemptCount: 0 });
    expect(await jobsFor([skipped!.id])).toBe(0);
    expect((await getWebhookHealth(org.organisationId, [webhook.id], { now: fiveDays }))[webhook.id]).toMatchObject({
      health: 'disabled',
      skippedCount: 1,
      attempts24h: 2,
      successRate24h: 0,
    });
  });

  it('does not disable a webhook failing for 5 days with fewer than 20 failures, and a success resets the streak', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/quiet`, events: ['workflow.completed'] });
    const t0 = new Date();
    await failAt(org, webhook.id, t0, 18);
    await failAt(org, webhook.id, new Date(t0.getTime() + 6 * DAY));
    expect(await webhookRow(webhook.id)).toMatchObject({ consecutiveFailures: 19, disabledReason: null });

    up = true;
    try {
      const success = new Date(t0.getTime() + 6 * DAY + 1_000);
      await failAt(org, webhook.id, success);
      expect(await webhookRow(webhook.id)).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: expect.any(Date), disabledReason: null });
      // The streak is over, but one of the day's two attempts failed: Degraded, no longer Failing.
      expect((await getWebhookHealth(org.organisationId, [webhook.id], { now: success }))[webhook.id]).toMatchObject({
        health: 'degraded',
        consecutiveFailures: 0,
        attempts24h: 2,
      });
    } finally {
      up = false;
    }
  });

  it('an admin-unticked webhook gets no delivery at all, and health is scoped to the organisation', async () => {
    const org = await createOrganisation();
    const inactive = await createWebhook(org.organisationId, { url: `${receiver.url}/off`, events: ['workflow.completed'], active: false });
    const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
    expect(published).toMatchObject({ ok: true, deliveryIds: [] });
    expect((await getWebhookHealth(org.organisationId, [inactive.id]))[inactive.id]).toMatchObject({
      health: 'inactive',
      disabledReason: null,
      successRate24h: null,
      p50DurationMs24h: null,
      attempts24h: 0,
    });
    const other = await createOrganisation();
    expect(await getWebhookHealth(other.organisationId, [inactive.id])).toEqual({});
  });
});
