'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { RelativeTime } from '@/components/relative-time';
import { formatDateTime, formatDuration } from '@/lib/format';
import type { DeliveryLogPage, DeliveryLogTotals } from '@/lib/webhooks/read/delivery-log';
import { deliveryStateText } from '@/lib/webhooks/core/delivery-state';
import type { WebhookHealth } from '@/lib/webhooks/core/health';
import type { EventType } from '@/lib/webhooks/core/events';
import { count, DeliveryLogFilters, type Chosen } from './delivery-log-filters';
import { RetryButton } from './retry-button';
import { StatusBadge } from './status-badge';

const REFRESH_MS = 2000;

type Filters = { status?: 'success' | 'failed'; eventType?: EventType; from?: string; to?: string; q?: string };

const chosenOf = (f: Filters): Chosen => ({ status: f.status ?? '', event: f.eventType ?? '', from: f.from ?? '', to: f.to ?? '', q: f.q ?? '' });

/**
 * The Delivery Log: one row per attempt, newest first. The first page refreshes itself while it is
 * open, so attempts appear as the worker records them; older pages stay still.
 */
export function DeliveryLog({
  webhookId,
  initial,
  totals: initialTotals,
  health,
  filters,
  paged,
}: {
  webhookId: string;
  initial: DeliveryLogPage;
  totals: DeliveryLogTotals;
  /** The webhook's health state as the page was rendered: a refresh that finds another re-renders the page. */
  health: WebhookHealth;
  filters: Filters;
  paged: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [page, setPage] = useState(initial);
  const [totals, setTotals] = useState(initialTotals);

  useEffect(() => setPage(initial), [initial]);
  useEffect(() => setTotals(initialTotals), [initialTotals]);

  useEffect(() => {
    if (paged) return;
    let cancelled = false;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(chosenOf(filters))) if (value) query.set(key, value);
    const url = `/api/admin/webhooks/${encodeURIComponent(webhookId)}/delivery-log?${query}`;
    // A GET route, not a server action: Next runs a page's actions one at a time, and a refresh
    // must never hold up a Retry click.
    const timer = setInterval(async () => {
      if (document.visibilityState !== 'visible') return;
      const response = await fetch(url, { cache: 'no-store' }).catch(() => null);
      if (cancelled || !response?.ok) return;
      const { health: now, totals: freshTotals, ...fresh } = (await response.json()) as DeliveryLogPage & { totals: DeliveryLogTotals; health: WebhookHealth };
      setPage(fresh);
      setTotals(freshTotals);
      // The header's state comes from the server render: bring it up to date.
      if (now !== health) router.refresh();
    }, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [webhookId, filters.status, filters.eventType, filters.from, filters.to, filters.q, paged, health, router]);

  // The filters as last chosen, ahead of the navigation that applies them: a second change made
  // before the first one's page arrives builds on it instead of on the URL it is replacing.
  const chosen = useRef(chosenOf(filters));
  const [shown, setShown] = useState(chosen.current);
  useEffect(() => {
    chosen.current = chosenOf(filters);
    setShown(chosen.current);
  }, [filters.status, filters.eventType, filters.from, filters.to, filters.q]); // eslint-disable-line react-hooks/exhaustive-deps

  function setFilter(name: keyof Chosen, value: string, navigate = true) {
    chosen.current = { ...chosen.current, [name]: value };
    setShown(chosen.current);
    if (!navigate) return;
    const params = new URLSearchParams(searchParams);
    params.set('tab', 'log');
    params.delete('before');
    for (const [key, chosenValue] of Object.entries(chosen.current)) {
      if (chosenValue) params.set(key, chosenValue);
      else params.delete(key);
    }
    router.push(`${pathname}?${params}`);
  }

  const hrefWith = (before?: string) => {
    const params = new URLSearchParams(searchParams);
    params.set('tab', 'log');
    if (before) params.set('before', before);
    else params.delete('before');
    return `${pathname}?${params}`;
  };
  const olderHref = page.nextCursor ? hrefWith(page.nextCursor) : null;
  const newestHref = hrefWith();

  return (
    <section aria-labelledby="delivery-log-heading" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-end justify-between gap-4 border-b border-slate-200 px-5 py-3">
        <div>
          <h2 id="delivery-log-heading" className="text-base font-semibold">
            Delivery Log
          </h2>
          <p className="text-sm text-slate-600">Every delivery attempt to this endpoint, newest first. Click an entry to see the full request and response.</p>
        </div>
        <DeliveryLogFilters shown={shown} totals={totals} filters={filters} setFilter={setFilter} />
      </div>
      <p className="border-b border-slate-200 px-5 py-2 text-sm text-slate-600" data-testid="log-totals">
        {count(totals.all)} {totals.all === 1 ? 'attempt' : 'attempts'}: {count(totals.success)} success, {count(totals.failed)} failed
        {filters.q ? ` matching “${filters.q}”` : ''}
        {filters.from || filters.to ? ` between ${filters.from ?? 'the first'} and ${filters.to ?? 'today'}` : ''}
      </p>

      {page.rows.length === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-slate-600">
          {filters.status || filters.eventType || filters.from || filters.to || filters.q ? 'No deliveries match these filters.' : 'No deliveries yet. Use Send Test Event to try the endpoint.'}
        </p>
      ) : (
        <div className="relative overflow-x-auto">
        <table className="min-w-full text-sm" aria-label="Delivery Log">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2">Event</th>
              <th scope="col" className="px-4 py-2">Timestamp</th>
              <th scope="col" className="px-4 py-2">Status</th>
              <th scope="col" className="px-4 py-2">Response Code</th>
              <th scope="col" className="px-4 py-2">Duration</th>
              <th scope="col" className="px-4 py-2">Attempt</th>
              <th scope="col" className="px-4 py-2">Delivery</th>
              <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.rows.map((row) => {
              const href = `/settings/webhooks/${webhookId}/deliveries/${row.attemptId}`;
              return (
                <tr key={row.attemptId} className="hover:bg-slate-50" data-delivery-id={row.deliveryId}>
                  <td className="px-4 py-2">
                    <Link href={href} className="font-mono text-xs text-brand-700 underline underline-offset-2 hover:text-brand-600">
                      {row.eventType}
                    </Link>
                    {row.trigger === 'test' ? <span className="ml-2"><StatusBadge tone="blue">test</StatusBadge></span> : null}
                    {row.trigger === 'manual' ? <span className="ml-2"><StatusBadge tone="amber">manual</StatusBadge></span> : null}
                  </td>
                  <td className="px-4 py-2 text-slate-700">
                    <RelativeTime value={row.occurredAt} />
                  </td>
                  <td className="px-4 py-2">
                    <StatusBadge tone={row.success ? 'green' : 'red'}>{row.success ? 'success' : 'failed'}</StatusBadge>
                    {row.isLatest && row.nextAttemptAt ? (
                      <span className="ml-2 text-xs text-slate-600">
                        next attempt <RelativeTime value={row.nextAttemptAt} />
                      </span>
                    ) : null}
                  </td>
                  <td className="px-4 py-2 font-mono">{row.responseStatus ?? '—'}</td>
                  <td className="px-4 py-2">{formatDuration(row.durationMs)}</td>
                  <td className="px-4 py-2 text-slate-600">#{row.attemptNumber}</td>
                  <td className="px-4 py-2 text-slate-700" data-testid="delivery-state">
                    {deliveryStateText(row, formatDateTime)}
                  </td>
                  <td className="px-4 py-2 text-right">
                    {/* Once per delivery: on its latest attempt, while it has not succeeded. */}
                    {row.isLatest && !row.success && (row.deliveryStatus === 'failed' || row.deliveryStatus === 'retrying') ? <RetryButton deliveryId={row.deliveryId} /> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      )}
      {paged || olderHref ? (
        <div className="flex justify-between border-t border-slate-200 px-5 py-3 text-sm">
          {paged ? (
            <Link href={newestHref} className="text-brand-700 underline underline-offset-2 hover:text-brand-600">
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {olderHref ? (
            <Link href={olderHref} className="text-brand-700 underline underline-offset-2 hover:text-brand-600">
              Older →
            </Link>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
