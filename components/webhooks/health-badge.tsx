import type { HealthState, WebhookHealth } from '@/lib/webhooks/core/health';
import { StatusBadge } from './status-badge';

const tone: Record<WebhookHealth, 'green' | 'amber' | 'red' | 'slate'> = {
  healthy: 'green',
  degraded: 'amber',
  failing: 'red',
  disabled: 'red',
  inactive: 'slate',
  'no-deliveries': 'slate',
};

/** The webhook's one health state; its reason is the badge's tooltip and accessible description. */
export function HealthBadge({ state }: { state: HealthState }) {
  return (
    <span data-testid="health-state" data-health={state.health} title={state.detail}>
      <StatusBadge tone={tone[state.health]}>{state.label}</StatusBadge>
      <span className="sr-only">: {state.detail}</span>
    </span>
  );
}

export function formatSuccessRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}
