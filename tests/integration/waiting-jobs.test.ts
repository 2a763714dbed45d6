import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, webhooks } from '@/db/schema';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { closePublisher, QUEUES } from '@/lib/webhooks/queue/boss';
import { SLOWED_GATHER_MS } from '@/lib/webhooks/queue/enqueue';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { completedData, createOrganisation, createWebhook, UNREACHABLE_LOOPBACK } from '../support/fixtures';
import { startReceiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { startWorker } from '../support/worker';

/*
 * New deliveries join a webhook's waiting job instead of making a job per event (queue/enqueue.ts),
 * so an endpoint held at its cap does not fill the queue with jobs the fetch has to read past.
 * No worker runs in the first tests: every job stays waiting until they have looked at it.
 */

afterAll(async () => {
  await closePublisher();
  await closeDb();
});

type WaitingJob = { id: string; state: string; ids: string[]; startAfter: Date; createdOn: Date };

/** The delivery jobs that hold any of these deliveries. */
async function jobsOf(deliveryIds: string[]): Promise<WaitingJob[]> {
  const rows = await getDb().execute<{ id: string; state: string; ids: string[]; start_after: string; created_on: string }>(sql`
    select id, state, array(select jsonb_array_elements_text(data->'deliveryIds')) as ids, start_after, created_on
    from pgboss.job where name = ${QUEUES.deliveries} and data->'deliveryIds' ?| ${sql.param(deliveryIds)}::text[]
    order by created_on`);
  return rows.map((r) => ({ id: r.id, state: r.state, ids: r.ids, startAfter: new Date(r.start_after), createdOn: new Date(r.created_on) }));
}

async function aWebhook(url = UNREACHABLE_LOOPBACK) {
  const org = await createOrganisation();
  const webhook = await createWebhook(org.organisationId, { url, events: ['workflow.completed'] });
  const publish = async (options: Parameters<typeof publishEvent>[1] = {}) => {
    const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData }, options);
    if (!published.ok) throw new Error('publish failed');
    return published.deliveryIds;
  };
  return { org, webhookId: webhook.id, publish };
}

describe('deliveries joining a waiting job', () => {
  it(`puts events published one at a time into jobs of up to ${DELIVERIES_PER_JOB}, each delivery in exactly one`, async () => {
    const { publish } = await aWebhook();
    const events = DELIVERIES_PER_JOB * 2 + 7;
    const ids: string[] = [];
    for (let i = 0; i < events; i++) ids.push(...(await publish()));

    const jobs = await jobsOf(ids);
    expect(jobs.map((j) => j.ids.length)).toEqual([DELIVERIES_PER_JOB, DELIVERIES_PER_JOB, 7]);
    expect(jobs.flatMap((j) => j.ids).sort()).toEqual([...ids].sort());
  });

  it('never joins a job that a fetch holds or that has started, and waits for neither', async () => {
    const { publish } = await aWebhook();
    const [first] = await publish();
    const [waiting] = await jobsOf([first!]);

    // A fetch in progress: the row is locked by another transaction until it commits.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const fetching = getDb().transaction(async (tx) => {
      await tx.execute(sql`select id from pgboss.job where name = ${QUEUES.deliveries} and id = ${waiting!.id} for update`);
      locked();
      await held;
    });
    await isLocked;
    const [duringFetch] = await publish();
    release();
    await fetching;

    await getDb().execute(sql`update pgboss.job set state = 'active', started_on = now() where name = ${QUEUES.deliveries} and id = ${waiting!.id}`);
    const [afterStart] = await publish();

    const jobs = await jobsOf([first!, duringFetch!, afterStart!]);
    expect(jobs.find((j) => j.id === waiting!.id)!.ids).toEqual([first]);
    // Both later deliveries went elsewhere; the second joined the job the first one made.
    const others = jobs.filter((j) => j.id !== waiting!.id);
    expect(others.flatMap((j) => j.ids).sort()).toEqual([duringFetch, afterStart].sort());
    expect(others).toHaveLength(1);
  });

  it('leaves the waiting job as it was when the publishing transaction rolls back', async () => {
    const { publish } = await aWebhook();
    const [first] = await publish();
    await expect(
      getDb().transaction(async (tx) => {
        await publish({ tx });
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('the caller changed its mind');
    const [job] = await jobsOf([first!]);
    expect(job!.ids).toEqual([first]);
  });

  it("gives a slowed-down endpoint's new deliveries a second to gather in one job", async () => {
    const { webhookId, publish } = await aWebhook();
    await getDb().update(webhooks).set({ slowedSince: new Date(), slowedReason: 'timeout' }).where(eq(webhooks.id, webhookId));
    const ids = [...(await publish()), ...(await publish()), ...(await publish())];
    const jobs = await jobsOf(ids);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.ids.sort()).toEqual([...ids].sort());
    const gather = jobs[0]!.startAfter.getTime() - jobs[0]!.createdOn.getTime();
    expect(gather).toBeGreaterThanOrEqual(SLOWED_GATHER_MS - 50);
    expect(gather).toBeLessThan(SLOWED_GATHER_MS + 1_000);
  });

  it('delivers every delivery of a joined job once, through the real worker', async () => {
    const receiver = await startReceiver();
    receiver.reply(() => ({ status: 200, body: 'ok', delayMs: 200 }));
    const { publish } = await aWebhook(`${receiver.url}/joined`);
    const ids: string[] = [];
    // Published before the worker starts, so they wait and join each other's jobs.
    for (let i = 0; i < DELIVERIES_PER_JOB + 5; i++) ids.push(...(await publish()));
    expect((await jobsOf(ids)).length).toBe(2);
    const worker = await startWorker();
    try {
      // And more while it runs: some join jobs still waiting for the webhook's cap.
      for (let i = 0; i < 40; i++) ids.push(...(await publish()));
      await waitFor(
        async () => (await getDb().select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, ids))).every((d) => d.status === 'succeeded'),
        'every delivery to succeed',
        20_000,
        100,
      );
      const received = receiver.requests.filter((r) => r.path === '/joined').map((r) => r.headers['x-kazinex-delivery']);
      expect(received.sort()).toEqual([...ids].sort());
      const attempts = await getDb().select({ deliveryId: deliveryAttempts.deliveryId }).from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, ids));
      expect(attempts).toHaveLength(ids.length);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});
