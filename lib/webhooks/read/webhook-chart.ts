import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { windowStart } from './webhook-health';

/** One bar of a success chart: the attempts that started in [start, start + its span). */
export type ChartPoint = { start: Date; attempts: number; successes: number };

export type WebhookCharts = {
  /** 24 hourly points, oldest first, the current hour last. */
  day: ChartPoint[];
  /** 7 points of 24 hours each, oldest first, the last ending with the current hour. */
  week: ChartPoint[];
};

const HOUR_MS = 60 * 60 * 1000;

/**
 * Successes and attempts per hour over the last 24 hours and per day over the last 7, from the
 * hourly statistics (test events excluded); all zeros for a webhook of another organisation.
 */
export async function getWebhookCharts(organisationId: string, webhookId: string, { now = new Date() }: { now?: Date } = {}): Promise<WebhookCharts> {
  const weekStart = windowStart(now, 24 * 7);
  const rows = await getDb().execute<{ hour: string; attempts: number; successes: number }>(sql`
    select s.hour, sum(s.attempts)::int as attempts, sum(s.successes)::int as successes
    from webhook_hourly_stats s
    where s.webhook_id = ${webhookId} and s.organisation_id = ${organisationId} and not s.is_test
      and s.hour >= ${weekStart.toISOString()}::timestamptz and s.hour <= ${now.toISOString()}::timestamptz
    group by s.hour`);
  const hours = Array.from({ length: 24 * 7 }, (_, i): ChartPoint => ({ start: new Date(weekStart.getTime() + i * HOUR_MS), attempts: 0, successes: 0 }));
  for (const r of rows) {
    const i = Math.round((new Date(r.hour).getTime() - weekStart.getTime()) / HOUR_MS);
    const point = hours[i];
    if (point) Object.assign(point, { attempts: r.attempts, successes: r.successes });
  }
  const week = Array.from({ length: 7 }, (_, d): ChartPoint => {
    const slice = hours.slice(d * 24, d * 24 + 24);
    return { start: slice[0]!.start, attempts: slice.reduce((a, p) => a + p.attempts, 0), successes: slice.reduce((a, p) => a + p.successes, 0) };
  });
  return { day: hours.slice(-24), week };
}
