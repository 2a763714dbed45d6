/**
 * Automatic retries (SPEC §6): when the next attempt of a failed delivery is due, and what the
 * delivery's status becomes after an attempt. Pure: the clock and the randomness are passed in.
 */

/** Each scheduled wait is stretched or shrunk by up to this fraction, so retries to one endpoint spread out. */
export const RETRY_JITTER = 0.2;

/** Statuses whose `Retry-After` header we honour: the receiver is telling us when it can take more. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

export type RetryDelayInput = {
  /** Seconds before each automatic retry: `schedule[i]` is the wait before retry i + 1 (`WEBHOOKS_RETRY_SCHEDULE`). */
  schedule: readonly number[];
  /** The attempt that just failed; attempt 1 is the first try. */
  attemptNumber: number;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
  /** Response status of the failed attempt; null when no response came (timeout, connection error). */
  status?: number | null;
  /** The raw `Retry-After` response header, if any. */
  retryAfterHeader?: string | null;
  now: Date;
};

/**
 * Milliseconds to wait before the next attempt, or null when the schedule is exhausted and the
 * delivery has failed for good. A valid `Retry-After` on 429/503 replaces the jittered delay but is
 * clamped between the scheduled delay and twice it, so a receiver can slow us down, within reason.
 */
export function nextRetryDelay({ schedule, attemptNumber, random, status, retryAfterHeader, now }: RetryDelayInput): number | null {
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) {
    throw new RangeError(`attemptNumber must be a whole number from 1, got ${attemptNumber}`);
  }
  const scheduledSeconds = schedule[attemptNumber - 1];
  if (scheduledSeconds === undefined) return null;
  const scheduledMs = scheduledSeconds * 1000;

  const askedMs = status != null && RETRY_AFTER_STATUSES.has(status) ? parseRetryAfter(retryAfterHeader, now) : null;
  if (askedMs !== null) return Math.min(Math.max(askedMs, scheduledMs), 2 * scheduledMs);

  const factor = 1 + (2 * random() - 1) * RETRY_JITTER;
  return Math.round(scheduledMs * factor);
}

/**
 * `Retry-After` in milliseconds from `now`: either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * A date in the past means "now" (0); anything unreadable is null and the schedule applies.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Bare numbers of other shapes ("-5", "1.5") are not HTTP-dates, though Date.parse would accept some.
  if (/^[\d.+-]+$/.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * What a delivery becomes after an attempt: `succeeded`, `retrying` (another attempt is due) or
 * `failed` (the schedule is exhausted). A subset of the stored delivery status.
 */
export type StatusAfterAttempt = 'retrying' | 'succeeded' | 'failed';

export type AttemptOutcome = {
  success: boolean;
  /** What nextRetryDelay() returned for this attempt; null when no further attempt is planned. */
  retryDelayMs: number | null;
};

export function deliveryStatusAfterAttempt({ success, retryDelayMs }: AttemptOutcome): StatusAfterAttempt {
  if (success) return 'succeeded';
  return retryDelayMs === null ? 'failed' : 'retrying';
}
