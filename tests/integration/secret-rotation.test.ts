import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { env } from '@/lib/env';
import { closePublisher } from '@/lib/webhooks/queue/boss';

import { rollSecret } from '@/lib/webhooks/manage/roll-secret';
import { PREVIOUS_SECRET_OVERLAP_MS } from '@/lib/webhooks/core/secret-rotation';
import { createOrganisation, createWebhook } from '../support/fixtures';
import { startReceiver, type Receiver } from '../support/receiver';
import { unqueuedDelivery } from '../support/unqueued';
import { deliverBatch } from '../support/deliver-batch';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const verifies = (secret: string, req: Receiver['requests'][number]) => {
  try {
    new Webhook(`whsec_${Buffer.from(secret).toString('base64')}`).verify(req.body.toString('utf8'), req.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe('Roll secret', () => {
  it('signs with both secrets until the overlap ends, then with the new one only', async () => {
    const org = await createOrganisation();
    const path = `/${org.organisationId}/rolled`;
    const webhook = await createWebhook(org.organisationId, { url: receiver.url + path });
    expect(await rollSecret((await createOrganisation()).organisationId, webhook.id)).toBeNull();

    // Rolled almost 24 hours ago, so the overlap ends a minute from now and the signatures stay
    // within the receiver's 5-minute timestamp tolerance on both sides of it.
    const rolledAt = new Date(Date.now() - PREVIOUS_SECRET_OVERLAP_MS + 60_000);
    const rolled = await rollSecret(org.organisationId, webhook.id, { now: rolledAt });
    expect(rolled!.previousValidUntil).toEqual(new Date(rolledAt.getTime() + PREVIOUS_SECRET_OVERLAP_MS));
    expect(rolled!.secret).not.toBe(webhook.secret);

    const sendAt = async (now: Date) => {
      const deliveryId = await unqueuedDelivery(org, webhook.id);
      const ctx = { timeoutMs: 2_000, allowPrivate: true, encryptionKey: env().KAZINEX_ENCRYPTION_KEY, retrySchedule: [3600], now: () => now };
      await deliverBatch([{ deliveryId, trigger: 'manual' }], ctx);
      return receiver.requests.find((r) => r.headers['x-kazinex-delivery'] === deliveryId)!;
    };

    const during = await sendAt(new Date(rolled!.previousValidUntil.getTime() - 1_000));
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(rolled!.secret, during)).toBe(true);
    expect(verifies(webhook.secret, during)).toBe(true);
    expect(during.headers['x-kazinex-signature']).toBe(`sha256=${createHmac('sha256', rolled!.secret).update(during.body).digest('hex')}`);

    const after = await sendAt(rolled!.previousValidUntil);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(rolled!.secret, after)).toBe(true);
    expect(verifies(webhook.secret, after)).toBe(false);
  });
});
