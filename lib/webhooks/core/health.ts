import { slowdownLabel, type SlowReason } from './slowdown';

/**
 * A webhook's health: one state, shown alike on the webhooks list, the webhook page header and the
 * Delivery Log. Judged from the webhook's counters and its statistics over the last 24 hours (test
 * events excluded), in this order:
 *
 * 1. **Disabled** — failure tracking disabled it (the reason is shown).
 * 2. **Inactive** — an admin unticked Active.
 * 3. **No deliveries yet** — nothing was ever attempted.
 * 4. **Failing** — the latest delivery failed after all its automatic attempts, or the last
 *    `FAILING_AFTER_FAILED_ATTEMPTS` attempts in a row failed, or the latest attempt failed and
 *    fewer than `FAILING_BELOW_SUCCESS_RATE` of the last 24 hours' attempts succeeded.
 * 5. **Degraded** — the endpoint is slowed down to one request at a time (deliver/slowdown.ts), or
 *    fewer than `DEGRADED_BELOW_SUCCESS_RATE` of the last 24 hours' attempts succeeded, or it is
 *    timing out: at least `DEGRADED_TIMEOUT_SHARE` of them timed out.
 * A Failing endpoint that is slowed down says so in its detail.
 * 6. **Healthy** — otherwise.
 */

export type WebhookHealth = 'disabled' | 'inactive' | 'no-deliveries' | 'failing' | 'degraded' | 'healthy';

export const DEGRADED_BELOW_SUCCESS_RATE = 0.95;
export const DEGRADED_TIMEOUT_SHARE = 0.01;
export const FAILING_BELOW_SUCCESS_RATE = 0.5;
export const FAILING_AFTER_FAILED_ATTEMPTS = 10;

export type HealthInput = {
  active: boolean;
  /** Set when failure tracking disabled the webhook. */
  disabledReason: string | null;
  /** When any attempt (test events included) was last recorded; null if never. */
  lastDeliveryAt: Date | null;
  /** Failed attempts since the last success. */
  consecutiveFailures: number;
  /** Deliveries that ended failed since the last success. */
  consecutiveFailedDeliveries: number;
  /** The last 24 hours, test events excluded. */
  attempts24h: number;
  successes24h: number;
  timeouts24h: number;
  /** Why the endpoint is slowed down to one request at a time; null when it is not. */
  slowedReason: SlowReason | null;
};

export type HealthState = {
  health: WebhookHealth;
  /** The badge text. */
  label: string;
  /** Why, in a sentence: the disabling reason, or the figure that decided the state. */
  detail: string;
};

const LABELS: Record<WebhookHealth, string> = {
  disabled: 'Disabled',
  inactive: 'Inactive',
  'no-deliveries': 'No deliveries yet',
  failing: 'Failing',
  degraded: 'Degraded',
  healthy: 'Healthy',
};

export const healthLabel = (health: WebhookHealth) => LABELS[health];

const percent = (rate: number) => `${(rate * 100).toFixed(rate === 0 || rate === 1 ? 0 : 1)}%`;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function healthOf(input: HealthInput): HealthState {
  const slowed = input.slowedReason === null ? '' : ` ${slowdownLabel(input.slowedReason).replace(/^Degraded: /, 'Slowed down: ')}.`;
  const state = (health: WebhookHealth, detail: string): HealthState => ({
    health,
    label: LABELS[health],
    detail: health === 'failing' ? `${detail}${slowed}` : detail,
  });
  if (input.disabledReason !== null) return state('disabled', input.disabledReason);
  if (!input.active) return state('inactive', 'Events are not sent to this endpoint.');
  if (input.lastDeliveryAt === null) return state('no-deliveries', 'Nothing has been sent to this endpoint yet.');

  const rate = input.attempts24h > 0 ? input.successes24h / input.attempts24h : null;
  const rateText = rate === null ? '' : `${percent(rate)} of ${plural(input.attempts24h, 'attempt', 'attempts')} succeeded in the last 24 hours`;
  if (input.consecutiveFailedDeliveries > 0) {
    return state('failing', `${plural(input.consecutiveFailedDeliveries, 'delivery', 'deliveries')} failed in a row after every retry.`);
  }
  if (input.consecutiveFailures >= FAILING_AFTER_FAILED_ATTEMPTS) {
    return state('failing', `The last ${input.consecutiveFailures} attempts failed.`);
  }
  if (rate !== null && rate < FAILING_BELOW_SUCCESS_RATE && input.consecutiveFailures > 0) return state('failing', `Only ${rateText}.`);
  if (input.slowedReason !== null) return state('degraded', `${slowdownLabel(input.slowedReason)}.`);
  if (rate !== null && rate < DEGRADED_BELOW_SUCCESS_RATE) return state('degraded', `Only ${rateText}.`);
  if (input.attempts24h > 0 && input.timeouts24h / input.attempts24h >= DEGRADED_TIMEOUT_SHARE) {
    return state('degraded', `${plural(input.timeouts24h, 'attempt', 'attempts')} of ${input.attempts24h} timed out in the last 24 hours.`);
  }
  return state('healthy', rate === null ? 'No attempts in the last 24 hours.' : `${rateText}.`);
}
