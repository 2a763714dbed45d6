/** Why an endpoint is slowed down to one request at a time (deliver/slowdown.ts keeps the state). */
export type SlowReason = 'timeout' | 'rate_limited' | 'failing';

const CONDITION: Record<SlowReason, string> = {
  timeout: 'timing out',
  rate_limited: 'answering 429 Too Many Requests',
  failing: 'unreachable',
};

/** What the webhook page says of a slowed-down endpoint, e.g. "Degraded: timing out, 1 request at a time". */
export function slowdownLabel(reason: SlowReason): string {
  return `Degraded: ${CONDITION[reason]}, 1 request at a time`;
}
