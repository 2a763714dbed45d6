import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { publishEvent, publishEvents } from '@/lib/webhooks/publish/publish';
import { deliveryById, waitForAttempts } from '../support/deliveries';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { startWorker, type RunningWorker } from '../support/worker';

const TIMEOUT_MS = 3_000;
const WEBHOOK_CONCURRENCY = 4;

let slow: Receiver;
let healthy: Receiver;
let worker: RunningWorker;

beforeAll(async () => {
  slow = await startReceiver('hang');
  healthy = await startReceiver({ status: 200 });
  worker = await startWorker({
    WEBHOOKS_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOKS_RETRY_SCHEDULE: '3600',
    WEBHOOKS_WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY),
  });
});

afterAll(async () => {
  await worker?.stop();
  await slow?.close();
  await healthy?.close();
  await closePublisher();
  await closeDb();
});

describe('isolation between webhooks', () => {
  it('a hanging endpoint with 50 queued deliveries does not hold back a healthy webhook published afterwards', async () => {
    const org = await createOrganisation();
    await createWebhook(org.organisationId, { url: `${slow.url}/hang`, events: ['workflow.completed'] });
    const other = await createOrganisation();
    await createWebhook(other.organisationId, { url: `${healthy.url}/ok`, events: ['workflow.completed'] });
    const event = (organisationId: string, projectId: string) => ({ organisationId, projectId, type: 'workflow.completed', data: completedData });

    // 50 separate publishes: 50 jobs of the hanging webhook, more than the worker has loops.
    for (let i = 0; i < 50; i++) {
      const published = await publishEvent(event(org.organisationId, org.projectId));
      if (!published.ok) throw new Error('publish failed');
    }
    await slow.waitFor((all) => all.length >= 1, 5_000);
    const firstSlow = slow.requests[0]!.receivedAt;

    const published = await publishEvents(Array.from({ length: 20 }, () => event(other.organisationId, other.projectId)));
    if (!published.ok) throw new Error('publish failed');
    const received = await healthy.waitFor((all) => all.length >= 20, TIMEOUT_MS * 2);
    const lastHealthy = Math.max(...received.map((r) => r.receivedAt));
    expect(lastHealthy).toBeLessThan(firstSlow + TIMEOUT_MS);
    // The cap held: before the first time limit passed, the hanging webhook had only its share of jobs in flight.
    expect(slow.requests.filter((r) => r.receivedAt < firstSlow + TIMEOUT_MS).length).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
  });

  it('records a healthy delivery as soon as it is answered, even when it was fetched with one that hangs', async () => {
    const org = await createOrganisation();
    const hanging = await createWebhook(org.organisationId, { url: `${slow.url}/beside`, events: ['workflow.completed'] });
    const answering = await createWebhook(org.organisationId, { url: `${healthy.url}/beside`, events: ['workflow.completed'] });
    // One event, two deliveries: their jobs are inserted together and woken by one NOTIFY.
    const started = Date.now();
    const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
    if (!published.ok) throw new Error('publish failed');
    const byWebhook = await Promise.all(published.deliveryIds.map(deliveryById));
    const toHealthy = byWebhook.find((d) => d?.webhookId === answering.id)!.id;
    const toHanging = byWebhook.find((d) => d?.webhookId === hanging.id)!.id;

    await slow.waitFor((all) => all.some((r) => r.path === '/beside'), TIMEOUT_MS);
    const [attempt] = await waitForAttempts(toHealthy, 1, TIMEOUT_MS * 2);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(attempt).toMatchObject({ success: true, responseStatus: 200 });
    // The hanging one is still on the wire, unrecorded, until its own time limit.
    expect(await deliveryById(toHanging)).toMatchObject({ status: 'pending', attemptCount: 0 });
  });
});
