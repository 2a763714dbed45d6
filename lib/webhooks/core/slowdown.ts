/** Why an endpoint is slowed down to one request at a time (deliver/slowdown.ts keeps the state). */
export type SlowReason = 'timeout' | 'rate_limited' | 'failing';

// The slow-down's figures, here so that the Webhooks Guide states the rules the worker applies.

/** Failed attempts in a row (test events excluded, see deliver/failure-tracking.ts) that slow an unreachable endpoint down. */
export const SLOW_AFTER_FAILURES = 5;
/** After a failed request to a slowed-down endpoint, how long before the next one. */
export const PROBE_PAUSE_MS = 15_000;
/** The longest pause a Retry-After header may ask for. */
export const MAX_PAUSE_MS = 60_000;
/** How long a request may be in flight before its endpoint counts as lagging (deliver/lagging.ts). */
export const LAG_AFTER_MS = 2_000;

const CONDITION: Record<SlowReason, string> = {
  timeout: 'timing out',
  rate_limited: 'answering 429 Too Many Requests',
  failing: 'unreachable',
};

/** What the webhook page says of a slowed-down endpoint, e.g. "Degraded: timing out, 1 request at a time". */
export function slowdownLabel(reason: SlowReason): string {
  return `Degraded: ${CONDITION[reason]}, 1 request at a time`;
}
