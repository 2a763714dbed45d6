import { describe, expect, it } from 'vitest';
import { deliveryStateText } from '@/lib/webhooks/core/delivery-state';
import { dayRange } from '@/lib/webhooks/core/delivery-log-query';

const iso = (d: Date) => d.toISOString();

describe('deliveryStateText', () => {
  it("says where the row's delivery stands now, whichever attempt the row is", () => {
    const next = new Date('2026-11-29T10:00:00Z');
    expect(deliveryStateText({ deliveryStatus: 'succeeded', deliveryAttemptCount: 3, nextAttemptAt: null }, iso)).toBe('Succeeded on attempt 3');
    expect(deliveryStateText({ deliveryStatus: 'retrying', deliveryAttemptCount: 2, nextAttemptAt: next }, iso)).toBe('Retrying (next at 2026-11-29T10:00:00.000Z)');
    expect(deliveryStateText({ deliveryStatus: 'failed', deliveryAttemptCount: 1, nextAttemptAt: null }, iso)).toBe('Failed after 1 attempt');
    expect(deliveryStateText({ deliveryStatus: 'failed', deliveryAttemptCount: 4, nextAttemptAt: null }, iso)).toBe('Failed after 4 attempts');
    expect(deliveryStateText({ deliveryStatus: 'skipped', deliveryAttemptCount: 0, nextAttemptAt: null }, iso)).toBe('Skipped while the webhook was disabled');
  });
});

describe('dayRange', () => {
  it('takes whole UTC days, both ends included', () => {
    expect(dayRange('2026-11-01', '2026-11-29')).toEqual({ since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-11-30T00:00:00Z') });
    expect(dayRange(undefined, undefined)).toEqual({ since: null, until: null });
  });
});
