import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { Breadcrumb } from '@/components/breadcrumb';
import { LinkTabs, TabPanels } from '@/components/ui/tabs';
import { CopyButton } from '@/components/copy-button';
import { RelativeTime } from '@/components/relative-time';
import { RoleNeeded } from '@/components/role-needed';
import { DeliveryLog } from '@/components/webhooks/delivery-log';
import { formatSuccessRate, HealthBadge } from '@/components/webhooks/health-badge';
import { DisabledBanner, RecoveryControls } from '@/components/webhooks/recovery-controls';
import { SendTestEventDialog } from '@/components/webhooks/send-test-event-dialog';
import { SecretPanel } from '@/components/webhooks/secret-field';
import { StatusBadge } from '@/components/webhooks/status-badge';
import { SuccessChart } from '@/components/webhooks/success-chart';
import { SubscriptionsPanel } from '@/components/webhooks/subscriptions-panel';
import { ActiveToggle, DeleteWebhookButton } from '@/components/webhooks/webhook-controls';
import { WebhookDialog } from '@/components/webhooks/webhook-dialog';
import { requireOrgAdmin } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { formatDurationBound } from '@/lib/webhooks/core/duration-buckets';
import { getWebhookCharts } from '@/lib/webhooks/read/webhook-chart';
import { getWebhookHealth, type WebhookHealthSummary } from '@/lib/webhooks/read/webhook-health';
import { slowdownLabel } from '@/lib/webhooks/core/slowdown';
import { getWebhook, listSubscriptions } from '@/lib/webhooks/read/webhook-list';
import { countDeliveryAttempts, listDeliveryAttempts } from '@/lib/webhooks/read/delivery-log';
import { deliveryLogQuerySchema } from '@/lib/webhooks/core/delivery-log-query';
import { isRecordId } from '@/lib/validation';
import type { Webhook } from '@/db/schema';

export const metadata: Metadata = { title: 'Webhook' };

type SearchParams = { tab?: string; status?: string; event?: string; from?: string; to?: string; q?: string; before?: string };

/** The log's filters from the address bar: a value that does not parse is dropped, not an error page. */
const shape = deliveryLogQuerySchema.shape;
const logFilters = z.object({
  status: shape.status.catch(undefined),
  event: shape.event.catch(undefined),
  from: shape.from.catch(undefined),
  to: shape.to.catch(undefined),
  q: shape.q.catch(undefined),
  before: shape.before.catch(undefined),
});

export default async function WebhookPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const admin = await requireOrgAdmin();
  if (!admin) return <RoleNeeded />;
  const { id } = await params;
  if (!isRecordId(id)) notFound();
  const query = await searchParams;
  const webhook = await getWebhook(admin.organisationId, id);
  if (!webhook) notFound();
  const tab = query.tab === 'log' ? 'log' : 'settings';
  const health = (await getWebhookHealth(admin.organisationId, [webhook.id]))[webhook.id]!;
  const tabs = [
    { id: 'settings', label: 'Settings', href: `/settings/webhooks/${webhook.id}` },
    { id: 'log', label: 'Delivery Log', href: `/settings/webhooks/${webhook.id}?tab=log` },
  ];

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ label: 'Webhooks', href: '/settings/webhooks' }, { label: webhook.name }]} />

      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <h1 className="min-w-0 break-words text-2xl font-semibold">{webhook.name}</h1>
            <HealthBadge state={health} />
          </div>
          <p className="mt-1 break-all font-mono text-sm text-slate-600">{webhook.url}</p>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
            <span>
              Webhook id <code className="break-all font-mono">{webhook.id}</code>
            </span>
            <CopyButton text={webhook.id} label="Copy webhook id" className="px-2 py-0.5 text-xs" />
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <SendTestEventDialog webhookId={webhook.id} />
          <WebhookDialog trigger="Edit" webhook={{ id: webhook.id, name: webhook.name, url: webhook.url, active: webhook.active }} />
          <ActiveToggle webhookId={webhook.id} active={webhook.active} />
          <DeleteWebhookButton webhookId={webhook.id} name={webhook.name} />
        </div>
      </div>

      {health.disabledReason ? (
        <DisabledBanner webhookId={webhook.id} reason={health.disabledReason} disabledAt={health.disabledAt} skippedCount={health.skippedCount} />
      ) : null}

      <LinkTabs label="Webhook" tabs={tabs} selected={tab} />
      <TabPanels tabs={tabs} selected={tab}>
        {tab === 'settings' ? <SettingsTab webhook={webhook} organisationId={admin.organisationId} health={health} /> : <LogTab webhookId={webhook.id} organisationId={admin.organisationId} query={query} health={health} />}
      </TabPanels>
    </div>
  );
}

async function SettingsTab({ webhook, organisationId, health }: { webhook: Webhook; organisationId: string; health: WebhookHealthSummary }) {
  const previousSecretValid = webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > new Date() ? webhook.previousSecretExpiresAt : null;
  const [subscribed, charts] = await Promise.all([listSubscriptions(organisationId, webhook.id), getWebhookCharts(organisationId, webhook.id)]);
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
            <SecretPanel webhookId={webhook.id} updatedAt={webhook.updatedAt.toISOString()} previousValidUntil={previousSecretValid?.toISOString() ?? null} />
          </dd>
          <dt className="font-medium text-slate-600">Active</dt>
          <dd>{webhook.active ? 'Yes' : 'No — events are not sent to this endpoint'}</dd>
          <dt className="font-medium text-slate-600">Created</dt>
          <dd>
            <RelativeTime value={webhook.createdAt} />
          </dd>
          <dt className="font-medium text-slate-600">Last delivery</dt>
          <dd>
            {webhook.lastDeliveryStatus && webhook.lastDeliveryAt ? (
              <span className="flex items-center gap-2">
                <StatusBadge tone={webhook.lastDeliveryStatus === 'success' ? 'green' : 'red'}>{webhook.lastDeliveryStatus}</StatusBadge>
                <RelativeTime value={webhook.lastDeliveryAt} />
              </span>
            ) : (
              'No deliveries yet'
            )}
          </dd>
        </dl>
      </section>
      <SubscriptionsPanel webhookId={webhook.id} subscribed={subscribed} />
      <section aria-labelledby="health-heading" className="rounded-lg border border-slate-200 bg-white px-5 py-4">
        <h2 id="health-heading" className="flex items-center gap-2 text-base font-semibold">
          Delivery health <HealthBadge state={health} />
        </h2>
        <p className="mt-1 text-sm text-slate-600" data-testid="health-detail">
          {health.detail}
        </p>
        <dl className="mt-3 grid grid-cols-2 gap-4 text-sm sm:grid-cols-5">
          <div>
            <dt className="text-slate-600">Success rate (24 h)</dt>
            <dd data-testid="success-rate">{formatSuccessRate(health.successRate24h)}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Duration p50 / p95 (24 h)</dt>
            <dd>
              {formatDurationBound(health.p50DurationMs24h)} / {formatDurationBound(health.p95DurationMs24h)}
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Consecutive failed deliveries</dt>
            <dd data-testid="consecutive-failures">{health.consecutiveFailedDeliveries}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Last success</dt>
            <dd>{health.lastSuccessAt ? <RelativeTime value={health.lastSuccessAt} /> : '—'}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Last failure</dt>
            <dd>{health.lastFailureAt ? <RelativeTime value={health.lastFailureAt} /> : '—'}</dd>
          </div>
        </dl>
        {health.slowdown && !health.disabledReason ? (
          <p className="mt-3 text-sm text-amber-800" data-testid="slowdown">
            {slowdownLabel(health.slowdown.reason)} since {formatDateTime(health.slowdown.since)}. Attempts that fall due while that request is out are
            recorded as not sent and retried on schedule; the endpoint is back at full speed as soon as a request succeeds.
          </p>
        ) : null}
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <SuccessChart title="Last 24 hours (hourly)" points={charts.day} unit="hour" />
          <SuccessChart title="Last 7 days (daily)" points={charts.week} unit="day" />
        </div>
        <p className="mt-3 text-xs text-slate-500">
          Failed deliveries are retried automatically with backoff. A webhook is disabled when its endpoint answers 410 Gone, or after 5 days and at least 20
          attempts without a success.
        </p>
      </section>
      {health.disabledReason ? null : <RecoveryControls webhookId={webhook.id} skippedCount={health.skippedCount} />}
      <p className="text-sm text-slate-600">
        Payload fields for every event are in the{' '}
        <Link href="/settings/webhooks/events" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
          Webhook Events Reference
        </Link>
        .
      </p>
    </>
  );
}

async function LogTab({ webhookId, organisationId, query, health }: { webhookId: string; organisationId: string; query: SearchParams; health: WebhookHealthSummary }) {
  const { event, ...filters } = logFilters.parse({ status: query.status, event: query.event, from: query.from, to: query.to, q: query.q, before: query.before });
  const [page, totals] = await Promise.all([
    listDeliveryAttempts(organisationId, webhookId, { ...filters, eventType: event }),
    countDeliveryAttempts(organisationId, webhookId, { ...filters, eventType: event }),
  ]);
  if (!page) notFound();
  return (
    <DeliveryLog
      webhookId={webhookId}
      initial={page}
      totals={totals}
      health={health.health}
      filters={{ status: filters.status, eventType: event, from: filters.from, to: filters.to, q: filters.q || undefined }}
      paged={Boolean(filters.before)}
    />
  );
}
