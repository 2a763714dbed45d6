import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { closePublisher } from '@/lib/queue/boss';
import { publishEvent, publishEvents } from '@/lib/webhooks/publish';
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
});
