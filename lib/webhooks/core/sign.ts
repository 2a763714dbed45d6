import { createHmac } from 'node:crypto';
import packageJson from '@/package.json';
import { headersOf } from './request-headers';

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

/**
 * The MACs one attempt is signed with, 32 bytes each: the X-Kazinex-Signature one (current secret,
 * body), then one `webhook-signature` entry per valid secret. Stored per attempt, they are all of
 * its headers that cannot be derived again (see `headersOf`).
 */
export function signatureMacs({ deliveryId, body, secrets, at }: Omit<SignInput, 'eventType'>): Buffer {
  const timestamp = Math.floor(at.getTime() / 1000);
  const macs = [createHmac('sha256', secrets[0]).update(body).digest()];
  for (const secret of secrets) macs.push(createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.`).update(body).digest());
  return Buffer.concat(macs);
}

/** Every header of one attempt but Content-Length, in the spelling of SPEC §3. */
export function signedHeaders(input: SignInput): Record<string, string> {
  const { 'Content-Length': _length, ...headers } = headersOf({ ...input, bodyBytes: 0, macs: signatureMacs(input), userAgent: USER_AGENT });
  return headers;
}
