import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { getDeliveryAttempt } from '@/lib/webhooks/read/delivery-attempt';
import { listDeliveryAttempts, type DeliveryLogRow } from '@/lib/webhooks/read/delivery-log';
import { publishEvents } from '@/lib/webhooks/publish/publish';
import { retryDelivery } from '@/lib/webhooks/manage/retry';
import { waitForAttempts } from '../support/deliveries';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';
import { startWorker, type RunningWorker } from '../support/worker';

let receiver: Receiver;
let worker: RunningWorker;
const overrides = new Map<string, Reply>();

beforeAll(async () => {
  receiver = await startReceiver();
  // Documents fail, workflows succeed: the log then has both statuses and both types.
  receiver.reply(
    (req) => overrides.get(req.path) ?? (req.headers['x-kazinex-event'] === 'document.created' ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }),
  );
  // Automatic retries are an hour away: the log holds exactly the attempts each test made.
  worker = await startWorker({ WEBHOOKS_RETRY_SCHEDULE: '3600' });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const documentData = { document_id: 'doc_002', document_number: 'MEC-SPC-ZB-0014', title: 'Spec', revision: 'A', status: 'draft' };

async function webhookWithLog() {
  const org = await createOrganisation();
  const webhook = await createWebhook(org.organisationId, { url: `${receiver.url}/${org.organisationId}`, events: ['workflow.completed', 'document.created'] });
  const input = (type: string, data: object, second: number) => ({
    organisationId: org.organisationId,
    projectId: org.projectId,
    type,
    data,
    occurredAt: new Date(Date.UTC(2024, 2, 15, 10, 30, second)),
  });
  const published = await publishEvents([
    input('workflow.completed', completedData, 1),
    input('workflow.completed', completedData, 2),
    input('workflow.completed', completedData, 3),
    input('document.created', documentData, 4),
    input('document.created', documentData, 5),
  ]);
  if (!published.ok) throw new Error('publish failed');
  const deliveryIds = published.events.flatMap((e) => e.deliveryIds);
  for (const id of deliveryIds) await waitForAttempts(id);
  return { org, webhook, deliveryIds };
}

async function allPages(organisationId: string, webhookId: string, filters: { status?: 'success' | 'failed'; eventType?: string } = {}) {
  const rows: DeliveryLogRow[] = [];
  let before: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await listDeliveryAttempts(organisationId, webhookId, { ...filters, before, limit: 2 });
    if (!result) throw new Error('webhook not found');
    rows.push(...result.rows);
    if (!result.nextCursor) return rows;
    before = result.nextCursor;
  }
  throw new Error('the cursor never ended');
}

const newestFirst = (rows: DeliveryLogRow[]) =>
  rows.every((row, i) => i === 0 || rows[i - 1]!.startedAt.getTime() > row.startedAt.getTime() || (rows[i - 1]!.startedAt.getTime() === row.startedAt.getTime() && rows[i - 1]!.attemptId > row.attemptId));

describe('Delivery Log', () => {
  it('pages through every attempt newest first, each exactly once', async () => {
    const { org, webhook } = await webhookWithLog();
    const firstPage = await listDeliveryAttempts(org.organisationId, webhook.id);
    expect(firstPage!.rows).toHaveLength(5);
    expect(firstPage!.nextCursor).toBeNull();

    const rows = await allPages(org.organisationId, webhook.id);
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.attemptId)).size).toBe(5);
    expect(newestFirst(rows)).toBe(true);
    expect(rows.map((r) => r.attemptId)).toEqual(firstPage!.rows.map((r) => r.attemptId));
    const doc = rows.find((r) => r.eventType === 'document.created')!;
    expect(doc).toMatchObject({ status: 'failed', success: false, responseStatus: 503, attemptNumber: 1, trigger: 'automatic', deliveryStatus: 'retrying', isLatest: true, isTest: false });
    expect(doc!.nextAttemptAt).not.toBeNull();
    expect(doc.occurredAt.getUTCFullYear()).toBe(2024);
  });

  it('filters by status and by event type', async () => {
    const { org, webhook } = await webhookWithLog();
    const failed = await allPages(org.organisationId, webhook.id, { status: 'failed' });
    expect(failed.map((r) => r.eventType)).toEqual(['document.created', 'document.created']);
    const succeeded = await allPages(org.organisationId, webhook.id, { status: 'success' });
    expect(succeeded).toHaveLength(3);
    expect(succeeded.every((r) => r.success && r.responseStatus === 200)).toBe(true);
    const workflows = await allPages(org.organisationId, webhook.id, { eventType: 'workflow.completed' });
    expect(workflows).toHaveLength(3);
    expect(await allPages(org.organisationId, webhook.id, { eventType: 'document.created', status: 'success' })).toHaveLength(0);
  });

  it('shows one attempt in full, with the other attempts of its delivery', async () => {
    const { org, webhook, deliveryIds } = await webhookWithLog();
    const failedDelivery = deliveryIds[3]!;
    overrides.set(`/${org.organisationId}`, { status: 200, body: 'ok now' });
    await retryDelivery(org.organisationId, failedDelivery);
    const attempts = await waitForAttempts(failedDelivery, 2);

    const detail = await getDeliveryAttempt(org.organisationId, attempts[0]!.id);
    expect(detail).not.toBeNull();
    expect(detail!.attempt).toMatchObject({ attemptId: attempts[0]!.id, deliveryId: failedDelivery, webhookId: webhook.id, status: 'failed', isLatest: false });
    expect(detail!.request.url).toBe(`${receiver.url}/${org.organisationId}`);
    expect(detail!.request.headers['X-Kazinex-Delivery']).toBe(failedDelivery);
    expect(JSON.parse(detail!.request.body)).toMatchObject({ event: 'document.created', organisation_id: org.organisationId });
    expect(detail!.response).toMatchObject({ status: 503, body: 'busy', bodyTruncated: false });
    expect(detail!.attempts.map((a) => [a.attemptNumber, a.trigger, a.status])).toEqual([
      [1, 'automatic', 'failed'],
      [2, 'manual', 'success'],
    ]);
  });

  it('is not found for another organisation', async () => {
    const { webhook, deliveryIds } = await webhookWithLog();
    const other = await createOrganisation();
    const [attempt] = await waitForAttempts(deliveryIds[0]!);
    expect(await listDeliveryAttempts(other.organisationId, webhook.id)).toBeNull();
    expect(await getDeliveryAttempt(other.organisationId, attempt!.id)).toBeNull();
  });
});
