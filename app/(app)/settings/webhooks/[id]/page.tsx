import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { Breadcrumb } from '@/components/breadcrumb';
import { RoleNeeded } from '@/components/role-needed';
import { DeliveryLog } from '@/components/webhooks/delivery-log';
import { formatSuccessRate, HealthBadge } from '@/components/webhooks/health-badge';
import { DisabledBanner, RecoveryControls } from '@/components/webhooks/recovery-controls';
import { RollSecretDialog } from '@/components/webhooks/roll-secret-dialog';
import { SendTestEventDialog } from '@/components/webhooks/send-test-event-dialog';
import { SecretField } from '@/components/webhooks/secret-field';
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

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ label: 'Webhooks', href: '/settings/webhooks' }, { label: webhook.name }]} />

      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex items-center gap-3">
            <h1 className="truncate text-2xl font-semibold">{webhook.name}</h1>
            <HealthBadge state={health} />
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

      {health.disabledReason ? (
        <DisabledBanner webhookId={webhook.id} reason={health.disabledReason} disabledAt={health.disabledAt} skippedCount={health.skippedCount} />
      ) : null}

      <nav role="tablist" aria-label="Webhook" className="flex gap-1 border-b border-slate-200">
        <TabLink href={`/settings/webhooks/${webhook.id}`} selected={tab === 'settings'}>
          Settings
        </TabLink>
        <TabLink href={`/settings/webhooks/${webhook.id}?tab=log`} selected={tab === 'log'}>
          Delivery Log
        </TabLink>
      </nav>

      {tab === 'settings' ? <SettingsTab webhook={webhook} organisationId={admin.organisationId} health={health} /> : <LogTab webhookId={webhook.id} organisationId={admin.organisationId} query={query} health={health} />}
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
          <dd className="space-y-2">
            <div className="flex flex-wrap items-center gap-3">
              <SecretField webhookId={webhook.id} />
              <RollSecretDialog webhookId={webhook.id} />
            </div>
            {previousSecretValid ? (
              <p className="text-xs text-slate-600" data-testid="previous-secret-note">
                The previous secret is still accepted until {formatDateTime(previousSecretValid)}: deliveries carry a signature for each.
              </p>
            ) : null}
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
            <dd>{health.lastSuccessAt ? formatDateTime(health.lastSuccessAt) : '—'}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Last failure</dt>
            <dd>{health.lastFailureAt ? formatDateTime(health.lastFailureAt) : '—'}</dd>
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
        <Link href="/settings/webhooks/events" className="font-medium text-brand-700 hover:underline">
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
