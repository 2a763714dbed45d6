import type { Metadata } from 'next';
import Link from 'next/link';
import { RelativeTime } from '@/components/relative-time';
import { RoleNeeded } from '@/components/role-needed';
import { formatSuccessRate, HealthBadge } from '@/components/webhooks/health-badge';
import { StatusBadge } from '@/components/webhooks/status-badge';
import { WebhookDialog } from '@/components/webhooks/webhook-dialog';
import { requireOrgAdmin } from '@/lib/auth/session';
import { formatDate, formatDateTime } from '@/lib/format';
import { formatDurationBound } from '@/lib/webhooks/core/duration-buckets';
import { getWebhookHealth } from '@/lib/webhooks/read/webhook-health';
import { listWebhooks } from '@/lib/webhooks/read/webhook-list';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  const admin = await requireOrgAdmin();
  if (!admin) return <RoleNeeded />;
  const webhooks = await listWebhooks(admin.organisationId);
  const health = await getWebhookHealth(
    admin.organisationId,
    webhooks.map((w) => w.id),
  );

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Webhooks</h1>
          <p className="mt-1 text-sm text-slate-600">
            Notify your external systems in real time when events occur in Kazinex.{' '}
            <Link href="/settings/webhooks/events" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
              Webhook Events Reference
            </Link>{' '}
            ·{' '}
            <Link href="/settings/webhooks/guide" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
              Webhooks Guide
            </Link>
          </p>
        </div>
        <WebhookDialog trigger="New Webhook" />
      </div>

      {webhooks.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-base font-semibold">No webhooks yet</h2>
          <p className="mx-auto mt-2 max-w-md text-sm text-slate-600">
            Webhooks let Kazinex notify your external systems — your ERP, a Slack integration, a custom API — when a
            workflow completes, a document is approved or a transmittal is acknowledged. Each event arrives as a signed
            HTTP POST. Click <strong>New Webhook</strong> to add your first endpoint.
          </p>
        </div>
      ) : (
        <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2">Name</th>
                <th scope="col" className="px-4 py-2">Endpoint URL</th>
                <th scope="col" className="px-4 py-2">Events</th>
                <th scope="col" className="px-4 py-2">Health</th>
                <th scope="col" className="px-4 py-2">Last delivery</th>
                <th scope="col" className="px-4 py-2">Created</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {webhooks.map((w) => (
                <tr key={w.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2 font-medium">
                    <Link href={`/settings/webhooks/${w.id}`} className="text-brand-700 underline underline-offset-2 hover:text-brand-600">
                      {w.name}
                    </Link>
                  </td>
                  <td className="max-w-xs truncate px-4 py-2 font-mono text-xs text-slate-700" title={w.url}>
                    {w.url}
                  </td>
                  <td className="px-4 py-2">{w.subscriptionCount}</td>
                  <td className="px-4 py-2">
                    {health[w.id] ? (
                      <span className="flex flex-wrap items-center gap-2">
                        <HealthBadge state={health[w.id]!} />
                        <span className="text-xs text-slate-600">
                          {health[w.id]!.attempts24h > 0
                            ? `${formatSuccessRate(health[w.id]!.successRate24h)} ok (24 h) · p50 ${formatDurationBound(health[w.id]!.p50DurationMs24h)}`
                            : 'no attempts in 24 h'}
                        </span>
                      </span>
                    ) : null}
                  </td>
                  <td className="px-4 py-2">
                    {w.lastDeliveryStatus && w.lastDeliveryAt ? (
                      <span className="flex items-center gap-2">
                        <StatusBadge tone={w.lastDeliveryStatus === 'success' ? 'green' : 'red'}>{w.lastDeliveryStatus}</StatusBadge>
                        <RelativeTime value={w.lastDeliveryAt} className="text-xs text-slate-600" />
                      </span>
                    ) : (
                      <span className="text-slate-600">No deliveries yet</span>
                    )}
                  </td>
                  <td className="px-4 py-2 text-slate-600">{formatDate(w.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
