import { describe, expect, it } from 'vitest';
import {
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  DISABLE_AFTER_FAILING_MS,
  GONE_REASON,
  disableReason,
  healthOf,
  trackAttempt,
  type FailureCounters,
} from '@/lib/webhooks/deliver/failure-tracking';

const HOUR = 60 * 60 * 1000;
const start = new Date('2024-03-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

const fresh: FailureCounters = { consecutiveFailures: 0, lastSuccessAt: null, lastFailureAt: null, failingSince: null };
const failed = (status: number | null = 500) => ({ success: false, status });
const succeeded = { success: true, status: 200 };

/** Feeds failed attempts at the given times through trackAttempt, as the worker would. */
function failAt(times: Date[], counters: FailureCounters = fresh, status: number | null = 500) {
  let current = counters;
  let reason: string | null = null;
  for (const now of times) {
    const tracked = trackAttempt(current, failed(status), now);
    current = tracked.counters;
    reason = tracked.disableReason;
    if (reason) break;
  }
  return { counters: current, reason };
}

describe('trackAttempt', () => {
  it('is 5 days and 20 attempts by default', () => {
    expect(DISABLE_AFTER_FAILING_MS).toBe(5 * 24 * HOUR);
    expect(DISABLE_AFTER_CONSECUTIVE_FAILURES).toBe(20);
  });

  it('counts a failure, remembers when the streak began and when it last failed', () => {
    const first = trackAttempt(fresh, failed(), at(0));
    expect(first).toEqual({
      counters: { consecutiveFailures: 1, lastSuccessAt: null, lastFailureAt: at(0), failingSince: at(0) },
      disableReason: null,
    });
    const second = trackAttempt(first.counters, failed(null), at(HOUR));
    expect(second.counters).toEqual({ consecutiveFailures: 2, lastSuccessAt: null, lastFailureAt: at(HOUR), failingSince: at(0) });
  });

  it('a success ends the streak and keeps the last failure time', () => {
    const failing = failAt([at(0), at(HOUR)]).counters;
    expect(trackAttempt(failing, succeeded, at(2 * HOUR))).toEqual({
      counters: { consecutiveFailures: 0, lastSuccessAt: at(2 * HOUR), lastFailureAt: at(HOUR), failingSince: null },
      disableReason: null,
    });
  });

  it('disables at once on 410 Gone, even on the first failure', () => {
    expect(trackAttempt(fresh, failed(410), at(0)).disableReason).toBe(GONE_REASON);
    expect(GONE_REASON).toBe('The endpoint answered 410 Gone');
  });

  it('does not disable on other 4xx and 5xx answers or on errors without a response', () => {
    for (const status of [400, 404, 429, 500, 503, null]) expect(trackAttempt(fresh, failed(status), at(0)).disableReason).toBeNull();
  });

  it('disables after 5 days of failing with at least 20 consecutive failed attempts', () => {
    // 20 failures spread evenly over exactly 5 days: the 20th lands on the 5-day mark.
    const step = DISABLE_AFTER_FAILING_MS / 19;
    const times = Array.from({ length: 20 }, (_, i) => at(Math.round(i * step)));
    const { counters, reason } = failAt(times);
    expect(counters.consecutiveFailures).toBe(20);
    expect(reason).toBe('No successful delivery for 5 days (20 consecutive failed attempts)');
  });

  it('does not disable after 19 failures, however long the streak', () => {
    const times = Array.from({ length: 19 }, (_, i) => at(i * 24 * HOUR));
    const { counters, reason } = failAt(times);
    expect(counters.consecutiveFailures).toBe(19);
    expect(reason).toBeNull();
  });

  it('does not disable after many failures in less than 5 days', () => {
    const times = Array.from({ length: 500 }, (_, i) => at(i * 60_000));
    expect(failAt(times).reason).toBeNull();
    const justShort = failAt([at(DISABLE_AFTER_FAILING_MS - 1)], { ...fresh, consecutiveFailures: 40, failingSince: at(0) });
    expect(justShort.reason).toBeNull();
  });

  it('measures the 5 days from the first failure of the streak, not from the last success or creation', () => {
    // Succeeded long ago, then quiet: a sudden burst of failures is not 5 days of failing.
    const quiet: FailureCounters = { ...fresh, lastSuccessAt: at(0) };
    const burst = Array.from({ length: 30 }, (_, i) => at(30 * 24 * HOUR + i * 60_000));
    expect(failAt(burst, quiet).reason).toBeNull();
  });

  it('a success in between restarts the 5-day clock', () => {
    const before = failAt(Array.from({ length: 25 }, (_, i) => at(i * 4 * HOUR))).counters; // 4 days of failing
    const recovered = trackAttempt(before, succeeded, at(100 * HOUR)).counters;
    const after = failAt(Array.from({ length: 25 }, (_, i) => at(101 * HOUR + i * 4 * HOUR)), recovered);
    expect(after.reason).toBeNull();
  });
});

describe('disableReason', () => {
  it('judges counters kept elsewhere (e.g. by an SQL increment) the same way', () => {
    const failingSince = at(0);
    expect(disableReason({ consecutiveFailures: 20, failingSince }, 500, at(DISABLE_AFTER_FAILING_MS))).toBe(
      'No successful delivery for 5 days (20 consecutive failed attempts)',
    );
    expect(disableReason({ consecutiveFailures: 57, failingSince }, null, at(8 * 24 * HOUR))).toBe(
      'No successful delivery for 8 days (57 consecutive failed attempts)',
    );
    expect(disableReason({ consecutiveFailures: 1, failingSince }, 410, at(0))).toBe(GONE_REASON);
    expect(disableReason({ consecutiveFailures: 100, failingSince: null }, 500, at(0))).toBeNull();
  });
});

describe('healthOf', () => {
  it('is healthy while the last attempt succeeded or none was made', () => {
    expect(healthOf({ active: true, disabledReason: null, consecutiveFailures: 0 })).toBe('healthy');
  });

  it('is failing while a streak of failures runs', () => {
    expect(healthOf({ active: true, disabledReason: null, consecutiveFailures: 3 })).toBe('failing');
  });

  it('is disabled when failure tracking disabled it or an admin made it inactive', () => {
    expect(healthOf({ active: false, disabledReason: GONE_REASON, consecutiveFailures: 1 })).toBe('disabled');
    expect(healthOf({ active: true, disabledReason: GONE_REASON, consecutiveFailures: 1 })).toBe('disabled');
    expect(healthOf({ active: false, disabledReason: null, consecutiveFailures: 0 })).toBe('disabled');
  });
});
