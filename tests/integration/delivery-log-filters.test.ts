import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, events } from '@/db/schema';
import { env } from '@/lib/env';
import { newId } from '@/lib/ids';
import { buildEventBody } from '@/lib/webhooks/core/envelope';
import { deliveryLogQuerySchema } from '@/lib/webhooks/core/delivery-log-query';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { closePublisher, getPublisher } from '@/lib/webhooks/queue/boss';
import { countDeliveryAttempts, listDeliveryAttempts, type DeliveryLogFilters, type DeliveryLogRow } from '@/lib/webhooks/read/delivery-log';
import { deliverBatch } from '../support/deliver-batch';
import { createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';

const DAY = 24 * 60 * 60 * 1000;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => (req.path.includes('/down') ? { status: 500 } : { status: 200 }));
  await getPublisher();
});
afterAll(async () => {
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const ctxAt = (now: Date): DeliveryContext => ({ timeoutMs: 2_000, allowPrivate: true, encryptionKey: env().KAZINEX_ENCRYPTION_KEY, retrySchedule: [], now: () => now });

type Org = Awaited<ReturnType<typeof createOrganisation>>;

/** A workflow.completed event about one document, and its delivery to the webhook, with no job. */
async function deliveryAbout(org: Org, webhookId: string, documentNumber: string, workflowId: string): Promise<string> {
  const eventId = newId('evt');
  const deliveryId = newId('dlv');
  const occurredAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const data = { workflow_id: workflowId, document_id: 'doc_100', document_number: documentNumber, status: 'completed', outcome: 'approved' };
  const body = buildEventBody({ type: 'workflow.completed', occurredAt, organisationId: org.organisationId, projectId: org.projectId, data });
  await getDb().insert(events).values({ id: eventId, organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', occurredAt, body });
  await getDb().insert(deliveries).values({ id: deliveryId, organisationId: org.organisationId, eventId, webhookId, eventType: 'workflow.completed' });
  return deliveryId;
}

const attemptAt = (ids: string[], at: Date, trigger: 'automatic' | 'manual' = 'automatic') =>
  deliverBatch(
    ids.map((deliveryId) => ({ deliveryId, trigger, ...(trigger === 'automatic' ? { attempt: 1 } : {}) })),
    ctxAt(at),
  );

const setUrl = (webhookId: string, url: string) => getDb().execute(sql`update webhooks set url = ${url} where id = ${webhookId}`);

async function allRows(organisationId: string, webhookId: string, filters: DeliveryLogFilters = {}) {
  const rows: DeliveryLogRow[] = [];
  let before: string | undefined;
  do {
    const page = await listDeliveryAttempts(organisationId, webhookId, { ...filters, before, limit: 2 });
    if (!page) throw new Error('no log');
    rows.push(...page.rows);
    before = page.nextCursor ?? undefined;
  } while (before);
  return rows;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

describe('Delivery Log filters', () => {
  it('searches by document number, workflow id and delivery id, limits to a range of days, and totals what it shows', async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/log/down`, events: ['workflow.completed'] });
    const now = new Date();
    const earlier = new Date(now.getTime() - 3 * DAY);

    const failedEarlier = [await deliveryAbout(org, webhook.id, 'STR-DWG-0001', 'wf_alpha'), await deliveryAbout(org, webhook.id, 'STR-DWG-0002', 'wf_beta')];
    await attemptAt(failedEarlier, earlier);
    await setUrl(webhook.id, `${receiver.url}/log/up`);
    const later = [await deliveryAbout(org, webhook.id, 'STR-DWG-0003', 'wf_alpha'), await deliveryAbout(org, webhook.id, 'MEC-SPC-0009', 'wf_gamma')];
    await attemptAt(later, now);
    // A Retry of the first failed delivery succeeds today.
    await attemptAt([failedEarlier[0]!], now, 'manual');

    const all = await allRows(org.organisationId, webhook.id);
    expect(all).toHaveLength(5);
    expect(await countDeliveryAttempts(org.organisationId, webhook.id)).toEqual({ all: 5, success: 3, failed: 2 });

    const byDocument = await allRows(org.organisationId, webhook.id, { q: 'STR-DWG-0001' });
    expect(byDocument.map((r) => [r.deliveryId, r.attemptNumber, r.status])).toEqual([
      [failedEarlier[0], 2, 'success'],
      [failedEarlier[0], 1, 'failed'],
    ]);
    expect(await countDeliveryAttempts(org.organisationId, webhook.id, { q: 'STR-DWG-0001' })).toEqual({ all: 2, success: 1, failed: 1 });
    const byWorkflow = await allRows(org.organisationId, webhook.id, { q: 'wf_alpha', status: 'success' });
    expect(byWorkflow.map((r) => r.deliveryId).sort()).toEqual([failedEarlier[0], later[0]].sort());
    expect((await allRows(org.organisationId, webhook.id, { q: failedEarlier[1] })).map((r) => r.deliveryId)).toEqual([failedEarlier[1]]);
    expect(await allRows(org.organisationId, webhook.id, { q: 'STR-DWG' })).toEqual([]);

    const range = { from: day(earlier), to: day(earlier) };
    const inRange = await allRows(org.organisationId, webhook.id, range);
    expect(inRange.map((r) => r.deliveryId).sort()).toEqual([...failedEarlier].sort());
    expect(await countDeliveryAttempts(org.organisationId, webhook.id, range)).toEqual({ all: 2, success: 0, failed: 2 });
    expect(await allRows(org.organisationId, webhook.id, { from: day(now) })).toHaveLength(3);
    expect(await countDeliveryAttempts(org.organisationId, webhook.id, { from: day(now), to: day(now) })).toEqual({ all: 3, success: 3, failed: 0 });

    // Another organisation finds nothing, even searching for the same document.
    const other = await createOrganisation();
    expect(await listDeliveryAttempts(other.organisationId, webhook.id, { q: 'STR-DWG-0001' })).toBeNull();
    expect(await countDeliveryAttempts(other.organisationId, webhook.id, { q: 'STR-DWG-0001' })).toEqual({ all: 0, success: 0, failed: 0 });
    expect(await countDeliveryAttempts(other.organisationId, webhook.id)).toEqual({ all: 0, success: 0, failed: 0 });
  });

  it("gives every row its delivery's state, and marks one attempt per delivery as the latest", async () => {
    const org = await createOrganisation();
    const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/state/down`, events: ['workflow.completed'] });
    const now = new Date();
    const [failing, recovered] = [await deliveryAbout(org, webhook.id, 'A-1', 'wf_1'), await deliveryAbout(org, webhook.id, 'A-2', 'wf_2')];
    await attemptAt([failing!, recovered!], new Date(now.getTime() - 3000));
    await attemptAt([failing!], new Date(now.getTime() - 2000), 'manual');
    await setUrl(webhook.id, `${receiver.url}/state/up`);
    await attemptAt([recovered!], now, 'manual');

    const rows = await allRows(org.organisationId, webhook.id);
    const of = (id: string) => rows.filter((r) => r.deliveryId === id).map((r) => [r.attemptNumber, r.status, r.deliveryStatus, r.deliveryAttemptCount, r.isLatest]);
    expect(of(failing!)).toEqual([
      [2, 'failed', 'failed', 2, true],
      [1, 'failed', 'failed', 2, false],
    ]);
    expect(of(recovered!)).toEqual([
      [2, 'success', 'succeeded', 2, true],
      [1, 'failed', 'succeeded', 2, false],
    ]);
  });

  it('refuses filters that are not dates or safe text', () => {
    expect(deliveryLogQuerySchema.safeParse({ from: '2026-02-30' }).success).toBe(false);
    expect(deliveryLogQuerySchema.safeParse({ to: '29/11/2026' }).success).toBe(false);
    expect(deliveryLogQuerySchema.safeParse({ q: 'a\u0000b' }).success).toBe(false);
    expect(deliveryLogQuerySchema.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
    expect(deliveryLogQuerySchema.parse({ from: '2026-11-01', to: '2026-11-29', q: '  STR-1 ' })).toEqual({ from: '2026-11-01', to: '2026-11-29', q: 'STR-1' });
  });
});
