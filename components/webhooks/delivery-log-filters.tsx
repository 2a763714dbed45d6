'use client';

import type { DeliveryLogTotals } from '@/lib/webhooks/read/delivery-log';
import { eventTypes } from '@/lib/webhooks/core/events';

/** The filters as the admin has chosen them (applied by navigating; see DeliveryLog). */
export type Chosen = { status: string; event: string; from: string; to: string; q: string };

/** A count as the log shows it. */
export const count = (n: number) => n.toLocaleString('en-US');

/** The Delivery Log's filter bar: status and event type apply at once, the day range and the search on submit. */
export function DeliveryLogFilters({
  shown,
  totals,
  filters,
  setFilter,
}: {
  shown: Chosen;
  totals: DeliveryLogTotals;
  filters: { from?: string; to?: string };
  setFilter: (name: keyof Chosen, value: string, navigate?: boolean) => void;
}) {
  return (
    <div className="flex flex-wrap gap-3 text-sm">
      <span className="flex items-center gap-2">
        <label htmlFor="log-status" className="text-slate-600">
          Status
        </label>
        <select id="log-status" className="rounded-md border border-slate-300 px-2 py-1" value={shown.status} onChange={(e) => setFilter('status', e.target.value)}>
          <option value="">All ({count(totals.all)})</option>
          <option value="success">success ({count(totals.success)})</option>
          <option value="failed">failed ({count(totals.failed)})</option>
        </select>
      </span>
      <span className="flex items-center gap-2">
        <label htmlFor="log-event-type" className="text-slate-600">
          Event type
        </label>
        <select id="log-event-type" className="rounded-md border border-slate-300 px-2 py-1" value={shown.event} onChange={(e) => setFilter('event', e.target.value)}>
          <option value="">All</option>
          {eventTypes.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </span>
      {/* Applied together, on submit: typing a date must not reload the log at every digit. */}
      <form
        key={`${filters.from ?? ''}/${filters.to ?? ''}`}
        aria-label="Date range"
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setFilter('from', String(form.get('from') ?? ''), false);
          setFilter('to', String(form.get('to') ?? ''));
        }}
      >
        <label htmlFor="log-from" className="text-slate-600">
          From (UTC)
        </label>
        <input id="log-from" name="from" type="date" className="rounded-md border border-slate-300 px-2 py-1" defaultValue={filters.from ?? ''} />
        <label htmlFor="log-to" className="text-slate-600">
          To (UTC)
        </label>
        <input id="log-to" name="to" type="date" className="rounded-md border border-slate-300 px-2 py-1" defaultValue={filters.to ?? ''} />
        <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 font-medium text-slate-700 hover:bg-slate-50">
          Apply
        </button>
      </form>
      <form
        role="search"
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter('q', shown.q.trim());
        }}
      >
        <label htmlFor="log-search" className="text-slate-600">
          Search
        </label>
        <input
          id="log-search"
          type="search"
          maxLength={200}
          placeholder="Delivery id, document number, workflow id…"
          className="w-48 min-w-0 rounded-md border border-slate-300 px-2 py-1 sm:w-64"
          value={shown.q}
          onChange={(e) => setFilter('q', e.target.value, false)}
        />
        <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 font-medium text-slate-700 hover:bg-slate-50">
          Search
        </button>
      </form>
    </div>
  );
}
