import type { ChartPoint } from '@/lib/webhooks/read/webhook-chart';
import { formatSuccessRate } from './health-badge';

const WIDTH = 240;
const HEIGHT = 48;
const GAP = 1;

/** Hour ("14:00") or day ("29 Nov") of a point, in UTC like the rest of the page. */
function pointLabel(point: ChartPoint, unit: 'hour' | 'day'): string {
  return unit === 'hour'
    ? `${String(point.start.getUTCHours()).padStart(2, '0')}:00 UTC`
    : point.start.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** What a screen reader hears: the totals, and the worst period when some attempts failed. */
export function chartSummary(title: string, points: readonly ChartPoint[], unit: 'hour' | 'day'): string {
  const attempts = points.reduce((a, p) => a + p.attempts, 0);
  const successes = points.reduce((a, p) => a + p.successes, 0);
  if (attempts === 0) return `${title}: no attempts.`;
  const worst = points.filter((p) => p.attempts > 0).reduce((a, p) => (p.successes / p.attempts < a.successes / a.attempts ? p : a));
  const worstText = worst.successes < worst.attempts ? ` Lowest: ${formatSuccessRate(worst.successes / worst.attempts)} at ${pointLabel(worst, unit)}.` : '';
  return `${title}: ${formatSuccessRate(successes / attempts)} of ${attempts.toLocaleString('en-US')} attempts succeeded.${worstText}`;
}

/**
 * A bar per hour or day: the bar's height is the period's attempts (scaled to the busiest one),
 * green for successes stacked on red for failures. Server-rendered SVG; empty periods show a baseline.
 */
export function SuccessChart({ title, points, unit }: { title: string; points: readonly ChartPoint[]; unit: 'hour' | 'day' }) {
  const max = Math.max(1, ...points.map((p) => p.attempts));
  const barWidth = WIDTH / points.length - GAP;
  return (
    <figure className="space-y-1">
      <figcaption className="text-xs font-medium text-slate-600">{title}</figcaption>
      <svg role="img" aria-label={chartSummary(title, points, unit)} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-12 w-full max-w-xs" preserveAspectRatio="none">
        {points.map((p, i) => {
          const x = i * (barWidth + GAP);
          const total = (p.attempts / max) * HEIGHT;
          const ok = (p.successes / max) * HEIGHT;
          return (
            <g key={p.start.toISOString()}>
              <title>{`${pointLabel(p, unit)}: ${p.attempts === 0 ? 'no attempts' : `${p.successes} of ${p.attempts} succeeded`}`}</title>
              <rect x={x} y={HEIGHT - 1} width={barWidth} height={1} className="fill-slate-200" />
              {total > ok ? <rect x={x} y={HEIGHT - total} width={barWidth} height={total - ok} className="fill-red-500" /> : null}
              {ok > 0 ? <rect x={x} y={HEIGHT - ok} width={barWidth} height={ok} className="fill-green-500" /> : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
