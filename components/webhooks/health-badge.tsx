import type { WebhookHealth } from '@/lib/webhooks/core/health';
import { StatusBadge } from './status-badge';

const look: Record<WebhookHealth, { tone: 'green' | 'amber' | 'red'; label: string }> = {
  healthy: { tone: 'green', label: 'Healthy' },
  failing: { tone: 'amber', label: 'Failing' },
  disabled: { tone: 'red', label: 'Disabled' },
};

export function HealthBadge({ health }: { health: WebhookHealth }) {
  return <StatusBadge tone={look[health].tone}>{look[health].label}</StatusBadge>;
}

export function formatSuccessRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}
