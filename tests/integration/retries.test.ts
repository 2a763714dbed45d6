import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { GONE_REASON } from '@/lib/webhooks/deliver/failure-tracking';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { reEnableWebhook, replaySkipped } from '@/lib/webhooks/manage/re-enable';
import { retryDelivery, retryFailedSince } from '@/lib/webhooks/manage/retry';
import { sendTestEvent } from '@/lib/webhooks/publish/test-event';
import { getWebhookHealth } from '@/lib/webhooks/read/webhook-health';
import { attemptsOf, deliveryById, jobsFor, waitForAttempts } from '../support/deliveries';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver, type ReceivedRequest, type Reply } from '../support/receiver';
import { waitFor } from '../support/wait';
import { startWorker, type RunningWorker } from '../support/worker';

// Retries 1 s apart (±20 %), three of them: a delivery has at most four automatic attempts.
const SCHEDULE = '1,1,1';

let receiver: Receiver;
let worker: RunningWorker;
const answers = new Map<string, (req: ReceivedRequest, nth: number) => Reply>();

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => {
    const answer = answers.get(req.path);
    return answer ? answer(req, at(req.path).length) : { status: 200, body: 'ok' };
  });
  worker = await startWorker({ WEBHOOKS_RETRY_SCHEDULE: SCHEDULE, WEBHOOKS_TIMEOUT_MS: '2000' });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const at = (path: string) => receiver.requests.filter((r) => r.path === path);

/** A webhook on its own receiver path answering with `answer` (given the request and how many came so far, this one included). */
async function webhookAnswering(name: string, answer: (req: ReceivedRequest, nth: number) => Reply) {
  const org = await createOrganisation();
  const path = `/${org.organisationId}/${name}`;
  answers.set(path, answer);
  const webhook = await createWebhook(org.organisationId, { url: receiver.url + path, events: ['workflow.completed'] });
  const publish = async () => {
    const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
    if (!published.ok) throw new Error('publish failed');
    return published.deliveryIds[0]!;
  };
  return { org, path, webhook, publish };
}

const waitForStatus = (deliveryId: string, status: string, timeoutMs = 15_000) =>
  waitFor(async () => ((await deliveryById(deliveryId))?.status === status ? deliveryById(deliveryId) : null), `delivery ${deliveryId} ${status}`, timeoutMs);

describe('automatic retries', () => {
  it('a receiver failing twice then answering 200 ends succeeded after three attempts, same id and body each time', async () => {
    const { path, publish } = await webhookAnswering('flaky', (_req, nth) => (nth <= 2 ? { status: 500 } : { status: 200 }));
    const deliveryId = await publish();
    const delivery = await waitForStatus(deliveryId, 'succeeded');
    expect(delivery).toMatchObject({ attemptCount: 3, nextAttemptAt: null, lastResponseStatus: 200 });
    const attempts = await attemptsOf(deliveryId);
    expect(attempts.map((a) => [a.attemptNumber, a.trigger, a.success])).toEqual([
      [1, 'automatic', false],
      [2, 'automatic', false],
      [3, 'automatic', true],
    ]);
    const received = at(path);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['x-kazinex-delivery']))).toEqual(new Set([deliveryId]));
    expect(received.every((r) => r.body.equals(received[0]!.body))).toBe(true);
  });

  it('one always failing shows its next attempt while retrying and ends failed after four attempts', async () => {
    const { path, publish } = await webhookAnswering('down', () => ({ status: 500, body: 'down' }));
    const deliveryId = await publish();
    const [first] = await waitForAttempts(deliveryId, 1);
    const retrying = await waitForStatus(deliveryId, 'retrying');
    expect(retrying!.nextAttemptAt).not.toBeNull();
    const wait = retrying!.nextAttemptAt!.getTime() - first!.completedAt.getTime();
    expect(wait).toBeGreaterThanOrEqual(800);
    expect(wait).toBeLessThanOrEqual(1200);

    const failed = await waitForStatus(deliveryId, 'failed');
    expect(failed).toMatchObject({ attemptCount: 4, nextAttemptAt: null });
    expect((await attemptsOf(deliveryId)).map((a) => a.success)).toEqual([false, false, false, false]);
    expect(at(path)).toHaveLength(4);
  });

  it('a 429 with Retry-After: 2 waits as told before the next attempt', async () => {
    const { path, publish } = await webhookAnswering('throttled', (_req, nth) =>
      nth === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 },
    );
    const deliveryId = await publish();
    await waitForStatus(deliveryId, 'succeeded');
    const [first, second] = at(path);
    // Asked for 2 s; the schedule says 1 s, and Retry-After is honoured up to twice that.
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2_000 - 50);
  });

  it('a manual Retry of a retrying delivery replaces its scheduled attempt instead of adding one', async () => {
    const { path, publish, org } = await webhookAnswering('replaced', (_req, nth) => (nth === 1 ? { status: 500 } : { status: 200 }));
    const deliveryId = await publish();
    await waitForStatus(deliveryId, 'retrying', 5_000);
    expect(await retryDelivery(org.organisationId, deliveryId)).toEqual({ deliveryId });
    await waitForStatus(deliveryId, 'succeeded');
    // Both jobs, the manual one and the scheduled retry it replaced, have run.
    await waitFor(async () => {
      const rows = await getDb().execute<{ n: number }>(
        sql`select count(*)::int as n from pgboss.job where data->'deliveryIds' ? ${deliveryId}::text and state <> 'completed'`,
      );
      return rows[0]!.n === 0;
    }, 'every job of the delivery to finish');
    expect((await attemptsOf(deliveryId)).map((a) => [a.attemptNumber, a.trigger])).toEqual([
      [1, 'automatic'],
      [2, 'manual'],
    ]);
    expect(at(path)).toHaveLength(2);
  });

  it('does not retry a test event: the admin sees its one outcome', async () => {
    const { path, webhook, org } = await webhookAnswering('test-down', () => ({ status: 500 }));
    const sent = await sendTestEvent(org.organisationId, webhook.id, 'workflow.completed');
    if (!sent.ok) throw new Error(sent.message);
    const delivery = await waitForStatus(sent.deliveryId, 'failed', 5_000);
    expect(delivery).toMatchObject({ attemptCount: 1, nextAttemptAt: null });
    expect(await jobsFor([sent.deliveryId])).toBe(1);
    expect(at(path)).toHaveLength(1);
  });
});

describe('disabling on 410 Gone', () => {
  it('disables the webhook with its reason, keeps later events as skipped, and Re-enable then Replay skipped sends them', async () => {
    let gone = true;
    const { org, webhook, path, publish } = await webhookAnswering('gone', () => (gone ? { status: 410, body: 'gone' } : { status: 200 }));
    const first = await publish();
    const row = await waitFor(async () => {
      const [w] = await getDb().select().from(webhooks).where(eq(webhooks.id, webhook.id));
      return w?.disabledReason ? w : null;
    }, 'the webhook to be disabled');
    expect(row).toMatchObject({ disabledReason: GONE_REASON, consecutiveFailures: 1 });
    expect(row.disabledAt).not.toBeNull();
    // Its scheduled retry finds the webhook disabled and keeps the delivery as skipped, unsent.
    expect(await waitForStatus(first, 'skipped', 5_000)).toMatchObject({ attemptCount: 1 });
    expect(at(path)).toHaveLength(1);

    const meanwhile = [await publish(), await publish()];
    for (const id of meanwhile) expect(await deliveryById(id)).toMatchObject({ status: 'skipped', attemptCount: 0 });
    expect(await jobsFor(meanwhile)).toBe(0);
    expect((await getWebhookHealth(org.organisationId, [webhook.id]))[webhook.id]).toMatchObject({
      health: 'disabled',
      disabledReason: GONE_REASON,
      skippedCount: 3,
    });

    const other = await createOrganisation();
    expect(await reEnableWebhook(other.organisationId, webhook.id)).toBeNull();
    expect(await replaySkipped(other.organisationId, webhook.id)).toBeNull();
    expect(await replaySkipped(org.organisationId, webhook.id)).toBe(0); // still disabled: nothing to send to

    gone = false;
    expect(await reEnableWebhook(org.organisationId, webhook.id)).toEqual({ webhookId: webhook.id });
    expect(await replaySkipped(org.organisationId, webhook.id)).toBe(3);
    for (const id of [first, ...meanwhile]) await waitForStatus(id, 'succeeded');
    expect(at(path).map((r) => r.headers['x-kazinex-delivery']).sort()).toEqual([first, first, ...meanwhile].sort());
    expect((await attemptsOf(first)).map((a) => [a.attemptNumber, a.success])).toEqual([
      [1, false],
      [2, true],
    ]);
    const health = (await getWebhookHealth(org.organisationId, [webhook.id]))[webhook.id];
    // Re-enabled and delivering again, but one of the day's four attempts failed: below the Degraded threshold.
    expect(health).toMatchObject({ health: 'degraded', disabledReason: null, consecutiveFailedDeliveries: 0, skippedCount: 0, attempts24h: 4 });
    expect(health!.successRate24h).toBeCloseTo(3 / 4);
    expect(health!.p50DurationMs24h).not.toBeNull();
  });
});

describe('Retry failed since', () => {
  it('re-sends the failed deliveries created after the chosen time, as manual attempts', async () => {
    let up = false;
    const { org, webhook, path, publish } = await webhookAnswering('later', () => (up ? { status: 200 } : { status: 500 }));
    const older = await publish();
    const since = new Date();
    const newer = await publish();
    await Promise.all([waitForStatus(older, 'failed'), waitForStatus(newer, 'failed')]);

    up = true;
    expect(await retryFailedSince((await createOrganisation()).organisationId, webhook.id, since)).toBeNull();
    expect(await retryFailedSince(org.organisationId, webhook.id, since)).toBe(1);
    await waitForStatus(newer, 'succeeded');
    expect((await attemptsOf(newer)).at(-1)).toMatchObject({ trigger: 'manual', success: true });
    expect(await deliveryById(older)).toMatchObject({ status: 'failed', attemptCount: 4 });
    expect(at(path).filter((r) => r.headers['x-kazinex-delivery'] === older)).toHaveLength(4);
  });
});
