import { describe, expect, it } from 'vitest';
import { DISABLE_AFTER_FAILING_MS, GONE_REASON, disableReason } from '@/lib/webhooks/deliver/failure-tracking';

const HOUR = 60 * 60 * 1000;
const start = new Date('2024-03-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

describe('disableReason', () => {
  it("names the rule a webhook's counters meet, or none", () => {
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

