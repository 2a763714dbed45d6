'use client';

import { useEffect, useId, useState } from 'react';
import { formatDateTime } from '@/lib/format';
import { formatLocalDateTime, relativeTime } from '@/lib/relative-time';

const TICK_MS = 30_000;

/**
 * A time as "3 min ago", with the exact UTC and local time on hover and on focus. The server
 * renders the UTC time (it knows neither the viewer's clock nor zone); the browser then switches
 * to the relative text and keeps it current.
 */
export function RelativeTime({ value, className = '' }: { value: Date | string; className?: string }) {
  const date = new Date(value);
  const utc = formatDateTime(date);
  const [now, setNow] = useState<Date | null>(null);
  const tipId = useId();

  useEffect(() => {
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  const exact = now ? `${utc} · Local: ${formatLocalDateTime(date)}` : utc;
  return (
    <span className={`group relative inline-block whitespace-nowrap ${className}`}>
      <time
        dateTime={date.toISOString()}
        title={exact}
        tabIndex={now ? 0 : undefined}
        aria-describedby={now ? tipId : undefined}
        className="rounded-sm underline decoration-dotted underline-offset-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
      >
        {now ? relativeTime(date, now) : utc}
      </time>
      {now ? (
        <span
          id={tipId}
          role="tooltip"
          className="pointer-events-none absolute left-0 top-full z-30 mt-1 hidden w-max max-w-[16rem] whitespace-normal rounded-md bg-slate-900 px-2 py-1 text-xs font-normal text-white shadow group-hover:block group-focus-within:block"
        >
          {utc}
          <br />
          Local: {formatLocalDateTime(date)}
        </span>
      ) : null}
    </span>
  );
}
