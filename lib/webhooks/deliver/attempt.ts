import { open } from '@/lib/crypto/secret-box';
import { newId } from '@/lib/ids';
import type { DeliveryRequest } from '@/lib/webhooks/queue/enqueue';
import type { AttemptPlan } from './fence';
import type { LoadedDelivery } from './load';
import { postWebhook, type PostResult } from './post';
import type { AttemptRecord } from './record';
import { deliveryStatusAfterAttempt, nextRetryDelay } from '@/lib/webhooks/core/retry-policy';
import { signingSecrets } from '@/lib/webhooks/core/secret-rotation';
import { signedHeaders } from '@/lib/webhooks/core/sign';
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

const refused = (error: string, durationMs: number): PostResult => ({
  success: false,
  status: null,
  headers: null,
  body: null,
  bodyTruncated: false,
  durationMs,
  error,
});

async function attempt(job: DeliveryRequest, delivery: LoadedDelivery, ctx: DeliveryContext, secrets: Secrets): Promise<AttemptRecord> {
  const now = ctx.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const body = delivery.body;
  const signing = secretsOf(delivery, ctx.encryptionKey, secrets, startedAt);
  const headers = {
    ...(signing ? signedHeaders({ deliveryId: delivery.id, eventType: delivery.eventType, body, secrets: signing, at: startedAt }) : {}),
    'Content-Length': String(Buffer.byteLength(body)),
  };

  let result: PostResult;
  const checked = checkEndpointUrl(delivery.url, ctx.allowPrivate);
  if (!signing) {
    result = refused('The webhook secret could not be decrypted; save the webhook with its secret again', 0);
  } else if (!checked.ok) {
    result = refused(checked.error, 0);
  } else {
    result = await postWebhook({ url: checked.url, headers, body, timeoutMs: ctx.timeoutMs, startedAt: started, allowPrivate: ctx.allowPrivate, resolver: ctx.resolver });
  }

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
    requestHeaders: headers,
    requestBody: delivery.body,
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
  };
}

/**
 * Makes a plan's attempts concurrently; one decryption per webhook however many there are. Resolves
 * (or rejects) only once every attempt has ended, so none is still on the wire when its job moves on.
 */
export async function makeAttempts(plan: AttemptPlan, ctx: DeliveryContext): Promise<AttemptRecord[]> {
  const secrets: Secrets = new Map();
  const ended = await Promise.allSettled(plan.send.map(({ job, delivery }) => attempt(job, delivery, ctx, secrets)));
  return ended.map((e) => {
    if (e.status === 'rejected') throw e.reason;
    return e.value;
  });
}
