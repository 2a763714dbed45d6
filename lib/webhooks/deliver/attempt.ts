import { open } from '@/lib/crypto/secret-box';
import { newId } from '@/lib/ids';
import type { DeliveryRequest } from '@/lib/webhooks/queue/enqueue';
import type { AttemptPlan } from './fence';
import type { LoadedDelivery } from './load';
import { postWebhook, type PostResult } from './post';
import type { AttemptRecord } from './record';
import { notSentReason, type Holds } from './slowdown';
import { deliveryStatusAfterAttempt, nextRetryDelay, parseRetryAfter } from '@/lib/webhooks/core/retry-policy';
import { signingSecrets } from '@/lib/webhooks/core/secret-rotation';
import { headersOf } from '@/lib/webhooks/core/request-headers';
import { signatureMacs, USER_AGENT } from '@/lib/webhooks/core/sign';
import { checkEndpointUrl, type Resolver } from '@/lib/webhooks/core/url-guard';

export type DeliveryContext = {
  timeoutMs: number;
  allowPrivate: boolean;
  encryptionKey: string;
  /** Seconds before each automatic retry (`WEBHOOKS_RETRY_SCHEDULE`). */
  retrySchedule: readonly number[];
  resolver?: Resolver;
  /** The clock attempts, retries and failure tracking read; tests move it. */
  now?: () => Date;
  random?: () => number;
};

/** Per-batch cache: one decryption per webhook, whatever the batch size. */
type Secrets = Map<string, [string, ...string[]] | null>;

function secretsOf(delivery: LoadedDelivery, key: string, cache: Secrets, now: Date): [string, ...string[]] | null {
  if (!cache.has(delivery.webhookId)) {
    let secrets: [string, ...string[]] | null = null;
    try {
      const current = open(delivery.secretCiphertext, key);
      const previous =
        delivery.previousSecretCiphertext && delivery.previousSecretExpiresAt
          ? { secret: open(delivery.previousSecretCiphertext, key), expiresAt: delivery.previousSecretExpiresAt }
          : null;
      secrets = signingSecrets({ current, previous, now });
    } catch {
      secrets = null;
    }
    cache.set(delivery.webhookId, secrets);
  }
  return cache.get(delivery.webhookId) ?? null;
}

const refused = (error: string): PostResult => ({
  success: false,
  status: null,
  headers: null,
  body: null,
  bodyTruncated: false,
  durationMs: 0,
  error,
  timedOut: false,
});

/** What an attempt held back by a slow-down needs of its delivery: no body, no secret. */
export type HeldTarget = Pick<LoadedDelivery, 'id' | 'organisationId' | 'webhookId' | 'eventType' | 'url' | 'attemptCount' | 'slowed' | 'slowedReason' | 'lagging'>;

/** The record of an attempt that ended with `result`, and the state its delivery moves to. */
function toRecord(job: DeliveryRequest, delivery: HeldTarget, ctx: DeliveryContext, startedAt: Date, result: PostResult, macs: Buffer | null, request: Pick<AttemptRecord['request'], 'sent' | 'held'>): AttemptRecord {
  const completedAt = new Date(startedAt.getTime() + result.durationMs);
  // Only the automatic pipeline retries on its own: a manual Retry or a test event is a one-off the admin watches.
  const retryDelayMs =
    job.trigger === 'automatic' && !result.success
      ? nextRetryDelay({
          schedule: ctx.retrySchedule,
          attemptNumber: delivery.attemptCount + 1,
          random: ctx.random ?? Math.random,
          status: result.status,
          retryAfterHeader: result.headers?.['retry-after'] ?? null,
          now: completedAt,
        })
      : null;
  return {
    id: newId('att'),
    deliveryId: delivery.id,
    organisationId: delivery.organisationId,
    webhookId: delivery.webhookId,
    eventType: delivery.eventType,
    trigger: job.trigger,
    requestUrl: delivery.url,
    requestSignatures: macs,
    requestUserAgent: macs ? USER_AGENT : null,
    responseStatus: result.status,
    responseHeaders: result.headers,
    responseBody: result.body,
    responseBodyTruncated: result.bodyTruncated,
    durationMs: result.durationMs,
    error: result.error,
    success: result.success,
    startedAt,
    completedAt,
    deliveryStatus: deliveryStatusAfterAttempt({ success: result.success, retryDelayMs }),
    nextAttemptAt: retryDelayMs === null ? null : new Date(completedAt.getTime() + retryDelayMs),
    automaticAttempt: job.trigger === 'automatic' ? (job.attempt ?? 1) : null,
    request: {
      ...request,
      timedOut: result.timedOut,
      retryAfterMs: result.status === 429 ? parseRetryAfter(result.headers?.['retry-after'], completedAt) : null,
      endpointSlowed: delivery.slowed || result.timedOut || result.status === 429,
      endpointLagging: delivery.lagging,
    },
  };
}

/** An attempt held back by a slow-down (its endpoint's probe or pause holds it): recorded as not sent. */
export function heldAttempt(job: DeliveryRequest, delivery: HeldTarget, ctx: DeliveryContext): AttemptRecord {
  const startedAt = (ctx.now ?? (() => new Date()))();
  return toRecord(job, delivery, ctx, startedAt, refused(notSentReason(delivery.slowedReason)), null, { sent: false, held: true });
}

/** One attempt at a delivery: signed and POSTed, unless its URL or secret refuses it first. */
async function attempt(job: DeliveryRequest, delivery: LoadedDelivery, ctx: DeliveryContext, secrets: Secrets): Promise<AttemptRecord> {
  const startedAt = (ctx.now ?? (() => new Date()))();
  const started = performance.now();
  const body = delivery.body;
  const signing = secretsOf(delivery, ctx.encryptionKey, secrets, startedAt);
  const macs = signing ? signatureMacs({ deliveryId: delivery.id, body, secrets: signing, at: startedAt }) : null;
  const checked = checkEndpointUrl(delivery.url, ctx.allowPrivate);
  let result: PostResult;
  if (!signing) {
    result = refused('The webhook secret could not be decrypted; save the webhook with its secret again');
  } else if (!checked.ok) {
    result = refused(checked.error);
  } else {
    const headers = headersOf({ deliveryId: delivery.id, eventType: delivery.eventType, at: startedAt, bodyBytes: Buffer.byteLength(body), macs, userAgent: USER_AGENT });
    result = await postWebhook({ url: checked.url, headers, body, timeoutMs: ctx.timeoutMs, startedAt: started, allowPrivate: ctx.allowPrivate, resolver: ctx.resolver });
  }
  return toRecord(job, delivery, ctx, startedAt, result, macs, { sent: checked.ok && signing !== null, held: false });
}

/**
 * Makes a plan's attempts concurrently; one decryption per webhook however many there are. Resolves
 * (or rejects) only once every attempt has ended, so none is still on the wire when its job moves on.
 * Attempts in `holds.held` are recorded as not sent (see slowdown.ts). When the plan also sends
 * requests, `onHeld` gets the held ones at once, so they can be recorded (and their retries
 * scheduled) without waiting for a probe that may take the whole time limit; the result includes
 * them all the same.
 */
export async function makeAttempts(
  plan: AttemptPlan,
  ctx: DeliveryContext,
  holds: Holds = { probes: new Set(), held: new Set() },
  onHeld?: (held: AttemptRecord[]) => void,
): Promise<AttemptRecord[]> {
  const secrets: Secrets = new Map();
  const isHeld = (s: AttemptPlan['send'][number]) => holds.held.has(s.delivery.id);
  const sends = plan.send.filter((s) => !isHeld(s));
  // Held ones first: made without the network, so nothing is on the wire if one of them throws.
  const held = plan.send.filter(isHeld).map(({ job, delivery }) => heldAttempt(job, delivery, ctx));
  const sending = Promise.allSettled(sends.map(({ job, delivery }) => attempt(job, delivery, ctx, secrets)));
  if (onHeld && sends.length > 0 && held.length > 0) onHeld(held);
  const sent = (await sending).map((e) => {
    if (e.status === 'rejected') throw e.reason;
    return e.value;
  });
  return [...held, ...sent];
}
