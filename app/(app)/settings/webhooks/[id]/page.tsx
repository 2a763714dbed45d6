import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RoleNeeded } from '@/components/role-needed';
import { SecretField } from '@/components/webhooks/secret-field';
import { StatusBadge } from '@/components/webhooks/status-badge';
import { SubscriptionsPanel } from '@/components/webhooks/subscriptions-panel';
import { ActiveToggle, DeleteWebhookButton } from '@/components/webhooks/webhook-controls';
import { WebhookDialog } from '@/components/webhooks/webhook-dialog';
import { requireOrgAdmin } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { getWebhook, listSubscriptions } from '@/lib/webhooks/queries';

export const metadata: Metadata = { title: 'Webhook' };

export default async function WebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const admin = await requireOrgAdmin();
  if (!admin) return <RoleNeeded />;
  const { id } = await params;
  const webhook = await getWebhook(admin.organisationId, id);
  if (!webhook) notFound();
  const subscribed = await listSubscriptions(admin.organisationId, webhook.id);

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/settings/webhooks" className="text-brand-700 hover:underline">
          Webhooks
        </Link>
        <span className="text-slate-400"> / </span>
        <span className="text-slate-600">{webhook.name}</span>
      </nav>

      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex items-center gap-3">
            <h1 className="truncate text-2xl font-semibold">{webhook.name}</h1>
            {webhook.active ? <StatusBadge tone="green">Active</StatusBadge> : <StatusBadge tone="slate">Inactive</StatusBadge>}
          </div>
          <p className="mt-1 break-all font-mono text-sm text-slate-600">{webhook.url}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <WebhookDialog trigger="Edit" webhook={{ id: webhook.id, name: webhook.name, url: webhook.url, active: webhook.active }} />
          <ActiveToggle webhookId={webhook.id} active={webhook.active} />
          <DeleteWebhookButton webhookId={webhook.id} name={webhook.name} />
        </div>
      </div>

      <section aria-labelledby="webhook-settings" className="rounded-lg border border-slate-200 bg-white px-5 py-4">
        <h2 id="webhook-settings" className="text-base font-semibold">
          Settings
        </h2>
        <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="font-medium text-slate-600">Endpoint URL</dt>
          <dd className="break-all font-mono text-xs">{webhook.url}</dd>
          <dt className="font-medium text-slate-600">Secret</dt>
          <dd>
            <SecretField webhookId={webhook.id} />
          </dd>
          <dt className="font-medium text-slate-600">Active</dt>
          <dd>{webhook.active ? 'Yes' : 'No — events are not sent to this endpoint'}</dd>
          <dt className="font-medium text-slate-600">Created</dt>
          <dd>{formatDateTime(webhook.createdAt)}</dd>
        </dl>
      </section>

      <SubscriptionsPanel webhookId={webhook.id} subscribed={subscribed} />
    </div>
  );
}
