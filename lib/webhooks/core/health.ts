/** The health badge of the webhooks list and page. */
export type WebhookHealth = 'healthy' | 'failing' | 'disabled';

export type HealthInput = {
  active: boolean;
  /** Set when failure tracking disabled the webhook. */
  disabledReason: string | null;
  consecutiveFailures: number;
};

export function healthOf({ active, disabledReason, consecutiveFailures }: HealthInput): WebhookHealth {
  if (disabledReason !== null || !active) return 'disabled';
  return consecutiveFailures > 0 ? 'failing' : 'healthy';
}
