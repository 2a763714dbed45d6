import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { BACKLOG_SQL } from '@/lib/observability/backlog';
import { closePublisher, getPublisher, inTransaction, QUEUES } from '@/lib/webhooks/queue/boss';
import { parkAttempts, parkFanouts } from '@/lib/webhooks/queue/parked';
import { createOrganisation, createWebhook, loggedDelivery, UNREACHABLE_LOOPBACK } from '../support/fixtures';

/* The metrics' backlog (observability/backlog.ts), read from queued jobs, parked attempts and fan-outs. */

beforeAll(async () => {
  await getPublisher();
});

afterAll(async () => {
  await closePublisher();
  await closeDb();
});

type Row = { queue_depth: number; oldest_due_age_seconds: number };

class RolledBack extends Error {
  constructor(readonly value: [Row, Row]) {
    super('rolled back');
  }
}

describe('the delivery backlog', () => {
  it('counts the deliveries of due jobs, due parked attempts and fanned-out first attempts, from the longest-waiting one', async () => {
    const org = await createOrganisation();
    const webhookId = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK })).id;
    const ids = await Promise.all(Array.from({ length: 6 }, async () => (await loggedDelivery(org, webhookId, new Date(), 'pending', 0)).deliveryId));
    // An event whose deliveries to three slowed-down endpoints the release has still to make.
    const { eventId } = await loggedDelivery(org, webhookId, new Date(), 'pending', 0);
    const fannedOut = Array.from({ length: 3 }, (_, i) => ({ webhookId, deliveryId: `dlv_fanned_out_${i}` }));
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    const boss = await getPublisher();
    // One snapshot for both readings, so other tests' jobs cannot move the figures in between;
    // rolled back, so a worker never takes these jobs.
    const [before, after] = await getDb()
      .transaction(async (tx) => {
        await tx.execute(sql`set transaction isolation level repeatable read`);
        const read = async () => (await tx.execute<Row>(sql.raw(BACKLOG_SQL)))[0]!;
        const first = await read();
        await boss.insert(
          QUEUES.deliveries,
          [
            { data: { deliveryIds: ids.slice(0, 3), trigger: 'automatic' }, startAfter: ago(60) },
            // Not due yet: not waiting.
            { data: { deliveryIds: [ids[3]], trigger: 'automatic' }, startAfter: new Date(Date.now() + 60_000) },
          ],
          { db: inTransaction(tx) },
        );
        await parkAttempts(tx, [
          { deliveryId: ids[4]!, webhookId, attempt: 2, dueAt: ago(600) },
          { deliveryId: ids[5]!, webhookId, attempt: 2, dueAt: new Date(Date.now() + 60_000) },
        ]);
        await parkFanouts(tx, [{ eventId, targets: fannedOut }]);
        throw new RolledBack([first, await read()]);
      })
      .catch((err: unknown) => {
        if (err instanceof RolledBack) return err.value;
        throw err;
      });
    expect(after.queue_depth - before.queue_depth).toBe(4 + fannedOut.length);
    expect(after.oldest_due_age_seconds).toBeGreaterThanOrEqual(599);
  });
});
