/**
 * Attempt durations are counted in these buckets by the hourly statistics: a bucket holds the
 * attempts that took more than the previous bound and at most its own, the last one everything
 * slower than 10 s. Percentiles read from them are the bucket's upper bound ("≤ 250 ms").
 */
export const DURATION_BOUNDS_MS = [100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** Column names of the buckets in `webhook_hourly_stats`, fastest first (one more than the bounds). */
export const DURATION_COLUMNS = [
  'duration_le_100',
  'duration_le_250',
  'duration_le_500',
  'duration_le_1000',
  'duration_le_2500',
  'duration_le_5000',
  'duration_le_10000',
  'duration_over_10000',
] as const;

/**
 * The duration under which a share `q` (0–1) of the attempts finished, as a bucket bound: null
 * without attempts, and Infinity when it falls in the over-10-s bucket.
 */
export function durationPercentile(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const wanted = Math.max(1, Math.ceil(total * q));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= wanted) return DURATION_BOUNDS_MS[i] ?? Infinity;
  }
  return Infinity;
}

/** A percentile from `durationPercentile` as text: "≤ 250 ms", "≤ 2.5 s", "> 10 s", "—". */
export function formatDurationBound(ms: number | null): string {
  if (ms === null) return '—';
  if (ms === Infinity) return `> ${DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 1]! / 1000} s`;
  return ms < 1000 ? `≤ ${ms} ms` : `≤ ${ms / 1000} s`;
}
