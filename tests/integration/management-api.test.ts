import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { createApiKey, revokeApiKey } from '@/lib/api/keys';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { webhookFormSchema } from '@/lib/webhooks/core/webhook-form';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { completedData, createOrganisation } from '../support/fixtures';
import { callApi } from '../support/management-api';
import { verifyWithTutorialPython } from '../support/python-verify';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { startWorker, type RunningWorker } from '../support/worker';

// The receivers run on loopback, which the app refuses unless private URLs are allowed (as in development).
const previousAllowPrivate = process.env.WEBHOOKS_ALLOW_PRIVATE_URLS;
process.env.WEBHOOKS_ALLOW_PRIVATE_URLS = 'true';

const SECRET = 'wh_prod_a8f3x9d2k7q4m1z6';

let receiver: Receiver;
let worker: RunningWorker;
/** Secrets the receiver verifies `X-Kazinex-Signature` with, by path; a bad signature gets 401. */
const secrets = new Map<string, string>();
const failing = new Set<string>();

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => {
    if (failing.has(req.path)) return { status: 500, body: 'broken' };
    const secret = secrets.get(req.path);
    const signature = String(req.headers['x-kazinex-signature'] ?? '');
    if (!secret || !verifyWithTutorialPython(req.body, signature, secret)) return { status: 401, body: 'bad signature' };
    return { status: 200, body: 'ok' };
  });
  // Automatic retries are an hour away: every attempt a test sees is one it caused.
  worker = await startWorker({ WEBHOOKS_RETRY_SCHEDULE: '3600' });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
  if (previousAllowPrivate === undefined) delete process.env.WEBHOOKS_ALLOW_PRIVATE_URLS;
  else process.env.WEBHOOKS_ALLOW_PRIVATE_URLS = previousAllowPrivate;
});

async function orgWithKey() {
  const org = await createOrganisation();
  const { key } = await createApiKey(org.organisationId, null, 'CI pipeline');
  return { ...org, key };
}

/** Waits until the Delivery Log (read through the API) holds `count` attempts of the delivery. */
async function attemptsOf(key: string, webhookId: string, deliveryId: string, count: number) {
  return waitFor(async () => {
    const page = await callApi(key, 'GET', `/webhooks/${webhookId}/attempts`);
    const rows = (page.body.rows as { deliveryId: string }[]).filter((r) => r.deliveryId === deliveryId);
    return rows.length >= count ? rows : null;
  }, `${count} attempt(s) of ${deliveryId} in the Delivery Log`, 20_000, 200);
}

describe('the management API drives the whole tutorial with an API key', () => {
  it('creates a webhook, subscribes it, sends a verified test event, lists the attempts and retries a failure', async () => {
    const org = await orgWithKey();
    const path = `/${org.organisationId}/kazinex-webhook`;
    secrets.set(path, SECRET);

    // Step 2: create the webhook. The secret was given, so it is not echoed back.
    const created = await callApi(org.key, 'POST', '/webhooks', { name: 'ERP Integration — Workflow Events', url: receiver.url + path, secret: SECRET, active: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ERP Integration — Workflow Events', url: receiver.url + path, active: true, eventTypes: [] });
    expect(created.body).not.toHaveProperty('secret');
    const id = created.body.id as string;
    expect(id).toMatch(/^wh_/);
    expect(created.headers.get('location')).toBe(`/api/v1/webhooks/${id}`);

    // Step 3: replace the subscriptions.
    const subscribed = await callApi(org.key, 'PUT', `/webhooks/${id}/subscriptions`, { eventTypes: ['workflow.completed', 'document.status_changed'] });
    expect(subscribed.status).toBe(200);
    expect(subscribed.body.eventTypes).toEqual(['workflow.completed', 'document.status_changed']);
    const read = await callApi(org.key, 'GET', `/webhooks/${id}`);
    expect(read.body.eventTypes).toEqual(['workflow.completed', 'document.status_changed']);
    expect(JSON.stringify(read.body)).not.toContain(SECRET);
    const list = await callApi(org.key, 'GET', '/webhooks');
    expect(list.body.webhooks).toEqual([expect.objectContaining({ id, subscriptionCount: 2 })]);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    // Step 4: a test event reaches the receiver, which verifies the signature (else it answers 401).
    const sent = await callApi(org.key, 'POST', `/webhooks/${id}/test-events`, { eventType: 'workflow.completed' });
    expect(sent.status).toBe(202);
    const testDelivery = sent.body.deliveryId as string;
    const [testAttempt] = await attemptsOf(org.key, id, testDelivery, 1);
    expect(testAttempt).toMatchObject({ eventType: 'workflow.completed', status: 'success', responseStatus: 200, trigger: 'test', isTest: true });
    const arrived = receiver.requests.find((r) => r.headers['x-kazinex-delivery'] === testDelivery)!;
    expect(JSON.parse(arrived.body.toString())).toMatchObject({ organisation_id: org.organisationId, project_id: org.projectId });

    // Step 7: a real event fails (500), shows in the log filtered to failures, and Retry re-sends it.
    failing.add(path);
    const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
    if (!published.ok) throw new Error('publish failed');
    const deliveryId = published.deliveryIds[0]!;
    await attemptsOf(org.key, id, deliveryId, 1);
    const failures = await callApi(org.key, 'GET', `/webhooks/${id}/attempts?status=failed&event=workflow.completed`);
    expect(failures.body.rows).toEqual([expect.objectContaining({ deliveryId, status: 'failed', responseStatus: 500, trigger: 'automatic', isLatest: true })]);

    failing.delete(path);
    const retried = await callApi(org.key, 'POST', `/deliveries/${deliveryId}/retry`);
    expect(retried).toMatchObject({ status: 202, body: { deliveryId } });
    await attemptsOf(org.key, id, deliveryId, 2);
    const delivery = await callApi(org.key, 'GET', `/deliveries/${deliveryId}`);
    expect(delivery.status).toBe(200);
    expect(delivery.body).toMatchObject({ id: deliveryId, webhookId: id, status: 'succeeded', attemptCount: 2, isTest: false });
    expect(delivery.body.attempts.map((a: { trigger: string; status: string; responseStatus: number }) => [a.trigger, a.status, a.responseStatus])).toEqual([
      ['automatic', 'failed', 500],
      ['manual', 'success', 200],
    ]);
    const retriedRequests = receiver.requests.filter((r) => r.headers['x-kazinex-delivery'] === deliveryId);
    expect(retriedRequests).toHaveLength(2);
    expect(retriedRequests[1]!.body.equals(retriedRequests[0]!.body)).toBe(true);
  });

  it('pages the Delivery Log with the same cursor as the page', async () => {
    const org = await orgWithKey();
    const path = `/${org.organisationId}/paged`;
    secrets.set(path, SECRET);
    const { body: webhook } = await callApi(org.key, 'POST', '/webhooks', { name: 'Paged', url: receiver.url + path, secret: SECRET });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await callApi(org.key, 'POST', `/webhooks/${webhook.id}/test-events`, { eventType: 'document.created' })).body.deliveryId);
    for (const d of ids) await attemptsOf(org.key, webhook.id, d, 1);
    const first = await callApi(org.key, 'GET', `/webhooks/${webhook.id}/attempts?limit=2`);
    expect(first.body.rows).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await callApi(org.key, 'GET', `/webhooks/${webhook.id}/attempts?limit=2&before=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.rows).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const seen = [...first.body.rows, ...second.body.rows].map((r: { deliveryId: string }) => r.deliveryId);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('generates a secret when none is sent, returns it once, and Roll secret returns the next one', async () => {
    const org = await orgWithKey();
    const path = `/${org.organisationId}/generated`;
    const created = await callApi(org.key, 'POST', '/webhooks', { name: 'Generated secret', url: receiver.url + path });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^wh_[0-9a-f]{64}$/);
    expect((await callApi(org.key, 'GET', `/webhooks/${created.body.id}`)).body).not.toHaveProperty('secret');

    const rolled = await callApi(org.key, 'POST', `/webhooks/${created.body.id}/roll-secret`);
    expect(rolled.status).toBe(200);
    expect(rolled.body.secret).toMatch(/^wh_[0-9a-f]{64}$/);
    expect(rolled.body.secret).not.toBe(secret);
    // The receiver now checks the new secret: a test event signed with it is accepted.
    secrets.set(path, rolled.body.secret);
    const sent = await callApi(org.key, 'POST', `/webhooks/${created.body.id}/test-events`, { eventType: 'workflow.created' });
    const [attempt] = await attemptsOf(org.key, created.body.id, sent.body.deliveryId, 1);
    expect(attempt).toMatchObject({ status: 'success', responseStatus: 200 });
    const read = await callApi(org.key, 'GET', `/webhooks/${created.body.id}`);
    expect(read.body.previousSecretValidUntil).toEqual(rolled.body.previousValidUntil);
  });

  it('updates, re-enables, replays, retries failed since, and deletes', async () => {
    const org = await orgWithKey();
    const path = `/${org.organisationId}/lifecycle`;
    const { body: webhook } = await callApi(org.key, 'POST', '/webhooks', { name: 'Lifecycle', url: receiver.url + path, secret: SECRET });
    const updated = await callApi(org.key, 'PUT', `/webhooks/${webhook.id}`, { name: 'Lifecycle (renamed)', url: receiver.url + path + '/v2', active: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Lifecycle (renamed)', url: receiver.url + path + '/v2', active: false });
    expect((await callApi(org.key, 'POST', `/webhooks/${webhook.id}/re-enable`)).body).toMatchObject({ id: webhook.id, disabledReason: null, consecutiveFailures: 0 });
    expect(await callApi(org.key, 'POST', `/webhooks/${webhook.id}/replay-skipped`)).toMatchObject({ status: 202, body: { count: 0 } });
    // Retry failed since is refused for an inactive webhook, as the page refuses it, with the reason.
    expect(await callApi(org.key, 'POST', `/webhooks/${webhook.id}/retry-failed`, { since: '2024-01-01T00:00:00Z' })).toMatchObject({
      status: 409,
      body: { detail: 'The webhook is inactive; activate it before retrying.' },
    });
    await callApi(org.key, 'PUT', `/webhooks/${webhook.id}`, { name: 'Lifecycle (renamed)', url: receiver.url + path + '/v2', active: true });
    expect(await callApi(org.key, 'POST', `/webhooks/${webhook.id}/retry-failed`, { since: '2024-01-01T00:00:00Z' })).toMatchObject({ status: 202, body: { count: 0 } });
    const future = await callApi(org.key, 'POST', `/webhooks/${webhook.id}/retry-failed`, { since: '2999-01-01T00:00:00Z' });
    expect(future.status).toBe(422);
    expect(future.body.issues).toEqual([expect.objectContaining({ path: ['since'], message: 'Choose a time in the past' })]);

    expect((await callApi(org.key, 'DELETE', `/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await callApi(org.key, 'GET', `/webhooks/${webhook.id}`)).status).toBe(404);
  });

  it('refuses invalid input with problem+json carrying the form schema’s own messages', async () => {
    const org = await orgWithKey();
    const input = { name: '', url: 'ftp://example.com/hook', secret: 'short' };
    const answer = await callApi(org.key, 'POST', '/webhooks', input);
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 422, title: 'The request is not valid', type: expect.stringContaining('#problem-invalid-request') });
    const expected = webhookFormSchema.safeParse({ ...input, active: true }).error!.issues.map((i) => ({ path: i.path, message: i.message }));
    expect(answer.body.issues.map((i: { path: string[]; message: string }) => ({ path: i.path, message: i.message }))).toEqual(expected);

    const duplicate = { name: 'Same name', url: receiver.url + '/dup', secret: SECRET };
    expect((await callApi(org.key, 'POST', '/webhooks', duplicate)).status).toBe(201);
    const again = await callApi(org.key, 'POST', '/webhooks', duplicate);
    expect(again.status).toBe(422);
    expect(again.body.issues).toEqual([{ code: 'custom', path: ['name'], message: 'A webhook with this name already exists in your organisation' }]);

    const badJson = await callApi(org.key, 'POST', '/webhooks', '{"name": ');
    expect(badJson).toMatchObject({ status: 400, body: { title: 'The request body is not valid JSON' } });
    const badEvent = await callApi(org.key, 'PUT', `/webhooks/${(await callApi(org.key, 'GET', '/webhooks')).body.webhooks[0].id}/subscriptions`, { eventTypes: ['workflow.deleted'] });
    expect(badEvent.status).toBe(422);
    expect(badEvent.body.issues[0].path).toEqual(['eventTypes', 0]);
  });
});

describe('tenancy and keys', () => {
  it('a key of another organisation gets 404 on each webhook and delivery operation', async () => {
    const owner = await orgWithKey();
    const stranger = await orgWithKey();
    const path = `/${owner.organisationId}/private`;
    secrets.set(path, SECRET);
    const { body: webhook } = await callApi(owner.key, 'POST', '/webhooks', { name: 'Owner’s', url: receiver.url + path, secret: SECRET });
    const { body: sent } = await callApi(owner.key, 'POST', `/webhooks/${webhook.id}/test-events`, { eventType: 'workflow.completed' });
    await attemptsOf(owner.key, webhook.id, sent.deliveryId, 1);

    const w = `/webhooks/${webhook.id}`;
    const d = `/deliveries/${sent.deliveryId}`;
    const calls: [Parameters<typeof callApi>[1], string, unknown?][] = [
      ['GET', w],
      ['PUT', w, { name: 'Taken over', url: receiver.url + '/evil', active: true }],
      ['PUT', `${w}/subscriptions`, { eventTypes: ['document.created'] }],
      ['POST', `${w}/test-events`, { eventType: 'workflow.completed' }],
      ['GET', `${w}/attempts`],
      ['POST', `${w}/roll-secret`],
      ['POST', `${w}/retry-failed`, { since: '2024-01-01T00:00:00Z' }],
      ['POST', `${w}/re-enable`],
      ['POST', `${w}/replay-skipped`],
      ['GET', d],
      ['POST', `${d}/retry`],
      ['DELETE', w],
    ];
    for (const [method, p, body] of calls) {
      const answer = await callApi(stranger.key, method, p, body);
      expect({ call: `${method} ${p}`, status: answer.status, type: answer.headers.get('content-type') }).toEqual({ call: `${method} ${p}`, status: 404, type: 'application/problem+json' });
    }
    expect((await callApi(stranger.key, 'GET', '/webhooks')).body.webhooks).toEqual([]);
    // Nothing changed for the owner.
    const still = await callApi(owner.key, 'GET', w);
    expect(still.body).toMatchObject({ name: 'Owner’s', eventTypes: [] });
    expect((await callApi(owner.key, 'GET', d)).body.attempts).toHaveLength(1);
  });

  it('a revoked key gets 401 on its very next request, and a missing or unknown key gets 401', async () => {
    const org = await orgWithKey();
    const { id, key } = await createApiKey(org.organisationId, null, 'Soon revoked');
    expect((await callApi(key, 'GET', '/webhooks')).status).toBe(200);
    expect(await revokeApiKey(org.organisationId, id)).toBe(true);
    const refused = await callApi(key, 'GET', '/webhooks');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(refused.body.detail).toBe('This API key is not valid or has been revoked.');
    expect((await callApi(org.key, 'GET', '/webhooks')).status).toBe(200); // the organisation's other key still works
    expect((await callApi(null, 'GET', '/webhooks')).status).toBe(401);
    expect((await callApi(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), 'GET', '/webhooks')).status).toBe(401);
  });

  it('another organisation cannot revoke a key', async () => {
    const org = await orgWithKey();
    const other = await createOrganisation();
    const { id, key } = await createApiKey(org.organisationId, null, 'Mine');
    expect(await revokeApiKey(other.organisationId, id)).toBe(false);
    expect((await callApi(key, 'GET', '/webhooks')).status).toBe(200);
  });

  it('the receivers’ signature check refuses a wrong secret, so their 200s above mean a real check passed', () => {
    const body = Buffer.from('{"event":"x"}');
    const good = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(verifyWithTutorialPython(body, good, SECRET)).toBe(true);
    expect(verifyWithTutorialPython(body, good, 'wh_some_other_secret_value')).toBe(false);
  });
});
