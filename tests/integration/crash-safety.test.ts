import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries } from '@/db/schema';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { publishEvents } from '@/lib/webhooks/publish/publish';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { startWorker, type RunningWorker } from '../support/worker';

// Jobs of a dead worker expire 4 s after they started and are looked for every second.
const WORKER_ENV = { WEBHOOKS_TIMEOUT_MS: '2000', WEBHOOKS_JOB_EXPIRE_SECONDS: '4', WEBHOOKS_WORKER_SUPERVISE_SECONDS: '1' };
const DELIVERIES = 1_000;

let receiver: Receiver;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  // Slow enough answers that the worker is mid-attempt on many deliveries when it is killed.
  receiver = await startReceiver({ status: 200, delayMs: 300 });
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

describe('crash safety', { timeout: 90_000 }, () => {
  it('a worker killed with SIGKILL mid-attempt loses no delivery: a new worker finishes all, never with a different body', async () => {
    const first = await startWorker(WORKER_ENV);
    workers.push(first);
    const org = await createOrganisation();
    const webhooks = await Promise.all([0, 1, 2, 3].map((i) => createWebhook(org.organisationId, { url: `${receiver.url}/crash-${i}`, events: ['workflow.completed'] })));
    const published = await publishEvents(
      Array.from({ length: DELIVERIES / webhooks.length }, () => ({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData })),
    );
    if (!published.ok) throw new Error('publish failed');
    const ids = published.events.flatMap((e) => e.deliveryIds);
    expect(ids).toHaveLength(DELIVERIES);

    await receiver.waitFor((all) => all.length >= 100, 10_000);
    await first.kill();
    const receivedBeforeKill = receiver.requests.length;

    const second = await startWorker(WORKER_ENV);
    workers.push(second);
    await waitFor(
      async () => {
        const [done] = await getDb()
          .select({ n: sql<number>`count(*)::int` })
          .from(deliveries)
          .where(and(inArray(deliveries.id, ids), eq(deliveries.status, 'succeeded')));
        return done!.n === DELIVERIES;
      },
      'every delivery to succeed',
      25_000,
      200,
    );

    const ours = new Set(ids);
    const received = receiver.requests.filter((r) => ours.has(String(r.headers['x-kazinex-delivery'])));
    const bodies = new Map<string, Set<string>>();
    for (const r of received) {
      const id = String(r.headers['x-kazinex-delivery']);
      (bodies.get(id) ?? bodies.set(id, new Set()).get(id)!).add(r.body.toString('utf8'));
    }
    expect(bodies.size).toBe(DELIVERIES);
    expect([...bodies.values()].every((set) => set.size === 1)).toBe(true);
    const duplicates = received.length - DELIVERIES;
    console.log(`crash safety: ${receivedBeforeKill} requests before the kill; ${duplicates} duplicate receipts of ${DELIVERIES} deliveries`);
  });

  it('two workers on one database share the work, each delivery sent once', async () => {
    while (workers.length > 0) await workers.pop()!.stop();
    const [a, b] = await Promise.all([startWorker(WORKER_ENV), startWorker(WORKER_ENV)]);
    workers.push(a!, b!);
    receiver.reply({ status: 200, delayMs: 20 });
    const org = await createOrganisation();
    const hooks = await Promise.all([0, 1, 2, 3].map((i) => createWebhook(org.organisationId, { url: `${receiver.url}/shared-${i}`, events: ['workflow.completed'] })));
    const published = await publishEvents(
      Array.from({ length: 100 }, () => ({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData })),
    );
    if (!published.ok) throw new Error('publish failed');
    const ids = new Set(published.events.flatMap((e) => e.deliveryIds));
    expect(ids.size).toBe(100 * hooks.length);
    await receiver.waitFor((all) => all.filter((r) => ids.has(String(r.headers['x-kazinex-delivery']))).length >= ids.size, 15_000);
    await waitFor(
      async () => {
        const [done] = await getDb()
          .select({ n: sql<number>`count(*)::int` })
          .from(deliveries)
          .where(and(inArray(deliveries.id, [...ids]), eq(deliveries.status, 'succeeded')));
        return done!.n === ids.size;
      },
      'every delivery to succeed',
    );
    const received = receiver.requests.filter((r) => ids.has(String(r.headers['x-kazinex-delivery'])));
    expect(received).toHaveLength(ids.size);
  });

  it('a database failure while recording loses nothing and sends no other job again', async () => {
    while (workers.length > 1) await workers.pop()!.stop();
    if (workers.length === 0) workers.push(await startWorker(WORKER_ENV));
    receiver.reply({ status: 200 });
    const org = await createOrganisation();
    const refused = await createWebhook(org.organisationId, { url: `${receiver.url}/refused`, events: ['workflow.completed'] });
    const alongside = await createWebhook(org.organisationId, { url: `${receiver.url}/alongside`, events: ['workflow.completed'] });
    // A real failure inside the recording transaction, for one webhook's attempts only.
    await getDb().execute(
      sql.raw(`
        create function refuse_attempts_${refused.id}() returns trigger language plpgsql as $$
        begin raise exception 'recording refused for this test'; end $$;
        create trigger refuse_attempts_${refused.id} before insert on delivery_attempts
        for each row when (new.webhook_id = '${refused.id}') execute function refuse_attempts_${refused.id}();`),
    );
    try {
      // 100 events: four jobs for each webhook, finishing together, so recordings share transactions.
      const published = await publishEvents(
        Array.from({ length: 100 }, () => ({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData })),
      );
      if (!published.ok) throw new Error('publish failed');
      const ids = published.events.flatMap((e) => e.deliveryIds);
      const rows = await getDb().select().from(deliveries).where(inArray(deliveries.id, ids));
      const toRefused = rows.filter((d) => d.webhookId === refused.id).map((d) => d.id);
      const toAlongside = new Set(rows.filter((d) => d.webhookId === alongside.id).map((d) => d.id));
      const statusOf = async (list: string[]) => getDb().select({ status: deliveries.status, attemptCount: deliveries.attemptCount }).from(deliveries).where(inArray(deliveries.id, list));

      await waitFor(() => workers[0]!.output().includes('jobs failed and will be retried: recording refused for this test'), 'the worker to hand the jobs back');
      await waitFor(async () => (await statusOf([...toAlongside])).every((d) => d.status === 'succeeded'), 'the other webhook\'s deliveries to succeed');
      expect((await statusOf(toRefused)).every((d) => d.status === 'pending' && d.attemptCount === 0)).toBe(true);

      await getDb().execute(sql.raw(`drop trigger refuse_attempts_${refused.id} on delivery_attempts`));
      await waitFor(
        async () => (await statusOf(toRefused)).every((d) => d.status === 'succeeded' && d.attemptCount === 1),
        'the refused deliveries to succeed once recording works again',
        20_000,
        200,
      );
      // The refused ones were sent again by their jobs' re-runs (receivers de-duplicate on
      // X-Kazinex-Delivery); the other webhook's, recorded fine, exactly once each.
      const receipts = (path: string) => receiver.requests.filter((r) => r.path === path).map((r) => String(r.headers['x-kazinex-delivery']));
      expect(receipts('/refused').length).toBeGreaterThan(toRefused.length);
      expect(new Set(receipts('/refused'))).toEqual(new Set(toRefused));
      expect(receipts('/alongside').sort()).toEqual([...toAlongside].sort());
    } finally {
      await getDb().execute(sql.raw(`drop trigger if exists refuse_attempts_${refused.id} on delivery_attempts; drop function if exists refuse_attempts_${refused.id}()`));
    }
  });
});
