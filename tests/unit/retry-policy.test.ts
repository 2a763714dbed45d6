import { describe, expect, it } from 'vitest';
import { deliveryStatusAfterAttempt, nextRetryDelay, parseRetryAfter } from '@/lib/webhooks/core/retry-policy';

const DEFAULT_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];
const now = new Date('2024-03-15T10:30:00Z');
/** random() = 0.5 is the middle of [0, 1): no jitter. */
const noJitter = () => 0.5;

describe('nextRetryDelay', () => {
  it('waits schedule[n - 1] after attempt n fails (attempt 1 is the first try)', () => {
    const delays = DEFAULT_SCHEDULE.map((_, i) => nextRetryDelay({ schedule: DEFAULT_SCHEDULE, attemptNumber: i + 1, random: noJitter, now }));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });

  it('returns null once the schedule is exhausted: the default schedule allows 8 attempts in all', () => {
    expect(nextRetryDelay({ schedule: DEFAULT_SCHEDULE, attemptNumber: 8, random: noJitter, now })).toBeNull();
    expect(nextRetryDelay({ schedule: DEFAULT_SCHEDULE, attemptNumber: 9, random: noJitter, now })).toBeNull();
  });

  it('with the schedule 1,1,1 retries after attempts 1 to 3 and gives up after the fourth', () => {
    const schedule = [1, 1, 1];
    const delays = [1, 2, 3, 4].map((attemptNumber) => nextRetryDelay({ schedule, attemptNumber, random: noJitter, now }));
    expect(delays).toEqual([1000, 1000, 1000, null]);
  });

  it('an empty schedule means no automatic retries', () => {
    expect(nextRetryDelay({ schedule: [], attemptNumber: 1, random: noJitter, now })).toBeNull();
  });

  it('jitters by up to ±20 % with the injected random()', () => {
    const delay = (r: number) => nextRetryDelay({ schedule: [300], attemptNumber: 1, random: () => r, now });
    expect(delay(0)).toBe(240_000);
    expect(delay(0.25)).toBe(270_000);
    expect(delay(0.75)).toBe(330_000);
    expect(delay(0.999_999)).toBe(360_000);
  });

  it('stays within ±20 % for Math.random', () => {
    for (let i = 0; i < 1000; i++) {
      const delay = nextRetryDelay({ schedule: [5], attemptNumber: 1, random: Math.random, now })!;
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(6000);
    }
  });

  it('a zero entry means "retry at once"', () => {
    expect(nextRetryDelay({ schedule: [0, 5], attemptNumber: 1, random: () => 0.9, now })).toBe(0);
  });

  it('refuses an attempt number below 1 or not whole', () => {
    expect(() => nextRetryDelay({ schedule: [5], attemptNumber: 0, random: noJitter, now })).toThrow(RangeError);
    expect(() => nextRetryDelay({ schedule: [5], attemptNumber: 1.5, random: noJitter, now })).toThrow(RangeError);
  });

  describe('Retry-After', () => {
    // Attempt 2 of the default schedule: 300 s scheduled, so Retry-After is kept between 300 s and 600 s.
    const base = { schedule: DEFAULT_SCHEDULE, attemptNumber: 2, random: () => 0, now };

    it.each([429, 503])('honours delay-seconds on %i, without jitter', (status) => {
      expect(nextRetryDelay({ ...base, status, retryAfterHeader: '450' })).toBe(450_000);
    });

    it('honours an HTTP-date', () => {
      expect(nextRetryDelay({ ...base, status: 503, retryAfterHeader: 'Fri, 15 Mar 2024 10:37:30 GMT' })).toBe(450_000);
    });

    it('never retries sooner than scheduled', () => {
      expect(nextRetryDelay({ ...base, status: 429, retryAfterHeader: '1' })).toBe(300_000);
      expect(nextRetryDelay({ ...base, status: 429, retryAfterHeader: '0' })).toBe(300_000);
      expect(nextRetryDelay({ ...base, status: 429, retryAfterHeader: 'Fri, 15 Mar 2024 09:00:00 GMT' })).toBe(300_000);
    });

    it('never waits longer than twice the scheduled delay', () => {
      expect(nextRetryDelay({ ...base, status: 429, retryAfterHeader: '86400' })).toBe(600_000);
      expect(nextRetryDelay({ ...base, status: 503, retryAfterHeader: 'Sat, 16 Mar 2024 10:30:00 GMT' })).toBe(600_000);
    });

    it('with the schedule 1,1,1 a 429 with Retry-After: 2 waits exactly 2 s', () => {
      expect(nextRetryDelay({ schedule: [1, 1, 1], attemptNumber: 1, random: () => 0, now, status: 429, retryAfterHeader: '2' })).toBe(2000);
    });

    it('is ignored on other statuses and without a response', () => {
      for (const status of [500, 502, 504, 410, null, undefined]) {
        expect(nextRetryDelay({ ...base, status, retryAfterHeader: '450' })).toBe(240_000);
      }
    });

    it('is ignored when unreadable, and the jittered schedule applies', () => {
      for (const header of ['', '   ', 'soon', '-5', '1.5', '12abc', null, undefined]) {
        expect(nextRetryDelay({ ...base, status: 429, retryAfterHeader: header })).toBe(240_000);
      }
    });

    it('does not revive an exhausted schedule', () => {
      expect(nextRetryDelay({ ...base, attemptNumber: 8, status: 429, retryAfterHeader: '10' })).toBeNull();
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds, trimmed', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7000);
  });

  it('reads an HTTP-date relative to now, in the IMF-fixdate and the obsolete RFC 850 form', () => {
    expect(parseRetryAfter('Fri, 15 Mar 2024 10:31:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Friday, 15-Mar-24 10:31:00 GMT', now)).toBe(60_000);
  });

  it('treats a date in the past as now', () => {
    expect(parseRetryAfter('Thu, 14 Mar 2024 10:30:00 GMT', now)).toBe(0);
  });

  it('returns null for what is not a Retry-After value', () => {
    for (const header of [undefined, null, '', 'later', '-1', '2.5', '+3']) expect(parseRetryAfter(header, now)).toBeNull();
  });
});

describe('deliveryStatusAfterAttempt', () => {
  it('is succeeded after a successful attempt, whatever else is planned', () => {
    expect(deliveryStatusAfterAttempt({ success: true, retryDelayMs: null })).toBe('succeeded');
    expect(deliveryStatusAfterAttempt({ success: true, retryDelayMs: 5000 })).toBe('succeeded');
  });

  it('is retrying while another attempt is due, even at once', () => {
    expect(deliveryStatusAfterAttempt({ success: false, retryDelayMs: 5000 })).toBe('retrying');
    expect(deliveryStatusAfterAttempt({ success: false, retryDelayMs: 0 })).toBe('retrying');
  });

  it('is failed once the schedule is exhausted', () => {
    expect(deliveryStatusAfterAttempt({ success: false, retryDelayMs: null })).toBe('failed');
  });

  it('walks a receiver failing twice then answering 200 to succeeded after three attempts (schedule 1,1,1)', () => {
    const outcomes = [false, false, true];
    const statuses = outcomes.map((success, i) => {
      const retryDelayMs = success ? null : nextRetryDelay({ schedule: [1, 1, 1], attemptNumber: i + 1, random: noJitter, now });
      return deliveryStatusAfterAttempt({ success, retryDelayMs });
    });
    expect(statuses).toEqual(['retrying', 'retrying', 'succeeded']);
  });

  it('walks an always-failing receiver to failed after four attempts (schedule 1,1,1)', () => {
    const statuses = [1, 2, 3, 4].map((attemptNumber) =>
      deliveryStatusAfterAttempt({ success: false, retryDelayMs: nextRetryDelay({ schedule: [1, 1, 1], attemptNumber, random: noJitter, now }) }),
    );
    expect(statuses).toEqual(['retrying', 'retrying', 'retrying', 'failed']);
  });
});
