import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, webhooks, type DeliveryStatus } from '@/db/schema';
import { LAG_AFTER_MS } from '@/lib/webhooks/core/slowdown';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { SLOWED_PRIORITY } from '@/lib/webhooks/queue/enqueue';
import { publishEvent, publishEvents } from '@/lib/webhooks/publish/publish';
import { jobsFor } from '../support/deliveries';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { parseExposition, releaseFigures, scrape } from '../support/prometheus';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { startWorker, type RunningWorker } from '../support/worker';

/*
 * Dead endpoints next to healthy ones, through the real worker and a loopback receiver whose
 * "hang" paths accept requests and never answer.
 */

const TIMEOUT_MS = 4_000;
const PER_WEBHOOK = 4;
const RETRY_SECONDS = 1;

let receiver: Receiver;
let worker: RunningWorker;
/** Hanging paths that answer again. */
const recovered = new Set<string>();

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => {
    if (req.path.startsWith('/hang') && !recovered.has(req.path)) return 'hang';
    if (req.path.startsWith('/slow') && !recovered.has(req.path)) return { status: 200, body: 'ok', delayMs: LAG_AFTER_MS + 700 };
    return { status: 200, body: 'ok', delayMs: req.path.startsWith('/hang') ? 300 : 0 };
  });
  worker = await startWorker({
    WEBHOOKS_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOKS_RETRY_SCHEDULE: `${RETRY_SECONDS},${RETRY_SECONDS}`,
    WEBHOOKS_WEBHOOK_CONCURRENCY: String(PER_WEBHOOK),
  });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function publish(org: { organisationId: string; projectId: string }) {
  const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
  if (!published.ok) throw new Error('publish failed');
  return published.deliveryIds;
}

async function hangingWebhooks(organisationId: string, count: number) {
  const made = [];
  for (let i = 0; i < count; i++) {
    const path = `/hang/${organisationId}/${i}`;
    made.push({ path, ...(await createWebhook(organisationId, { url: receiver.url + path, events: ['workflow.completed'] })) });
  }
  return made;
}

/** Waits until every one of these deliveries has `status`. */
async function waitForStatus(ids: string[], status: DeliveryStatus, what: string, timeoutMs: number, intervalMs: number) {
  await waitFor(
    async () => {
      // A delivery to a slowed-down or lagging endpoint exists once the release has made it (queue/parked.ts).
      const rows = await getDb().select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, ids));
      return rows.length === ids.length && rows.every((d) => d.status === status);
    },
    what,
    timeoutMs,
    intervalMs,
  );
}

const slowedDown = async (ids: string[]) =>
  (await getDb().select({ id: webhooks.id, slowedReason: webhooks.slowedReason }).from(webhooks).where(inArray(webhooks.id, ids))).filter((w) => w.slowedReason !== null);

describe('endpoints that hang', () => {
  it("50 hanging endpoints do not delay a healthy webhook's deliveries beyond a second, and none gets more than its cap", async () => {
    const org = await createOrganisation();
    const healthyPath = `/healthy/${org.organisationId}`;
    await createWebhook(org.organisationId, { url: receiver.url + healthyPath, events: ['workflow.completed'] });
    const hanging = await hangingWebhooks(org.organisationId, 50);
    const openHanging = () => hanging.reduce((n, h) => n + receiver.open(h.path), 0);

    const publishedAt = new Map<string, number>();
    const hangingOpenOnArrival: number[] = [];
    const events = 15;
    for (let i = 0; i < events; i++) {
      const started = Date.now();
      for (const id of await publish(org)) publishedAt.set(id, started);
      await sleep(200);
      hangingOpenOnArrival.push(openHanging());
    }
    const received = await receiver.waitFor((all) => all.filter((r) => r.path === healthyPath).length >= events, 10_000);
    const latencies = received.filter((r) => r.path === healthyPath).map((r) => r.receivedAt - publishedAt.get(r.headers['x-kazinex-delivery'] as string)!);

    expect(latencies).toHaveLength(events);
    // The hanging load was real: at least one request to each dead endpoint stayed open meanwhile.
    expect(Math.max(...hangingOpenOnArrival)).toBeGreaterThanOrEqual(hanging.length);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    for (const h of hanging) expect(receiver.mostOpen(h.path)).toBeLessThanOrEqual(PER_WEBHOOK);
  });

  it('an endpoint slow to answer is marked lagging while its requests are out, gets all its deliveries at its cap, and a quick answer ends the lag', async () => {
    const org = await createOrganisation();
    const path = `/slow/${org.organisationId}`;
    const webhook = await createWebhook(org.organisationId, { url: receiver.url + path, events: ['workflow.completed'] });
    const laggingSince = async () => (await getDb().select({ since: webhooks.laggingSince }).from(webhooks).where(eq(webhooks.id, webhook.id)))[0]!.since;

    const first = await publish(org);
    await waitFor(async () => (await laggingSince()) !== null, 'the endpoint to be marked lagging', LAG_AFTER_MS * 3, 100);
    // Published while it lags: parked, queued below everyone's as its cap has room, and all sent,
    // never more than its cap at once.
    const burst: string[] = [];
    for (let i = 0; i < PER_WEBHOOK * 2; i++) burst.push(...(await publish(org)));
    await waitForStatus([...first, ...burst], 'succeeded', 'every delivery to succeed', 30_000, 200);
    const priorities = await getDb().execute<{ priority: number }>(sql`select distinct priority from pgboss.job where data->'deliveryIds' ?| ${sql.param(burst)}::text[]`);
    expect(priorities.map((p) => p.priority)).toEqual([SLOWED_PRIORITY]);
    expect(receiver.mostOpen(path)).toBe(PER_WEBHOOK);
    expect(await laggingSince()).not.toBeNull();
    // It was marked while its first request was still out, once that had waited the lag limit.
    const [firstAttempt] = await getDb().select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, first[0]!));
    const markedAfter = (await laggingSince())!.getTime() - firstAttempt!.startedAt.getTime();
    expect(markedAfter).toBeGreaterThanOrEqual(LAG_AFTER_MS - 50);
    expect(markedAfter).toBeLessThan(firstAttempt!.durationMs!);

    recovered.add(path);
    const after = await publish(org);
    await waitForStatus(after, 'succeeded', 'the quick delivery', 10_000, 100);
    expect(await laggingSince()).toBeNull();
  });

  it('sends an endpoint that has never answered one request at a time until it answers, and then up to its cap', async () => {
    const org = await createOrganisation();
    const [dead, alive] = await hangingWebhooks(org.organisationId, 2);
    // This one answers, in 300 ms.
    recovered.add(alive!.path);
    // Apart by half its answer time: each job is fetched on its own, and the second one while the
    // first request is out.
    for (let i = 0; i < 6; i++) {
      await publish(org);
      await sleep(150);
    }
    const toAlive = (await getDb().select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.webhookId, alive!.id))).map((d) => d.id);
    await waitForStatus(toAlive, 'succeeded', 'the answering endpoint to get every delivery', 10_000, 100);
    const arrivals = receiver.requests.filter((r) => r.path === alive!.path).map((r) => r.receivedAt).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(6);
    // The second request went only once the first had its answer; the rest then went together.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(300);
    expect(receiver.mostOpen(alive!.path)).toBeGreaterThan(1);
    expect(receiver.mostOpen(alive!.path)).toBeLessThanOrEqual(PER_WEBHOOK);

    // The one that hangs had one request out all along, past the lag limit and its time-out.
    await waitFor(async () => (await slowedDown([dead!.id])).length === 1, 'the hanging endpoint to slow down', TIMEOUT_MS * 2, 100);
    expect(receiver.mostOpen(dead!.path)).toBe(1);
    const [row] = await getDb().select({ answeredAt: webhooks.answeredAt }).from(webhooks).where(eq(webhooks.id, dead!.id));
    expect(row!.answeredAt).toBeNull();
  });

  it('a slowed-down endpoint gets one request at a time, and every scheduled attempt still happens, on time', async () => {
    const org = await createOrganisation();
    const hanging = await hangingWebhooks(org.organisationId, 5);
    const ids = hanging.map((h) => h.id);
    const deliveryIds = [...(await publish(org)), ...(await publish(org))];
    // The first requests time out, and each endpoint is slowed down.
    await waitFor(async () => (await slowedDown(ids)).length === ids.length, 'every hanging endpoint slowed down', TIMEOUT_MS * 4);
    expect((await slowedDown(ids)).every((w) => w.slowedReason === 'timeout')).toBe(true);
    const metrics = parseExposition(await (await fetch(`${worker.healthUrl}/metrics`)).text());
    expect(metrics.samples.find((m) => m.name === 'kazinex_webhooks_slowed_down')!.value).toBeGreaterThanOrEqual(ids.length);
    await waitFor(() => hanging.every((h) => receiver.open(h.path) <= 1), 'the first requests to time out', TIMEOUT_MS * 2);
    for (const h of hanging) receiver.resetMostOpen(h.path);
    const figures = async () => releaseFigures(await scrape(`${worker.healthUrl}/metrics`));
    const before = await figures();

    for (let i = 0; i < 10; i++) {
      deliveryIds.push(...(await publish(org)));
      await sleep(200);
    }
    // Every delivery runs through its whole schedule (an attempt and two retries) and fails.
    await waitForStatus(deliveryIds, 'failed', 'every delivery to fail after its last retry', 60_000, 200);
    for (const h of hanging) expect(receiver.mostOpen(h.path)).toBeLessThanOrEqual(1);

    const attempts = await getDb()
      .select()
      .from(deliveryAttempts)
      .where(inArray(deliveryAttempts.deliveryId, deliveryIds))
      .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.attemptNumber));
    const byDelivery = new Map<string, typeof attempts>();
    for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
    expect(byDelivery.size).toBe(deliveryIds.length);
    for (const list of byDelivery.values()) {
      expect(list.map((a) => a.attemptNumber)).toEqual([1, 2, 3]);
      // A retry is due RETRY_SECONDS (±20 % jitter) after the attempt before it ended; a held one is recorded then, not later.
      for (let i = 1; i < list.length; i++) {
        const lateMs = list[i]!.startedAt.getTime() - list[i - 1]!.completedAt.getTime() - RETRY_SECONDS * 1200;
        expect(lateMs).toBeLessThan(3_000);
      }
    }
    const errors = attempts.map((a) => a.error ?? '');
    expect(errors.some((e) => e.startsWith('Timed out after'))).toBe(true);
    const held = attempts.filter((a) => a.error?.startsWith('Not sent: endpoint timed out'));
    expect(held.length).toBeGreaterThan(attempts.length / 2);
    expect(held.every((a) => a.requestSignatures === null && a.responseStatus === null)).toBe(true);
    // Every publish since they slowed down left its deliveries to these endpoints to the worker's
    // release, which made them and held back their attempts; its metrics say so.
    const after = await figures();
    expect(after.made - before.made).toBeGreaterThanOrEqual(10 * hanging.length);
    expect(after.held - before.held).toBeGreaterThanOrEqual(10 * hanging.length);
    expect(after.seconds).toBeGreaterThan(before.seconds);
  });

  it("records the attempts held back beside a probe at once, not when the probe's request ends", async () => {
    const org = await createOrganisation();
    const [webhook] = await hangingWebhooks(org.organisationId, 1);
    await getDb().update(webhooks).set({ slowedSince: new Date(), slowedReason: 'timeout', probeUntil: null }).where(eq(webhooks.id, webhook!.id));
    const published = Date.now();
    // Published together: one job of 5 deliveries, of which one is the probe.
    const batch = await publishEvents(Array.from({ length: 5 }, () => ({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData })));
    if (!batch.ok) throw new Error('publish failed');
    const ids = batch.events.flatMap((e) => e.deliveryIds);
    const notSent = async () =>
      (await getDb().select({ error: deliveryAttempts.error }).from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, ids))).filter((a) => a.error?.startsWith('Not sent:'));
    await waitFor(async () => (await notSent()).length === ids.length - 1, 'the held attempts to be recorded', TIMEOUT_MS, 50);
    // The probe is still on the wire, well before its time limit.
    expect(receiver.open(webhook!.path)).toBe(1);
    expect(Date.now() - published).toBeLessThan(TIMEOUT_MS);
    // Their retries are scheduled already.
    const rows = await getDb().select({ status: deliveries.status, next: deliveries.nextAttemptAt }).from(deliveries).where(inArray(deliveries.id, ids));
    expect(rows.filter((r) => r.status === 'retrying' && r.next !== null)).toHaveLength(ids.length - 1);
  });

  it("makes a slowed-down endpoint's attempts that its pause holds without a job: each recorded as not sent, on schedule", async () => {
    const org = await createOrganisation();
    const [webhook] = await hangingWebhooks(org.organisationId, 1);
    // Slowed down, and paused for longer than this test runs.
    await getDb()
      .update(webhooks)
      .set({ slowedSince: new Date(), slowedReason: 'timeout', probeUntil: new Date(Date.now() + 120_000) })
      .where(eq(webhooks.id, webhook!.id));
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await publish(org)));
    // Each runs through its whole schedule (an attempt and two retries), all held back.
    await waitForStatus(ids, 'failed', 'every delivery to fail after its last retry', 20_000, 100);
    const attempts = await getDb().select().from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, ids)).orderBy(asc(deliveryAttempts.startedAt));
    expect(attempts).toHaveLength(ids.length * 3);
    expect(attempts.every((a) => a.error?.startsWith('Not sent: endpoint timed out') && a.requestSignatures === null)).toBe(true);
    expect(receiver.requests.filter((r) => r.path === webhook!.path)).toHaveLength(0);
    // Never a job: parked until due, then recorded by the release.
    expect(await jobsFor(ids)).toBe(0);
    const parked = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from parked_attempts where delivery_id = any(${sql.param(ids)}::text[])`);
    expect(parked[0]!.n).toBe(0);
  });

  it('a slowed-down endpoint that answers again is back at full speed within a minute', async () => {
    const org = await createOrganisation();
    const [webhook] = await hangingWebhooks(org.organisationId, 1);
    await publish(org);
    await waitFor(async () => (await slowedDown([webhook!.id])).length === 1, 'the endpoint slowed down', TIMEOUT_MS * 4);

    recovered.add(webhook!.path);
    const answering = Date.now();
    await waitFor(
      async () => {
        await publish(org);
        return (await slowedDown([webhook!.id])).length === 0;
      },
      'the slow-down to end',
      60_000,
      250,
    );
    expect(Date.now() - answering).toBeLessThan(60_000);

    // Full speed: several requests in flight at once again (each answer takes 300 ms here).
    receiver.resetMostOpen(webhook!.path);
    const burst: string[] = [];
    for (let i = 0; i < 8; i++) burst.push(...(await publish(org)));
    await waitForStatus(burst, 'succeeded', 'the burst to be delivered', 15_000, 100);
    expect(receiver.mostOpen(webhook!.path)).toBeGreaterThan(1);
    const [row] = await getDb().select({ probeUntil: webhooks.probeUntil }).from(webhooks).where(eq(webhooks.id, webhook!.id));
    expect(row!.probeUntil).toBeNull();
  });
});
