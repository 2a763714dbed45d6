/**
 * Failure tracking (SPEC §6): per-webhook counters after each attempt, and when a webhook that keeps
 * failing is disabled. Pure: the caller passes the clock and stores what comes back.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** A webhook failing continuously for this long … */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY_MS;
/** … and for at least this many attempts in a row is disabled; both must hold, so a quiet webhook is not cut off by a short outage. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 20;

export const GONE_REASON = 'The endpoint answered 410 Gone';

export type FailureCounters = {
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** First failed attempt of the current streak; null while the last attempt succeeded. */
  failingSince: Date | null;
};

export type AttemptResult = {
  success: boolean;
  /** Response status; null when no response came (timeout, DNS or connection error). */
  status: number | null;
};

export type TrackedAttempt = {
  counters: FailureCounters;
  /** Set when this attempt disables the webhook: the reason its page shows. */
  disableReason: string | null;
};

/** The counters after one attempt finished at `now`, and whether the webhook must now be disabled. */
export function trackAttempt(counters: FailureCounters, attempt: AttemptResult, now: Date): TrackedAttempt {
  if (attempt.success) {
    return {
      counters: { ...counters, consecutiveFailures: 0, lastSuccessAt: now, failingSince: null },
      disableReason: null,
    };
  }
  const next: FailureCounters = {
    ...counters,
    consecutiveFailures: counters.consecutiveFailures + 1,
    lastFailureAt: now,
    failingSince: counters.failingSince ?? now,
  };
  return { counters: next, disableReason: disableReason(next, attempt.status, now) };
}

/**
 * Why a webhook with these counters (already including the failed attempt) must be disabled, or null.
 * Exported on its own so counters kept by an atomic SQL increment can be judged the same way.
 */
export function disableReason(counters: Pick<FailureCounters, 'consecutiveFailures' | 'failingSince'>, status: number | null, now: Date): string | null {
  // 410 says the endpoint is gone for good: retrying for days would only load the receiver.
  if (status === 410) return GONE_REASON;
  const failingMs = counters.failingSince ? now.getTime() - counters.failingSince.getTime() : 0;
  if (counters.consecutiveFailures >= DISABLE_AFTER_CONSECUTIVE_FAILURES && failingMs >= DISABLE_AFTER_FAILING_MS) {
    const days = Math.floor(failingMs / DAY_MS);
    return `No successful delivery for ${days} days (${counters.consecutiveFailures} consecutive failed attempts)`;
  }
  return null;
}

export type WebhookHealth = 'healthy' | 'failing' | 'disabled';

export type HealthInput = {
  active: boolean;
  /** Set when failure tracking disabled the webhook. */
  disabledReason: string | null;
  consecutiveFailures: number;
};

/** The health badge of the webhooks list and page. */
export function healthOf({ active, disabledReason, consecutiveFailures }: HealthInput): WebhookHealth {
  if (disabledReason !== null || !active) return 'disabled';
  return consecutiveFailures > 0 ? 'failing' : 'healthy';
}
