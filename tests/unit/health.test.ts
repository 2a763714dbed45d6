import { describe, expect, it } from 'vitest';
import { DEGRADED_BELOW_SUCCESS_RATE, FAILING_AFTER_FAILED_ATTEMPTS, healthOf, type HealthInput } from '@/lib/webhooks/core/health';
import { durationPercentile, formatDurationBound } from '@/lib/webhooks/core/duration-buckets';
import { GONE_REASON } from '@/lib/webhooks/deliver/failure-tracking';

const base: HealthInput = {
  active: true,
  disabledReason: null,
  lastDeliveryAt: new Date('2026-11-01T00:00:00Z'),
  consecutiveFailures: 0,
  consecutiveFailedDeliveries: 0,
  attempts24h: 100,
  successes24h: 100,
  timeouts24h: 0,
  slowedReason: null,
};
const health = (change: Partial<HealthInput>) => healthOf({ ...base, ...change }).health;

describe('healthOf', () => {
  it('says Disabled with the reason, whatever else holds, and never Active alongside it', () => {
    const state = healthOf({ ...base, disabledReason: GONE_REASON, active: true, consecutiveFailedDeliveries: 3 });
    expect(state).toEqual({ health: 'disabled', label: 'Disabled', detail: GONE_REASON });
    expect(health({ disabledReason: GONE_REASON, active: false })).toBe('disabled');
  });

  it('says Inactive when an admin unticked Active', () => {
    expect(health({ active: false, consecutiveFailedDeliveries: 2 })).toBe('inactive');
  });

  it('says No deliveries yet for a webhook that never sent anything, not Healthy', () => {
    expect(healthOf({ ...base, lastDeliveryAt: null, attempts24h: 0, successes24h: 0 })).toMatchObject({ health: 'no-deliveries', label: 'No deliveries yet' });
  });

  it('says Failing when the latest delivery failed after every retry, counting deliveries', () => {
    expect(healthOf({ ...base, consecutiveFailedDeliveries: 2 })).toMatchObject({ health: 'failing', detail: '2 deliveries failed in a row after every retry.' });
  });

  it('says Failing while every attempt fails, before any delivery has used up its retries', () => {
    expect(health({ consecutiveFailures: FAILING_AFTER_FAILED_ATTEMPTS })).toBe('failing');
    expect(health({ consecutiveFailures: FAILING_AFTER_FAILED_ATTEMPTS - 1 })).toBe('healthy');
  });

  it('says Failing at 17 % success while failures go on, Degraded once the latest attempt succeeded', () => {
    expect(health({ successes24h: 17, consecutiveFailures: 2 })).toBe('failing');
    expect(health({ successes24h: 17, consecutiveFailures: 0 })).toBe('degraded');
  });

  it('says Degraded below the success-rate threshold, Healthy at it', () => {
    const threshold = DEGRADED_BELOW_SUCCESS_RATE * 100;
    expect(healthOf({ ...base, successes24h: threshold - 1 })).toMatchObject({
      health: 'degraded',
      detail: 'Only 94.0% of 100 attempts succeeded in the last 24 hours.',
    });
    expect(health({ successes24h: threshold })).toBe('healthy');
  });

  it('says Degraded while timing out, even with a success rate above the threshold', () => {
    expect(healthOf({ ...base, successes24h: 98, timeouts24h: 2 })).toMatchObject({ health: 'degraded', detail: '2 attempts of 100 timed out in the last 24 hours.' });
  });

  it('says Degraded while the endpoint is slowed down, and Failing says it is slowed down too', () => {
    expect(healthOf({ ...base, slowedReason: 'timeout' })).toMatchObject({ health: 'degraded', label: 'Degraded', detail: 'Degraded: timing out, 1 request at a time.' });
    const failing = healthOf({ ...base, slowedReason: 'timeout', consecutiveFailures: FAILING_AFTER_FAILED_ATTEMPTS });
    expect(failing.health).toBe('failing');
    expect(failing.detail).toMatch(/Slowed down: timing out, 1 request at a time\.$/);
  });

  it('says Healthy for a webhook quiet for a day whose last attempts succeeded', () => {
    expect(healthOf({ ...base, attempts24h: 0, successes24h: 0 })).toMatchObject({ health: 'healthy', detail: 'No attempts in the last 24 hours.' });
  });
});

describe('durationPercentile', () => {
  it('reads the bucket bound under which the share of attempts finished', () => {
    expect(durationPercentile([0, 0, 0, 0, 0, 0, 0, 0], 0.5)).toBeNull();
    expect(durationPercentile([50, 30, 20, 0, 0, 0, 0, 0], 0.5)).toBe(100);
    expect(durationPercentile([50, 30, 20, 0, 0, 0, 0, 0], 0.95)).toBe(500);
    expect(durationPercentile([0, 0, 0, 0, 0, 0, 0, 4], 0.5)).toBe(Infinity);
    expect([100, 2500, Infinity, null].map(formatDurationBound)).toEqual(['≤ 100 ms', '≤ 2.5 s', '> 10 s', '—']);
  });
});
