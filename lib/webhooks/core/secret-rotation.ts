/**
 * Secret rotation (SPEC §6): after *Roll secret* the previous secret still signs for a while, so
 * receivers can switch to the new one without rejecting deliveries in between.
 */

/** How long the previous secret stays valid after a roll. */
export const PREVIOUS_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

export type PreviousSecret = { secret: string; expiresAt: Date };

/** When the secret replaced at `rolledAt` stops being accepted (the page shows this time). */
export function previousSecretExpiresAt(rolledAt: Date): Date {
  return new Date(rolledAt.getTime() + PREVIOUS_SECRET_OVERLAP_MS);
}

/**
 * The secrets to sign with, the current one first (it alone makes `X-Kazinex-Signature`);
 * the previous one follows until its expiry, exclusive.
 */
export function signingSecrets({ current, previous, now }: { current: string; previous?: PreviousSecret | null; now: Date }): [string, ...string[]] {
  if (previous && now.getTime() < previous.expiresAt.getTime()) return [current, previous.secret];
  return [current];
}
