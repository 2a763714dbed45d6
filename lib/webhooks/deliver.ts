import type { DeliveryStatus } from '@/db/schema';
import { open } from '@/lib/crypto/secret-box';
import { newId } from '@/lib/ids';
import type { DeliveryRequest } from './enqueue';
import { loadDeliveries, type LoadedDelivery } from './load-deliveries';
import { postWebhook, type PostResult } from './post-webhook';
import { recordAttempts, type AttemptRecord } from './record-attempts';
import { signedHeaders } from './sign';
import { vetEndpointUrl, type Resolver, type VetResult } from './url-guard';

export type DeliveryContext = {
  timeoutMs: number;
  allowPrivate: boolean;
  encryptionKey: string;
  resolver?: Resolver;
};

/** Per-batch caches: one vetting per endpoint URL and one decryption per webhook, whatever the batch size. */
type BatchCaches = { vets: Map<string, Promise<VetResult>>; secrets: Map<string, string | null> };

/** The delivery's state after an attempt. Automatic retries will turn a failure into `retrying` here. */
function deliveryStateAfter(result: PostResult): { status: DeliveryStatus; nextAttemptAt: Date | null } {
  return { status: result.success ? 'succeeded' : 'failed', nextAttemptAt: null };
}

function secretOf(delivery: LoadedDelivery, key: string, caches: BatchCaches): string | null {
  if (!caches.secrets.has(delivery.webhookId)) {
    let secret: string | null = null;
    try {
      secret = open(delivery.secretCiphertext, key);
    } catch {
      secret = null;
    }
    caches.secrets.set(delivery.webhookId, secret);
  }
  return caches.secrets.get(delivery.webhookId) ?? null;
}

/** Vets the endpoint, bounded by the attempt's time limit so a slow DNS answer is a timeout too. */
async function vet(url: string, ctx: DeliveryContext, caches: BatchCaches): Promise<VetResult> {
  let vetting = caches.vets.get(url);
  if (!vetting) {
    vetting = vetEndpointUrl(url, { allowPrivate: ctx.allowPrivate, resolver: ctx.resolver });
    caches.vets.set(url, vetting);
  }
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<VetResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `Timed out after ${ctx.timeoutMs} ms resolving the endpoint's host` }), ctx.timeoutMs);
  });
  try {
    return await Promise.race([vetting, limit]);
  } finally {
    clearTimeout(timer);
  }
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

async function attempt(job: DeliveryRequest, delivery: LoadedDelivery, ctx: DeliveryContext, caches: BatchCaches): Promise<AttemptRecord> {
  const startedAt = new Date();
  const started = performance.now();
  const body = delivery.body;
  const secret = secretOf(delivery, ctx.encryptionKey, caches);
  const headers = {
    ...(secret ? signedHeaders({ deliveryId: delivery.id, eventType: delivery.eventType, body, secrets: [secret], at: startedAt }) : {}),
    'Content-Length': String(Buffer.byteLength(body)),
  };

  let result: PostResult;
  if (!secret) {
    result = refused('The webhook secret could not be decrypted; save the webhook with its secret again', 0);
  } else {
    const vetted = await vet(delivery.url, ctx, caches);
    result = vetted.ok
      ? await postWebhook({ url: vetted.url, headers, body, timeoutMs: ctx.timeoutMs, startedAt: started, addresses: vetted.addresses })
      : refused(vetted.error, Math.round(performance.now() - started));
  }

  const state = deliveryStateAfter(result);
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
    completedAt: new Date(startedAt.getTime() + result.durationMs),
    deliveryStatus: state.status,
    nextAttemptAt: state.nextAttemptAt,
  };
}

/**
 * Makes one batch of attempts: one query loads them, the POSTs run concurrently, one
 * transaction records every attempt. A delivery that no longer exists is dropped.
 */
export async function deliverBatch(jobs: readonly DeliveryRequest[], ctx: DeliveryContext): Promise<void> {
  const loaded = await loadDeliveries(jobs.map((j) => j.deliveryId));
  const caches: BatchCaches = { vets: new Map(), secrets: new Map() };
  const records = await Promise.all(
    jobs.flatMap((job) => {
      const delivery = loaded.get(job.deliveryId);
      return delivery ? [attempt(job, delivery, ctx, caches)] : [];
    }),
  );
  await recordAttempts(records);
}
