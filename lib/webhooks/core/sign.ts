import { createHmac } from 'node:crypto';
import packageJson from '@/package.json';

/** Sent on every request so receivers can tell our traffic and its version apart. */
export const USER_AGENT = `Kazinex-Webhooks/${packageJson.version}`;

/** `sha256=<lowercase hex HMAC-SHA256(secret, body)>`: what the tutorial's Python `verify_signature` checks. */
export function kazinexSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Standard Webhooks `webhook-signature`: one `v1,<base64 HMAC-SHA256(secret, id.ts.body)>` entry per
 * valid secret, space separated, so receivers keep verifying while a secret is being rotated.
 * The key is the secret's UTF-8 bytes, which is what `standardwebhooks` uses for "whsec_" + base64(secret).
 */
export function standardWebhooksSignature(secrets: readonly string[], id: string, timestamp: number, body: string | Buffer): string {
  return secrets
    .map((secret) => {
      const mac = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest('base64');
      return `v1,${mac}`;
    })
    .join(' ');
}

export type SignInput = {
  deliveryId: string;
  eventType: string;
  body: string | Buffer;
  /** The current secret first; during a rotation the previous one follows it. */
  secrets: readonly [string, ...string[]];
  /** When this attempt is made; each attempt signs with a fresh timestamp. */
  at: Date;
};

/** Every header of one attempt, in the spelling of SPEC §3. */
export function signedHeaders({ deliveryId, eventType, body, secrets, at }: SignInput): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-Kazinex-Event': eventType,
    'X-Kazinex-Delivery': deliveryId,
    'X-Kazinex-Signature': kazinexSignature(secrets[0], body),
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardWebhooksSignature(secrets, deliveryId, timestamp, body),
  };
}
