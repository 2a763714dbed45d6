import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { RoleNeeded } from '@/components/role-needed';
import { DeliveryLog } from '@/components/webhooks/delivery-log';
import { SendTestEventDialog } from '@/components/webhooks/send-test-event-dialog';
import { SecretField } from '@/components/webhooks/secret-field';
import { StatusBadge } from '@/components/webhooks/status-badge';
import { SubscriptionsPanel } from '@/components/webhooks/subscriptions-panel';
import { ActiveToggle, DeleteWebhookButton } from '@/components/webhooks/webhook-controls';
import { WebhookDialog } from '@/components/webhooks/webhook-dialog';
import { requireOrgAdmin } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { getWebhook, listSubscriptions } from '@/lib/webhooks/queries';
import { listDeliveryAttempts } from '@/lib/webhooks/delivery-log';
import { eventTypeSchema } from '@/lib/webhooks/events';
import type { Webhook } from '@/db/schema';

export const metadata: Metadata = { title: 'Webhook' };

type SearchParams = { tab?: string; status?: string; event?: string; before?: string };

const logFilters = z.object({
  status: z.enum(['success', 'failed']).optional().catch(undefined),
  eventType: eventTypeSchema.optional().catch(undefined),
  before: z.string().max(200).optional().catch(undefined),
});

export default async function WebhookPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const admin = await requireOrgAdmin();
  if (!admin) return <RoleNeeded />;
  const { id } = await params;
  const query = await searchParams;
  const webhook = await getWebhook(admin.organisationId, id);
  if (!webhook) notFound();
  const tab = query.tab === 'log' ? 'log' : 'settings';

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
          <SendTestEventDialog webhookId={webhook.id} />
          <WebhookDialog trigger="Edit" webhook={{ id: webhook.id, name: webhook.name, url: webhook.url, active: webhook.active }} />
          <ActiveToggle webhookId={webhook.id} active={webhook.active} />
          <DeleteWebhookButton webhookId={webhook.id} name={webhook.name} />
        </div>
      </div>

      <nav role="tablist" aria-label="Webhook" className="flex gap-1 border-b border-slate-200">
        <TabLink href={`/settings/webhooks/${webhook.id}`} selected={tab === 'settings'}>
          Settings
        </TabLink>
        <TabLink href={`/settings/webhooks/${webhook.id}?tab=log`} selected={tab === 'log'}>
          Delivery Log
        </TabLink>
      </nav>

      {tab === 'settings' ? <SettingsTab webhook={webhook} organisationId={admin.organisationId} /> : <LogTab webhookId={webhook.id} organisationId={admin.organisationId} query={query} />}
    </div>
  );
}

function TabLink({ href, selected, children }: { href: string; selected: boolean; children: React.ReactNode }) {
  return (
    <Link
      href={href}
      role="tab"
      aria-selected={selected}
      className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${selected ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600 hover:text-slate-900'}`}
    >
      {children}
    </Link>
  );
}

async function SettingsTab({ webhook, organisationId }: { webhook: Webhook; organisationId: string }) {
  const subscribed = await listSubscriptions(organisationId, webhook.id);
  return (
    <>
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
          <dt className="font-medium text-slate-600">Last delivery</dt>
          <dd>
            {webhook.lastDeliveryStatus && webhook.lastDeliveryAt ? (
              <span className="flex items-center gap-2">
                <StatusBadge tone={webhook.lastDeliveryStatus === 'success' ? 'green' : 'red'}>{webhook.lastDeliveryStatus}</StatusBadge>
                {formatDateTime(webhook.lastDeliveryAt)}
              </span>
            ) : (
              'No deliveries yet'
            )}
          </dd>
        </dl>
      </section>
      <SubscriptionsPanel webhookId={webhook.id} subscribed={subscribed} />
      <p className="text-sm text-slate-600">
        Payload fields for every event are in the{' '}
        <Link href="/settings/webhooks/events" className="font-medium text-brand-700 hover:underline">
          Webhook Events Reference
        </Link>
        .
      </p>
    </>
  );
}

async function LogTab({ webhookId, organisationId, query }: { webhookId: string; organisationId: string; query: SearchParams }) {
  const filters = logFilters.parse({ status: query.status, eventType: query.event, before: query.before });
  const page = await listDeliveryAttempts(organisationId, webhookId, filters);
  if (!page) notFound();
  return <DeliveryLog webhookId={webhookId} initial={page} filters={{ status: filters.status, eventType: filters.eventType }} paged={Boolean(filters.before)} />;
}
