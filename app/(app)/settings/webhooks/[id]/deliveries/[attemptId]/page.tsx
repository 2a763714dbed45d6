import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Breadcrumb } from '@/components/breadcrumb';
import { CopyButton } from '@/components/copy-button';
import { RelativeTime } from '@/components/relative-time';
import { RoleNeeded } from '@/components/role-needed';
import { RetryButton } from '@/components/webhooks/retry-button';
import { StatusBadge } from '@/components/webhooks/status-badge';
import { requireOrgAdmin } from '@/lib/auth/session';
import { formatDuration } from '@/lib/format';
import { curlCommand } from '@/lib/webhooks/core/curl';
import { getDeliveryAttempt } from '@/lib/webhooks/read/delivery-attempt';
import { getWebhook } from '@/lib/webhooks/read/webhook-list';
import { isRecordId } from '@/lib/validation';

export const metadata: Metadata = { title: 'Delivery' };

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

const headerLines = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');

/** An id with its copy button: `label` names it for screen readers ("Copy delivery id"). */
function CopyableId({ name, value }: { name: string; value: string }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span className="text-slate-600">{name}</span>
      <code className="break-all font-mono">{value}</code>
      <CopyButton text={value} label={`Copy ${name}`} className="px-2 py-0.5 text-xs" />
    </span>
  );
}

function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="text-sm text-slate-500">No headers</p>;
  return (
    <table className="w-full table-fixed text-xs" aria-label={label}>
      <tbody className="divide-y divide-slate-100">
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row" className="w-2/5 break-all py-1 pr-4 text-left align-top font-mono font-medium text-slate-600 sm:w-56">
              {name}
            </th>
            <td className="break-all py-1 font-mono">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function DeliveryAttemptPage({ params }: { params: Promise<{ id: string; attemptId: string }> }) {
  const admin = await requireOrgAdmin();
  if (!admin) return <RoleNeeded />;
  const { id, attemptId } = await params;
  if (!isRecordId(id) || !isRecordId(attemptId)) notFound();
  const [webhook, detail] = await Promise.all([getWebhook(admin.organisationId, id), getDeliveryAttempt(admin.organisationId, attemptId)]);
  if (!webhook || !detail || detail.attempt.webhookId !== webhook.id) notFound();
  const { attempt, request, response, attempts, event } = detail;
  const canRetry = !attempt.success && (attempt.deliveryStatus === 'failed' || attempt.deliveryStatus === 'retrying');

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ label: 'Webhooks', href: '/settings/webhooks' }, { label: webhook.name, href: `/settings/webhooks/${webhook.id}?tab=log` }, { label: 'Delivery' }]} />

      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-x-3 gap-y-1 text-2xl font-semibold">
            <span className="break-all font-mono">{attempt.eventType}</span>
            <StatusBadge tone={attempt.success ? 'green' : 'red'}>{attempt.status}</StatusBadge>
            {attempt.trigger !== 'automatic' ? <StatusBadge tone={attempt.trigger === 'test' ? 'blue' : 'amber'}>{attempt.trigger}</StatusBadge> : null}
          </h1>
          <p className="mt-1 text-xs text-slate-600">Attempt #{attempt.attemptNumber}</p>
          <div className="mt-2 flex flex-col gap-1.5 text-xs" data-testid="attempt-ids">
            <CopyableId name="delivery id" value={attempt.deliveryId} />
            <CopyableId name="attempt id" value={attempt.attemptId} />
            <CopyableId name="event id" value={event.id} />
          </div>
        </div>
        {canRetry ? <RetryButton deliveryId={attempt.deliveryId} /> : null}
      </div>

      <dl className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-5 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-600">Timestamp</dt>
          <dd>
            <RelativeTime value={attempt.occurredAt} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Sent</dt>
          <dd>
            <RelativeTime value={attempt.startedAt} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Response Code</dt>
          <dd className="font-mono">{attempt.responseStatus ?? '—'}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Duration</dt>
          <dd>{formatDuration(attempt.durationMs)}</dd>
        </div>
        {attempt.isLatest && attempt.nextAttemptAt ? (
          <div className="col-span-full">
            <dt className="text-slate-600">Next attempt</dt>
            <dd>
              <RelativeTime value={attempt.nextAttemptAt} />
            </dd>
          </div>
        ) : null}
        {attempt.error ? (
          <div className="col-span-full">
            <dt className="text-slate-600">Error</dt>
            <dd className="text-red-700">{attempt.error}</dd>
          </div>
        ) : null}
      </dl>

      <section aria-labelledby="request-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="request-heading" className="text-base font-semibold">
            Request
          </h2>
          <CopyButton text={curlCommand(request)} label="Copy as cURL" idleText="Copy as cURL" />
        </div>
        <p className="mt-1 break-all font-mono text-xs">POST {request.url}</p>
        <div className="mt-4 flex items-center justify-between gap-2">
          <h3 className="text-sm font-semibold">Headers</h3>
          <CopyButton text={headerLines(request.headers)} label="Copy request headers" className="px-2 py-0.5 text-xs" />
        </div>
        <Headers headers={request.headers} label="Request headers" />
        <div className="mt-4 flex items-center justify-between gap-2">
          <h3 className="text-sm font-semibold">Body</h3>
          <CopyButton text={request.body} label="Copy payload" className="px-2 py-0.5 text-xs" />
        </div>
        <pre tabIndex={0} className="mt-2 overflow-x-auto rounded-md bg-slate-900 p-4 text-xs text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600" data-testid="request-body">
          {prettyBody(request.body)}
        </pre>
      </section>

      <section aria-labelledby="response-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="response-heading" className="text-base font-semibold">
          Response
        </h2>
        {response ? (
          <>
            <p className="mt-1 font-mono text-sm" data-testid="response-status">
              {response.status}
            </p>
            <h3 className="mt-4 text-sm font-semibold">Headers</h3>
            <Headers headers={response.headers} label="Response headers" />
            <h3 className="mt-4 text-sm font-semibold">Body</h3>
            {response.body ? (
              <pre tabIndex={0} className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-100 p-4 text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600" data-testid="response-body">
                {prettyBody(response.body)}
              </pre>
            ) : (
              <p className="mt-1 text-sm text-slate-500">Empty body</p>
            )}
            {response.bodyTruncated ? <p className="mt-2 text-xs text-amber-700">Truncated: only the first 64 KiB of the body were kept.</p> : null}
          </>
        ) : (
          <p className="mt-2 text-sm text-slate-600">No response was received{attempt.error ? `: ${attempt.error}` : '.'}</p>
        )}
      </section>

      <section aria-labelledby="attempts-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="attempts-heading" className="text-base font-semibold">
          Attempts of this delivery
        </h2>
        <div className="relative mt-3 overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Attempts of this delivery">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-4">Attempt</th>
                <th scope="col" className="py-1 pr-4">Sent</th>
                <th scope="col" className="py-1 pr-4">Status</th>
                <th scope="col" className="py-1 pr-4">Response Code</th>
                <th scope="col" className="py-1">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {attempts.map((a) => (
                <tr key={a.attemptId} aria-current={a.attemptId === attempt.attemptId ? 'true' : undefined} className={a.attemptId === attempt.attemptId ? 'bg-slate-100' : ''}>
                  <td className="py-1.5 pr-4">
                    <Link href={`/settings/webhooks/${webhook.id}/deliveries/${a.attemptId}`} className="text-brand-700 underline underline-offset-2 hover:text-brand-600">
                      #{a.attemptNumber}
                    </Link>
                    {a.trigger !== 'automatic' ? <span className="ml-2 text-xs text-slate-600">{a.trigger}</span> : null}
                  </td>
                  <td className="py-1.5 pr-4">
                    <RelativeTime value={a.startedAt} />
                  </td>
                  <td className="py-1.5 pr-4">
                    <StatusBadge tone={a.status === 'success' ? 'green' : 'red'}>{a.status}</StatusBadge>
                  </td>
                  <td className="py-1.5 pr-4 font-mono">{a.responseStatus ?? '—'}</td>
                  <td className="py-1.5">{formatDuration(a.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
