import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { eventCatalogue } from '@/lib/webhooks/core/events';
import { standardWebhooksSnippets, verificationSnippets } from '@/lib/webhooks/core/guide-snippets';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver';
import { runStandardWebhooksNode, runVerify } from '../support/snippets';
import { startWorker, type RunningWorker } from '../support/worker';

// The Webhooks Guide's snippets against real deliveries: signed by the worker, captured byte for byte by a receiver.
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

async function deliveredTo(secret: string, type: 'workflow.completed' | 'workflow.created'): Promise<ReceivedRequest> {
  const org = await createOrganisation();
  const path = `/${org.organisationId}/${type}`;
  await createWebhook(org.organisationId, { url: receiver.url + path, secret, events: [type] });
  const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type, data: eventCatalogue[type].sample });
  if (!published.ok) throw new Error('publish failed');
  const [request] = (await receiver.waitFor((all) => all.some((r) => r.path === path))).filter((r) => r.path === path);
  return request!;
}

describe('the Webhooks Guide’s snippets on real deliveries', () => {
  const secret = 'wh_prod_a8f3x9d2k7q4m1z6';
  let ascii: ReceivedRequest;
  let unicode: ReceivedRequest;

  beforeAll(async () => {
    ascii = await deliveredTo(secret, 'workflow.completed');
    unicode = await deliveredTo(secret, 'workflow.created'); // "Design Review — Structural": multi-byte UTF-8 in the body
    expect(unicode.body.toString('utf8')).toContain('—');
  });

  it.each(['python', 'node', 'java'])('%s accepts the real signatures and refuses them with the wrong secret', { timeout: 120_000 }, (id) => {
    const snippet = verificationSnippets().find((s) => s.id === id)!;
    const header = (r: ReceivedRequest) => String(r.headers['x-kazinex-signature']);
    expect(
      runVerify(snippet, [
        { body: ascii.body, signatureHeader: header(ascii), secret },
        { body: unicode.body, signatureHeader: header(unicode), secret },
        { body: ascii.body, signatureHeader: header(ascii), secret: 'wh_prod_somebody_else' },
        { body: ascii.body, signatureHeader: header(unicode), secret },
      ]),
    ).toEqual([true, true, false, false]);
  });

  it('the Standard Webhooks snippet verifies the real webhook-* headers with whsec_ + base64 of the secret', () => {
    const [snippet] = standardWebhooksSnippets();
    const headers = (r: ReceivedRequest) => ({
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    });
    expect(runStandardWebhooksNode(snippet!, unicode.body, headers(unicode), secret)).toBe(true);
    expect(runStandardWebhooksNode(snippet!, unicode.body, headers(unicode), 'wh_prod_somebody_else')).toBe(false);
  });
});
