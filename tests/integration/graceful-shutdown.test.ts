import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts } from '@/db/schema';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { publishEvents } from '@/lib/webhooks/publish/publish';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { startWorker, type RunningWorker } from '../support/worker';

// Attempts end within 3 s; automatic retries are an hour away, so every attempt here is one of ours.
// One job (25 deliveries) per webhook at a time: when the signal comes, each webhook's first job is
// on the wire and its second waits in the queue.
const TIMEOUT_MS = 3_000;
const WORKER_ENV = { WEBHOOKS_TIMEOUT_MS: String(TIMEOUT_MS), WEBHOOKS_RETRY_SCHEDULE: '3600', WEBHOOKS_WEBHOOK_CONCURRENCY: '1' };

let receiver: Receiver;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => {
    if (req.path.startsWith('/slow')) return { status: 200, body: 'ok', delayMs: 1_000 };
    if (req.path.startsWith('/hang')) return 'hang';
    return { status: 200, body: 'ok' };
  });
});

afterAll(async () => {
  for (const w of workers) await w.kill();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

describe('stopping a worker with attempts in flight', () => {
  it('SIGTERM stops fetching, finishes and records every attempt on the wire, and exits on its own; nothing is lost or sent twice', async () => {
    const worker = await startWorker(WORKER_ENV);
    workers.push(worker);
    const org = await createOrganisation();
    const slow = await Promise.all([0, 1, 2].map((i) => createWebhook(org.organisationId, { url: `${receiver.url}/slow-${i}`, events: ['workflow.completed'] })));
    const hanging = await createWebhook(org.organisationId, { url: `${receiver.url}/hang`, events: ['workflow.completed'] });
    const published = await publishEvents(
      Array.from({ length: 40 }, () => ({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData })),
    );
    if (!published.ok) throw new Error('publish failed');
    const ids = published.events.flatMap((e) => e.deliveryIds);
    expect(ids).toHaveLength(160);

    // Some attempts to every webhook are on the wire (the slow ones answer after a second, the
    // hanging one never) when the signal comes.
    await receiver.waitFor((all) => [...slow.map((w) => `/slow-${slow.indexOf(w)}`), '/hang'].every((p) => all.some((r) => r.path === p)));
    const signalledAt = Date.now();
    const exitCode = await worker.stop();
    const stoppedInMs = Date.now() - signalledAt;
    const onTheWire = receiver.requests.length;
    console.log(`graceful shutdown: exited ${stoppedInMs} ms after SIGTERM with ${onTheWire} requests sent (attempt time limit ${TIMEOUT_MS} ms)`);
    // 0: it drained and recorded everything itself (its fail-safe, at the limit plus a few seconds, exits with 1).
    expect(exitCode).toBe(0);
    expect(worker.output()).toContain('"msg":"worker stopped"');

    // Every request that reached a receiver was recorded as an attempt before the worker exited.
    const sent = receiver.requests.map((r) => String(r.headers['x-kazinex-delivery']));
    const recorded = await getDb().select().from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, ids));
    expect(recorded.map((a) => a.deliveryId).sort()).toEqual([...sent].sort());
    // The hanging endpoint's attempts ended at the time limit and were recorded as failures.
    const hung = recorded.filter((a) => a.webhookId === hanging.id);
    expect(hung.length).toBeGreaterThan(0);
    expect(hung.every((a) => !a.success && /Timed out/.test(a.error ?? ''))).toBe(true);

    // A new worker delivers the rest: each delivery to the healthy webhooks reaches them exactly once.
    receiver.reply({ status: 200, body: 'ok' });
    const next = await startWorker(WORKER_ENV);
    workers.push(next);
    const slowIds = new Set((await getDb().select().from(deliveries).where(inArray(deliveries.id, ids))).filter((d) => d.webhookId !== hanging.id).map((d) => d.id));
    await receiver.waitFor((all) => new Set(all.map((r) => String(r.headers['x-kazinex-delivery'])).filter((id) => slowIds.has(id))).size === slowIds.size, 30_000);
    const receipts = receiver.requests.map((r) => String(r.headers['x-kazinex-delivery'])).filter((id) => slowIds.has(id));
    expect(receipts).toHaveLength(slowIds.size);
    // Nothing of the hanging webhook's was lost either. It timed out, so it is slowed down: its
    // untried deliveries get their first attempt now, recorded as not sent, and like those that
    // timed out they wait for their scheduled retry. None was sent twice.
    const hangingRows = async () => (await getDb().select().from(deliveries).where(inArray(deliveries.id, ids))).filter((d) => d.webhookId === hanging.id);
    await waitFor(async () => (await hangingRows()).every((d) => d.status !== 'pending'), 'the untried deliveries to the once-hanging webhook to be attempted', 30_000, 100);
    expect((await hangingRows()).map((d) => d.status)).toEqual(Array.from({ length: 40 }, () => 'retrying'));
    const hangingAttempts = await getDb().select().from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, ids));
    const notSent = hangingAttempts.filter((a) => a.webhookId === hanging.id && a.error?.startsWith('Not sent: endpoint timed out'));
    expect(notSent).toHaveLength(40 - hung.length);
    expect(receiver.requests.filter((r) => r.path === '/hang')).toHaveLength(hung.length);
  });
});
