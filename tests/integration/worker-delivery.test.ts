import { createHmac } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import { env } from '@/lib/env';
import { newId } from '@/lib/ids';
import { closePublisher, QUEUES } from '@/lib/webhooks/queue/boss';
import { makeAttempts } from '@/lib/webhooks/deliver/attempt';
import { AutomaticAttemptsInFlight, planAttempts } from '@/lib/webhooks/deliver/fence';
import { loadDeliveries } from '@/lib/webhooks/deliver/load';
import { eventCatalogue } from '@/lib/webhooks/core/events';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { RESPONSE_BODY_LIMIT } from '@/lib/webhooks/deliver/post';
import { retryDelivery } from '@/lib/webhooks/manage/retry';
import { sendTestEvent } from '@/lib/webhooks/publish/test-event';
import { getDeliveryOutcome } from '@/lib/webhooks/read/delivery-outcome';
import { getDeliveryAttempt } from '@/lib/webhooks/read/delivery-attempt';
import { eq } from 'drizzle-orm';
import { attemptsOf, deliveryById, waitForAttempts } from '../support/deliveries';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';
import { waitFor } from '../support/wait';
import { scrape, valueOf } from '../support/prometheus';
import { unqueuedDelivery } from '../support/unqueued';
import { startWorker, type RunningWorker } from '../support/worker';
import { deliverBatch, recordAttempts } from '../support/deliver-batch';

const TIMEOUT_MS = 1_500;

let receiver: Receiver;
let worker: RunningWorker;
const replies = new Map<string, Reply>();

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => replies.get(req.path) ?? { status: 200, body: 'ok' });
  // Automatic retries are an hour away here: each test sees exactly the attempts it caused.
  worker = await startWorker({ WEBHOOKS_TIMEOUT_MS: String(TIMEOUT_MS), WEBHOOKS_RETRY_SCHEDULE: '3600' });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const at = (path: string) => receiver.requests.filter((r) => r.path === path);

/** A fresh organisation with one webhook on its own receiver path, and one published workflow.completed. */
async function deliverOne(name: string, reply?: Reply) {
  const org = await createOrganisation();
  const path = `/${org.organisationId}/${name}`;
  if (reply) replies.set(path, reply);
  const webhook = await createWebhook(org.organisationId, { url: receiver.url + path, events: ['workflow.completed'] });
  const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
  if (!published.ok) throw new Error('publish failed');
  return { org, path, webhook, deliveryId: published.deliveryIds[0]! };
}

describe('the delivery worker', () => {
  it('records a receiver that never answers as failed once the time limit passes', async () => {
    const { deliveryId, webhook } = await deliverOne('hang', 'hang');
    const [attempt] = await waitForAttempts(deliveryId);
    expect(attempt).toMatchObject({ success: false, responseStatus: null, trigger: 'automatic', attemptNumber: 1 });
    expect(attempt!.error).toBe(`Timed out after ${TIMEOUT_MS} ms waiting for the response`);
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(attempt!.durationMs).toBeLessThan(TIMEOUT_MS + 1_000);
    const delivery = await deliveryById(deliveryId);
    expect(delivery).toMatchObject({ status: 'retrying', attemptCount: 1, lastResponseStatus: null });
    expect(delivery!.nextAttemptAt!.getTime() - attempt!.completedAt.getTime()).toBeGreaterThan(0.8 * 3600_000);
    const [row] = await getDb().select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(row!.lastDeliveryStatus).toBe('failed');
  });

  it('records a 302 as failed and does not follow it', async () => {
    const org = await createOrganisation();
    const target = `/${org.organisationId}/moved-here`;
    const { deliveryId } = await deliverOne('redirect', { status: 302, headers: { Location: receiver.url + target } });
    const [attempt] = await waitForAttempts(deliveryId);
    expect(attempt).toMatchObject({ success: false, responseStatus: 302 });
    expect(attempt!.error).toMatch(/^Redirect 302 not followed/);
    expect(attempt!.responseHeaders?.location).toBe(receiver.url + target);
    expect(at(target)).toHaveLength(0);
    expect((await deliveryById(deliveryId))!.status).toBe('retrying');
  });

  it('stores a large response body truncated to 64 KiB', async () => {
    const { deliveryId } = await deliverOne('large', { status: 200, body: 'z'.repeat(RESPONSE_BODY_LIMIT * 4) });
    const [attempt] = await waitForAttempts(deliveryId);
    expect(attempt).toMatchObject({ success: true, responseStatus: 200, responseBodyTruncated: true });
    expect(Buffer.byteLength(attempt!.responseBody!)).toBe(RESPONSE_BODY_LIMIT);
    expect(attempt!.responseBody).toBe('z'.repeat(RESPONSE_BODY_LIMIT));
  });

  it('shows exactly what was sent: URL, every header and the body, from the compact record it keeps', async () => {
    const { org, deliveryId, path } = await deliverOne('stored');
    const [attempt] = await waitForAttempts(deliveryId);
    const [received] = at(path);
    expect(attempt).toMatchObject({ success: true, responseStatus: 200, responseBody: 'ok', responseBodyTruncated: false, error: null });
    // 32-byte HMACs instead of copies of the headers and body: X-Kazinex-Signature and one webhook-signature entry.
    expect(attempt!.requestSignatures).toHaveLength(64);
    const detail = await getDeliveryAttempt(org.organisationId, attempt!.id);
    expect(detail!.request.url).toBe(receiver.url + path);
    expect(detail!.request.body).toBe(received!.body.toString('utf8'));
    const sent = Object.fromEntries(Object.entries(detail!.request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    const arrived = Object.fromEntries(Object.keys(sent).map((name) => [name, received!.headers[name]]));
    expect(Object.keys(sent).sort()).toEqual(
      ['content-length', 'content-type', 'user-agent', 'webhook-id', 'webhook-signature', 'webhook-timestamp', 'x-kazinex-delivery', 'x-kazinex-event', 'x-kazinex-signature'].sort(),
    );
    expect(sent).toEqual(arrived);
  });

  it('Retry re-sends the stored body with the same delivery id and a fresh timestamp, as a manual attempt', async () => {
    const { deliveryId, path, webhook, org } = await deliverOne('flaky', { status: 500, body: 'Internal Server Error' });
    const [failed] = await waitForAttempts(deliveryId);
    expect(failed).toMatchObject({ success: false, responseStatus: 500 });
    const first = at(path)[0]!;

    replies.set(path, { status: 200, body: 'recovered' });
    const other = await createOrganisation();
    expect(await retryDelivery(other.organisationId, deliveryId)).toBeNull();
    // The signature timestamp has whole-second resolution: let the clock pass the first one.
    await waitFor(() => Math.floor(Date.now() / 1000) > Number(first.headers['webhook-timestamp']), 'the next second');
    expect(await retryDelivery(org.organisationId, deliveryId)).toEqual({ deliveryId });

    const attempts = await waitForAttempts(deliveryId, 2);
    expect(attempts[1]).toMatchObject({ attemptNumber: 2, trigger: 'manual', success: true, responseStatus: 200, responseBody: 'recovered' });
    const second = at(path)[1]!;
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers['x-kazinex-delivery']).toBe(deliveryId);
    expect(second.headers['webhook-id']).toBe(deliveryId);
    expect(Number(second.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']));
    expect(second.headers['x-kazinex-signature']).toBe(`sha256=${createHmac('sha256', webhook.secret).update(second.body).digest('hex')}`);
    expect(await deliveryById(deliveryId)).toMatchObject({ status: 'succeeded', attemptCount: 2, lastResponseStatus: 200 });
  });

  it('Send Test Event reaches an inactive, unsubscribed webhook, marked as a test', async () => {
    const org = await createOrganisation();
    const path = `/${org.organisationId}/test-event`;
    const webhook = await createWebhook(org.organisationId, { url: receiver.url + path, active: false });
    const other = await createOrganisation();
    expect(await sendTestEvent(other.organisationId, webhook.id, 'transmittal.issued')).toMatchObject({ ok: false, reason: 'not_found' });

    const sent = await sendTestEvent(org.organisationId, webhook.id, 'transmittal.issued');
    if (!sent.ok) throw new Error(sent.message);
    await receiver.waitFor(() => at(path).length >= 1, 5_000);

    const body = JSON.parse(at(path)[0]!.body.toString()) as Record<string, unknown>;
    expect(body).toMatchObject({
      event: 'transmittal.issued',
      organisation_id: org.organisationId,
      project_id: org.projectId,
      data: eventCatalogue['transmittal.issued'].sample,
    });
    const outcome = await waitFor(() => getDeliveryOutcome(org.organisationId, sent.deliveryId), 'the test outcome');
    expect(outcome).toMatchObject({ status: 'success', responseCode: 200 });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(await getDeliveryOutcome(other.organisationId, sent.deliveryId)).toBeNull();
    const [attempt] = await waitForAttempts(sent.deliveryId);
    expect(attempt!.trigger).toBe('test');
    expect(await deliveryById(sent.deliveryId)).toMatchObject({ isTest: true, status: 'succeeded' });
  });
});

describe('sending to a vetted address only', () => {
  /** A delivery to `url` without a job, so only deliverBatch below attempts it. */
  async function deliveryTo(url: string) {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url });
    return unqueuedDelivery(org, webhook.id);
  }
  const ctx = () => ({ timeoutMs: TIMEOUT_MS, encryptionKey: env().KAZINEX_ENCRYPTION_KEY, retrySchedule: [3600] });

  it('refuses a loopback address at send time, without connecting, as a failed attempt', async () => {
    let connections = 0;
    const listener = createNetServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const deliveryId = await deliveryTo(`https://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`);
      await deliverBatch([{ deliveryId, trigger: 'automatic' }], { ...ctx(), allowPrivate: false });
      const [refused] = await attemptsOf(deliveryId);
      expect(refused).toMatchObject({ success: false, responseStatus: null, attemptNumber: 1 });
      expect(refused!.error).toBe('Refused to connect: 127.0.0.1 is not a public address');
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('reaches a loopback receiver when private addresses are allowed', async () => {
    const path = `/${newId('wh')}/private-allowed`;
    const deliveryId = await deliveryTo(receiver.url + path);
    await deliverBatch([{ deliveryId, trigger: 'manual' }], { ...ctx(), allowPrivate: true });
    expect((await attemptsOf(deliveryId))[0]).toMatchObject({ success: true, responseStatus: 200, trigger: 'manual' });
    expect(at(path).map((r) => r.headers['x-kazinex-delivery'])).toEqual([deliveryId]);
  });
});

describe('attempts that were under way together', () => {
  const ctx = () => ({ timeoutMs: TIMEOUT_MS, encryptionKey: env().KAZINEX_ENCRYPTION_KEY, retrySchedule: [3600], allowPrivate: true });
  /** A delivery with no job, and a way to make an attempt of it as one run of the worker would. */
  async function twoRuns(name: string) {
    const org = await createOrganisation();
    const path = `/${org.organisationId}/${name}`;
    const webhook = await createWebhook(org.organisationId, { url: receiver.url + path });
    const deliveryId = await unqueuedDelivery(org, webhook.id);
    const run = async (trigger: 'automatic' | 'manual') =>
      makeAttempts(planAttempts([{ deliveryId, trigger, attempt: trigger === 'automatic' ? 1 : undefined }], await loadDeliveries([deliveryId]), new AutomaticAttemptsInFlight()), ctx());
    return { path, webhook, deliveryId, run };
  }

  it('the same automatic attempt made by two runs of its job moves the delivery on once, whichever records first', async () => {
    const { path, webhook, deliveryId, run } = await twoRuns('twice');
    // Two runs that both loaded the delivery before either recorded (a job that expired and ran again).
    const [first, second] = await Promise.all([run('automatic'), run('automatic')]);
    expect(at(path)).toHaveLength(2);
    await recordAttempts(first!);
    await recordAttempts(second!);

    expect(await attemptsOf(deliveryId)).toHaveLength(1);
    expect(await deliveryById(deliveryId)).toMatchObject({ attemptCount: 1, status: 'succeeded' });
    const [row] = await getDb().select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(row!.lastDeliveryStatus).toBe('success');
  });

  it('a manual Retry recorded before the automatic attempt it overtook does not hide that attempt', async () => {
    const { path, deliveryId, run } = await twoRuns('overtaken');
    const [automatic, manual] = await Promise.all([run('automatic'), run('manual')]);
    expect(at(path)).toHaveLength(2);
    await recordAttempts(manual!);
    await recordAttempts(automatic!);

    expect((await attemptsOf(deliveryId)).map((a) => [a.attemptNumber, a.trigger])).toEqual([
      [1, 'manual'],
      [2, 'automatic'],
    ]);
    expect(await deliveryById(deliveryId)).toMatchObject({ attemptCount: 2 });
  });
});

describe('waking the worker', () => {
  it('fetches in the slowed lane no more for publishes to answering endpoints than its polling does', async () => {
    const org = await createOrganisation();
    const path = `/${org.organisationId}/woken`;
    await createWebhook(org.organisationId, { url: receiver.url + path, events: ['workflow.completed'] });
    const fetches = async (lane: string) => {
      const metrics = await scrape(`${worker.healthUrl}/metrics`);
      return ['empty', 'jobs'].reduce((n, result) => n + valueOf(metrics, 'kazinex_job_fetches_total', { queue: QUEUES.deliveries, lane, result }), 0);
    };
    const events = 40;
    const [slowedBefore, answeringBefore] = [await fetches('slowed'), await fetches('answering')];
    const started = performance.now();
    // One at a time, each committing its own NOTIFY and each delivered before the next.
    for (let i = 0; i < events; i++) {
      const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
      if (!published.ok) throw new Error('publish failed');
      await receiver.waitFor(() => at(path).length >= i + 1);
    }
    const seconds = (performance.now() - started) / 1000;
    const [slowed, answering] = [(await fetches('slowed')) - slowedBefore, (await fetches('answering')) - answeringBefore];
    // Each publish and each recorded job used to wake the slowed lane too: 2 fetches per event.
    expect(answering).toBeGreaterThanOrEqual(events);
    expect(slowed).toBeLessThanOrEqual(Math.ceil(seconds) + 3);
    expect(slowed).toBeLessThan(events);
  });
});

// Last: it stops the worker this file shares.
describe('stopping the worker', () => {
  it('on SIGTERM lets the attempt in flight finish and records it before exiting', async () => {
    const { deliveryId, path } = await deliverOne('in-flight', 'hang');
    await receiver.waitFor(() => at(path).length >= 1);
    const exitCode = await worker.stop();
    expect(exitCode).toBe(0);
    // Read once, not awaited: the worker recorded the attempt before it exited.
    const [attempt] = await attemptsOf(deliveryId);
    expect(attempt).toMatchObject({ success: false, error: `Timed out after ${TIMEOUT_MS} ms waiting for the response` });
  });
});
