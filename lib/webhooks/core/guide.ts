import { eventCatalogue } from './events';
import { buildEventBody } from './envelope';
import { EXAMPLE_ENVELOPE } from './reference';
import { RETRY_JITTER } from './retry-policy';
import { signedHeaders } from './sign';

/**
 * The Webhooks Guide's worked example and the figures it states. The example's headers are made by
 * the product's own signing code (sign.ts) when the page renders; the verification snippets that
 * check it are in guide-snippets.ts.
 */

/** Figures of failure tracking as the guide states them; a unit test holds them to deliver/failure-tracking.ts. */
export const GUIDE_FAILURE_RULE = { days: 5, consecutiveFailures: 20 };

export type WorkedExample = {
  secret: string;
  /** The exact body bytes (as UTF-8 text) a receiver gets. */
  body: string;
  deliveryId: string;
  /** Unix seconds of the attempt. */
  timestamp: number;
  headers: Record<string, string>;
  /** What Standard Webhooks libraries take: `whsec_` and the base64 of the secret's bytes. */
  standardWebhooksSecret: string;
};

export function workedExample(): WorkedExample {
  const secret = 'wh_prod_a8f3x9d2k7q4m1z6';
  const deliveryId = 'dlv_7q4m1z6a8f3x9d2k0b5c';
  const at = new Date('2024-03-15T10:30:02Z');
  const body = buildEventBody({ type: 'workflow.completed', data: eventCatalogue['workflow.completed'].sample, ...EXAMPLE_ENVELOPE });
  const headers = signedHeaders({ deliveryId, eventType: 'workflow.completed', body, secrets: [secret], at });
  return {
    secret,
    body,
    deliveryId,
    timestamp: Math.floor(at.getTime() / 1000),
    headers,
    standardWebhooksSecret: `whsec_${Buffer.from(secret, 'utf8').toString('base64')}`,
  };
}

/** The retry schedule as the guide lists it: attempt number, nominal delay and the jitter range. */
export function retryScheduleRows(schedule: readonly number[]): { attempt: number; afterSeconds: number; earliest: number; latest: number }[] {
  return schedule.map((seconds, i) => ({
    attempt: i + 2,
    afterSeconds: seconds,
    earliest: Math.round(seconds * (1 - RETRY_JITTER)),
    latest: Math.round(seconds * (1 + RETRY_JITTER)),
  }));
}

/** 5 → "5 s", 300 → "5 min", 7200 → "2 h", 90 → "1 min 30 s". */
export function formatSeconds(total: number): string {
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', s ? `${s} s` : ''].filter(Boolean).join(' ');
}
