import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { migrationsFolder } from '@/db/migrate';
import { env } from '@/lib/env';
import { DURATION_COLUMNS } from '@/lib/webhooks/core/duration-buckets';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { closePublisher, getPublisher } from '@/lib/webhooks/queue/boss';
import { getWebhookCharts } from '@/lib/webhooks/read/webhook-chart';
import { getWebhookHealth } from '@/lib/webhooks/read/webhook-health';
import { deliverBatch } from '../support/deliver-batch';
import { createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { unqueuedDelivery } from '../support/unqueued';

const HOUR = 60 * 60 * 1000;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => {
    if (req.path.endsWith('/slow')) return { status: 200, delayMs: 300 };
    if (req.path.endsWith('/hang')) return 'hang';
    return req.path.includes('/down') ? { status: 500 } : { status: 200 };
  });
  await getPublisher();
});
afterAll(async () => {
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

/** The engine on a clock the test sets; no retries, so an automatic attempt that fails ends its delivery. */
const ctxAt = (now: Date): DeliveryContext => ({
  timeoutMs: 1_000,
  allowPrivate: true,
  encryptionKey: env().KAZINEX_ENCRYPTION_KEY,
  retrySchedule: [],
  now: () => now,
});

type Org = Awaited<ReturnType<typeof createOrganisation>>;

async function send(org: Org, webhookId: string, at: Date, count: number, trigger: 'automatic' | 'manual' | 'test' = 'automatic') {
  const ids = await Promise.all(Array.from({ length: count }, () => unqueuedDelivery(org, webhookId)));
  await deliverBatch(
    ids.map((deliveryId) => ({ deliveryId, trigger, ...(trigger === 'automatic' ? { attempt: 1 } : {}) })),
    ctxAt(at),
  );
  return ids;
}

async function setUrl(webhookId: string, url: string) {
  await getDb().execute(sql`update webhooks set url = ${url} where id = ${webhookId}`);
}

const statsOf = (webhookId: string) =>
  getDb().execute<Record<string, unknown>>(sql`select * from webhook_hourly_stats where webhook_id = ${webhookId} order by hour, event_type, is_test`);

const COLUMNS = ['webhook_id', 'organisation_id', 'hour', 'event_type', 'is_test', 'attempts', 'successes', 'failures', 'timeouts', 'duration_total_ms', ...DURATION_COLUMNS];

/** The migration's backfill aggregation, run on one webhook's attempts as they are now. */
function backfillOf(webhookId: string) {
  const migration = readFileSync(path.join(migrationsFolder, '0008_webhook_statistics.sql'), 'utf8');
  const select = migration.slice(migration.indexOf('SELECT a.webhook_id'), migration.indexOf('GROUP BY 1, 2, 3, 4, 5'));
  return getDb().execute<Record<string, unknown>>(sql`
    select * from (${sql.raw(select)} where a.webhook_id = ${webhookId} group by 1, 2, 3, 4, 5)
      as b(${sql.raw(COLUMNS.join(', '))})
    order by hour, event_type, is_test`);
}

describe('hourly webhook statistics', () => {
  it('counts every recorded attempt in its hour as the recording happens, exactly as the backfill computes them', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/stats/up`, events: ['workflow.completed'] });
    const now = new Date();
    const earlier = new Date(now.getTime() - 3 * HOUR);

    await send(org, webhook.id, earlier, 3);
    await setUrl(webhook.id, `${receiver.url}/stats/down`);
    await send(org, webhook.id, earlier, 2);
    await send(org, webhook.id, now, 1, 'test');
    await setUrl(webhook.id, `${receiver.url}/stats/slow`);
    await send(org, webhook.id, now, 2);
    await setUrl(webhook.id, `${receiver.url}/stats/hang`);
    await send(org, webhook.id, now, 1);

    const rows = await statsOf(webhook.id);
    expect(rows).toEqual(await backfillOf(webhook.id));
    const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR).toISOString();
    expect(rows.map((r) => [new Date(r.hour as string).toISOString(), r.is_test, r.attempts, r.successes, r.failures, r.timeouts])).toEqual([
      [hourOf(earlier), false, 5, 3, 2, 0],
      [hourOf(now), false, 3, 2, 1, 1],
      [hourOf(now), true, 1, 0, 1, 0],
    ]);
    // Two of the latest hour's attempts waited 300 ms for the answer, the other gave up at the 1 s timeout.
    expect(rows[1]).toMatchObject({ duration_le_100: 0, duration_le_250: 0, duration_le_500: 2 });
    expect(DURATION_COLUMNS.slice(3).map((c) => rows[1]![c] as number)).toContain(1);

    const health = (await getWebhookHealth(org.organisationId, [webhook.id], { now }))[webhook.id]!;
    expect(health).toMatchObject({ attempts24h: 8, timeouts24h: 1, p50DurationMs24h: expect.any(Number), consecutiveFailedDeliveries: 1 });
    expect(health.successRate24h).toBeCloseTo(5 / 8);
    expect(health.health).toBe('failing');
    expect(await getWebhookHealth((await createOrganisation()).organisationId, [webhook.id], { now })).toEqual({});

    const charts = await getWebhookCharts(org.organisationId, webhook.id, { now });
    expect(charts.day).toHaveLength(24);
    expect(charts.day.at(-1)).toMatchObject({ attempts: 3, successes: 2 });
    expect(charts.day.at(-4)).toMatchObject({ attempts: 5, successes: 3 });
    expect(charts.week.at(-1)).toMatchObject({ attempts: 8, successes: 5 });
    expect(charts.week.slice(0, 6).every((p) => p.attempts === 0)).toBe(true);
  });

  it('adds up batches recorded at the same time for the same hour', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/stats/concurrent`, events: ['workflow.completed'] });
    const now = new Date();
    await Promise.all(Array.from({ length: 6 }, () => send(org, webhook.id, now, 5)));
    const [row] = await statsOf(webhook.id);
    expect(row).toMatchObject({ attempts: 30, successes: 30 });
  });

  it('counts failed deliveries, not attempts, and starts again at a success', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/streak/down`, events: ['workflow.completed'] });
    const t = new Date();
    const health = async () => (await getWebhookHealth(org.organisationId, [webhook.id], { now: t }))[webhook.id]!;

    await send(org, webhook.id, t, 3);
    // Manual retries and test events that fail do not end a delivery's automatic attempts.
    await send(org, webhook.id, t, 2, 'manual');
    await send(org, webhook.id, t, 1, 'test');
    expect(await health()).toMatchObject({ consecutiveFailedDeliveries: 3, consecutiveFailures: 5, health: 'failing' });

    await setUrl(webhook.id, `${receiver.url}/streak/up`);
    await send(org, webhook.id, t, 1, 'manual');
    expect(await health()).toMatchObject({ consecutiveFailedDeliveries: 0, consecutiveFailures: 0 });
    await setUrl(webhook.id, `${receiver.url}/streak/down`);
    await send(org, webhook.id, t, 1);
    expect(await health()).toMatchObject({ consecutiveFailedDeliveries: 1, consecutiveFailures: 1, health: 'failing' });
  });

  it('says No deliveries yet for a new webhook, and Healthy once it delivers', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/new/up`, events: ['workflow.completed'] });
    const t = new Date();
    expect((await getWebhookHealth(org.organisationId, [webhook.id], { now: t }))[webhook.id]).toMatchObject({ health: 'no-deliveries', attempts24h: 0 });
    await send(org, webhook.id, t, 2);
    expect((await getWebhookHealth(org.organisationId, [webhook.id], { now: t }))[webhook.id]).toMatchObject({ health: 'healthy', successRate24h: 1 });
  });
});
