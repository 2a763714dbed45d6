import { open } from '@/lib/crypto/secret-box';
import { newId } from '@/lib/ids';
import type { DeliveryRequest } from '@/lib/webhooks/queue/enqueue';
import { loadDeliveries, type LoadedDelivery } from './load';
import { postWebhook, type PostResult } from './post';
import { recordAttempts, type AttemptRecord } from './record';
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

/**
 * What a job asks of a delivery now. Manual and test attempts always go. An automatic job goes only
 * if the delivery still waits for exactly that attempt: a job that ran before (its worker died after
 * recording), a retry replaced by a manual Retry, or a delivery already skipped does nothing. An
 * automatic attempt for a webhook disabled by failure tracking is kept as skipped instead.
 */
function verdict(job: DeliveryRequest, delivery: LoadedDelivery): 'send' | 'skip' | 'stale' {
  if (job.trigger !== 'automatic') return 'send';
  const attempt = job.attempt ?? 1;
  const waiting = attempt === 1 ? 'pending' : 'retrying';
  if (delivery.status !== waiting || delivery.attemptCount !== attempt - 1) return 'stale';
  return delivery.webhookDisabled ? 'skip' : 'send';
}

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
 * What a set of jobs asks of the deliveries as they stand now: the attempts to make, the deliveries
 * to keep as skipped, and the automatic attempts that would be sent but are under way already.
 */
export type AttemptPlan = { send: { job: DeliveryRequest; delivery: LoadedDelivery }[]; skipped: string[]; busy: string[] };

/**
 * Decides each requested attempt against its loaded delivery. A delivery that no longer exists is
 * dropped. An automatic attempt already in `inFlight` (the same job run again after it expired, while
 * its first run is still recording) is listed as busy instead of sent; the plan's own automatic
 * attempts are added to `inFlight`, and the caller removes them once they are recorded.
 */
export function planAttempts(jobs: readonly DeliveryRequest[], loaded: ReadonlyMap<string, LoadedDelivery>, inFlight: Set<string>): AttemptPlan {
  const plan: AttemptPlan = { send: [], skipped: [], busy: [] };
  const mine = new Set<string>();
  for (const job of jobs) {
    const delivery = loaded.get(job.deliveryId);
    if (!delivery) continue;
    const next = verdict(job, delivery);
    if (next === 'skip') plan.skipped.push(delivery.id);
    if (next !== 'send') continue;
    if (job.trigger === 'automatic') {
      if (mine.has(delivery.id)) continue; // asked twice: sent once
      if (inFlight.has(delivery.id)) {
        plan.busy.push(delivery.id);
        continue;
      }
      mine.add(delivery.id);
    }
    plan.send.push({ job, delivery });
  }
  for (const id of mine) inFlight.add(id);
  return plan;
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

/**
 * Makes one batch of attempts outside the queue (tests that drive the engine with an injected
 * clock): one query loads them, the POSTs run concurrently, one transaction records them.
 */
export async function deliverBatch(jobs: readonly DeliveryRequest[], ctx: DeliveryContext): Promise<void> {
  const plan = planAttempts(jobs, await loadDeliveries(jobs.map((j) => j.deliveryId)), new Set());
  await recordAttempts(await makeAttempts(plan, ctx), { skipped: plan.skipped });
}
