import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { USER_AGENT } from '@/lib/webhooks/core/sign';
import { deliveriesOfEvents, eventsOfOrganisation, jobsFor } from '../support/deliveries';
import { callEventsApi } from '../support/events-api';
import { completedData, createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { startWorker, type RunningWorker } from '../support/worker';

let receiver: Receiver;
let worker: RunningWorker;

beforeAll(async () => {
  receiver = await startReceiver();
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const at = (path: string) => receiver.requests.filter((r) => r.path === path);
const arrivedAt = (path: string, count = 1) => receiver.waitFor(() => at(path).length >= count);
const event = (organisationId: string, projectId: string, overrides: Record<string, unknown> = {}) => ({
  event: 'workflow.completed',
  organisation_id: organisationId,
  project_id: projectId,
  data: completedData,
  ...overrides,
});

describe('POST /api/v1/events', () => {
  it('delivers an event to every active webhook of its organisation subscribed to the type, and to no other', async () => {
    const org = await createOrganisation();
    const other = await createOrganisation();
    const path = (name: string) => `/${org.organisationId}/${name}`;
    const w1 = await createWebhook(org.organisationId, { url: receiver.url + path('w1'), events: ['workflow.completed'] });
    const w2 = await createWebhook(org.organisationId, { url: receiver.url + path('w2'), events: ['workflow.completed', 'document.created'] });
    const inactive = await createWebhook(org.organisationId, { url: receiver.url + path('inactive'), active: false, events: ['workflow.completed'] });
    const unsubscribed = await createWebhook(org.organisationId, { url: receiver.url + path('unsubscribed'), events: ['document.created'] });
    const otherOrgs = await createWebhook(other.organisationId, { url: receiver.url + path('other-org'), events: ['workflow.completed'] });

    const response = await callEventsApi(event(org.organisationId, org.projectId, { timestamp: '2024-03-15T10:30:00Z' }));
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^evt_/);

    const stored = await deliveriesOfEvents(ids);
    expect(stored.map((d) => d.webhookId).sort()).toEqual([w1.id, w2.id].sort());
    const [storedEvent] = await eventsOfOrganisation(org.organisationId);

    for (const [name, webhook] of [['w1', w1], ['w2', w2]] as const) {
      const [request] = await arrivedAt(path(name)).then(() => at(path(name)));
      const delivery = stored.find((d) => d.webhookId === webhook.id)!;
      expect(request!.body.toString('utf8')).toBe(storedEvent!.body);
      expect(JSON.parse(request!.body.toString('utf8'))).toEqual({
        event: 'workflow.completed',
        timestamp: '2024-03-15T10:30:00Z',
        organisation_id: org.organisationId,
        project_id: org.projectId,
        data: completedData,
      });
      expect(request!.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'x-kazinex-event': 'workflow.completed',
        'x-kazinex-delivery': delivery.id,
        'webhook-id': delivery.id,
        'x-kazinex-signature': `sha256=${createHmac('sha256', webhook.secret).update(request!.body).digest('hex')}`,
      });
      const verifier = new Webhook(`whsec_${Buffer.from(webhook.secret).toString('base64')}`);
      expect(() => verifier.verify(request!.body.toString('utf8'), request!.headers as Record<string, string>)).not.toThrow();
    }

    // A later event of the other organisation arriving proves the worker had its chance at the rest.
    const sentinel = await callEventsApi(event(other.organisationId, other.projectId));
    expect(sentinel.status).toBe(202);
    await arrivedAt(path('other-org'));
    expect(at(path('inactive'))).toHaveLength(0);
    expect(at(path('unsubscribed'))).toHaveLength(0);
    expect(at(path('other-org'))).toHaveLength(1);
    expect(JSON.parse(at(path('other-org'))[0]!.body.toString()).organisation_id).toBe(other.organisationId);
    expect([inactive.id, unsubscribed.id, otherOrgs.id]).not.toContain(stored[0]!.webhookId);
  });

  it('stores a batch in one go and answers with every id in order', async () => {
    const org = await createOrganisation();
    await createWebhook(org.organisationId, { url: `${receiver.url}/${org.organisationId}/batch`, events: ['workflow.completed'] });
    const batch = Array.from({ length: 25 }, (_, i) => event(org.organisationId, org.projectId, { data: { ...completedData, document_number: `DOC-${i}` } }));
    const response = await callEventsApi(batch);
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };
    expect(ids).toHaveLength(25);
    const stored = await eventsOfOrganisation(org.organisationId);
    const numberOf = new Map(stored.map((e) => [e.id, (JSON.parse(e.body) as { data: { document_number: string } }).data.document_number]));
    expect(ids.map((id) => numberOf.get(id))).toEqual(batch.map((_, i) => `DOC-${i}`));
    await arrivedAt(`/${org.organisationId}/batch`, 25);
  });

  it('answers 401 without the service token and stores nothing', async () => {
    const org = await createOrganisation();
    const missing = await callEventsApi(event(org.organisationId, org.projectId), { authorization: '' });
    const wrong = await callEventsApi(event(org.organisationId, org.projectId), { authorization: 'Bearer not-the-token-at-all-000000' });
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await eventsOfOrganisation(org.organisationId)).toHaveLength(0);
  });

  it('answers 422 with the issues and stores nothing of a batch with one bad event', async () => {
    const org = await createOrganisation();
    const other = await createOrganisation();
    await createWebhook(org.organisationId, { url: `${receiver.url}/${org.organisationId}/422`, events: ['workflow.completed'] });
    const response = await callEventsApi([
      event(org.organisationId, org.projectId),
      event(org.organisationId, other.projectId), // a project of another organisation
      event(org.organisationId, org.projectId, { data: { ...completedData, outcome: 'maybe' } }),
      event('org_does_not_exist', org.projectId),
    ]);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { issues: { path: (string | number)[]; message: string }[] };
    expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining([[1, 'project_id'], [2, 'data', 'outcome'], [3, 'organisation_id']]));
    expect(body.issues.some((i) => i.path[0] === 0)).toBe(false);
    expect(await eventsOfOrganisation(org.organisationId)).toHaveLength(0);
  });

  it('answers 422 for a bad envelope: unknown event type, missing fields, too many events', async () => {
    const org = await createOrganisation();
    const unknownType = await callEventsApi(event(org.organisationId, org.projectId, { event: 'workflow.exploded' }));
    expect(unknownType.status).toBe(422);
    expect(((await unknownType.json()) as { issues: { path: string[] }[] }).issues[0]!.path).toEqual(['event']);
    const missingData = await callEventsApi({ event: 'workflow.completed', organisation_id: org.organisationId, project_id: org.projectId });
    expect(missingData.status).toBe(422);
    const tooMany = await callEventsApi(Array.from({ length: 1001 }, () => event(org.organisationId, org.projectId)));
    expect(tooMany.status).toBe(422);
    expect(await eventsOfOrganisation(org.organisationId)).toHaveLength(0);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await callEventsApi('{"event": "workflow.completed",');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_json');
  });

  it('returns the first answer for a repeated Idempotency-Key and stores nothing new', async () => {
    const org = await createOrganisation();
    await createWebhook(org.organisationId, { url: `${receiver.url}/${org.organisationId}/idem`, events: ['workflow.completed'] });
    const key = randomUUID();
    const payload = [event(org.organisationId, org.projectId), event(org.organisationId, org.projectId)];
    const first = await callEventsApi(payload, { 'idempotency-key': key });
    const second = await callEventsApi(payload, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const firstBody = (await first.json()) as { ids: string[] };
    expect(await second.json()).toEqual(firstBody);
    expect(second.headers.get('idempotent-replayed')).toBe('true');

    const stored = await eventsOfOrganisation(org.organisationId);
    expect(stored.map((e) => e.id).sort()).toEqual([...firstBody.ids].sort());
    expect(await deliveriesOfEvents(firstBody.ids)).toHaveLength(2);

    const reused = await callEventsApi([event(org.organisationId, org.projectId)], { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expect(await eventsOfOrganisation(org.organisationId)).toHaveLength(2);
  });

  it('sends nothing for an event published in a transaction that rolls back', async () => {
    const org = await createOrganisation();
    const path = `/${org.organisationId}/rollback`;
    await createWebhook(org.organisationId, { url: receiver.url + path, events: ['workflow.completed', 'document.created'] });
    let rolledBack: string[] = [];
    await expect(
      getDb().transaction(async (tx) => {
        const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData }, { tx });
        if (published.ok) rolledBack = published.deliveryIds;
        throw new Error('the caller failed after publishing');
      }),
    ).rejects.toThrow('the caller failed after publishing');
    expect(rolledBack).toHaveLength(1);
    expect(await eventsOfOrganisation(org.organisationId)).toHaveLength(0);
    expect(await jobsFor(rolledBack)).toBe(0);

    // The next committed event reaches the same endpoint; the rolled-back one never does.
    const committed = await publishEvent({
      organisationId: org.organisationId,
      projectId: org.projectId,
      type: 'document.created',
      data: { document_id: 'doc_002', document_number: 'MEC-SPC-ZB-0014', title: 'Spec', revision: 'A', status: 'draft' },
    });
    expect(committed.ok).toBe(true);
    await arrivedAt(path);
    expect(at(path)).toHaveLength(1);
    expect(at(path)[0]!.headers['x-kazinex-event']).toBe('document.created');
  });
});
