import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { signInFailures } from '@/db/schema';

/**
 * Password sign-in throttling. Failures are counted over a sliding window per account (the email
 * tried, whether or not it belongs to anyone, so the answer never tells which emails exist) and per
 * client address. Once either limit is reached every attempt is refused unchecked, the right
 * password included, until the oldest failure leaves the window.
 *
 * An attempt is counted as a failure before its password is checked and un-counted if it succeeds:
 * with the check and the count in one transaction under a lock on both keys, concurrent attempts on
 * any number of web instances cannot slip past the limit together.
 */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 } as const;

export type AttemptTicket = { failureId: string; accountKey: string };
export type AttemptDecision = { allowed: true; ticket: AttemptTicket } | { allowed: false; retryAfterMinutes: number };

export const accountKeyOf = (email: string) => createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');

/**
 * The client address: the last X-Forwarded-For entry, the one added by the nearest proxy (Next.js
 * adds the socket address when there is no proxy). Earlier entries are the client's own word.
 */
export function clientAddressOf(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return (forwarded.at(-1) ?? 'unknown').slice(0, 64);
}

export async function beginSignInAttempt(email: string, clientAddress: string): Promise<AttemptDecision> {
  const accountKey = accountKeyOf(email);
  const window = sql`now() - make_interval(mins => ${THROTTLE.windowMinutes})`;
  return getDb().transaction(async (tx) => {
    for (const lock of [`account:${accountKey}`, `address:${clientAddress}`].sort()) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lock}, 0))`);
    }
    await tx.execute(sql`delete from ${signInFailures} where ${signInFailures.failedAt} < ${window}`);
    const [counts] = await tx.execute<{ account: number; address: number; retry_seconds: number | null }>(sql`
      with account as (
        select count(*)::int as n, min(${signInFailures.failedAt}) as oldest from ${signInFailures}
        where ${signInFailures.accountKey} = ${accountKey} and ${signInFailures.failedAt} >= ${window}
      ), address as (
        select count(*)::int as n, min(${signInFailures.failedAt}) as oldest from ${signInFailures}
        where ${signInFailures.clientAddress} = ${clientAddress} and ${signInFailures.failedAt} >= ${window}
      )
      select account.n as account, address.n as address,
        extract(epoch from greatest(
          case when account.n >= ${THROTTLE.perAccount} then account.oldest end,
          case when address.n >= ${THROTTLE.perAddress} then address.oldest end
        ) + make_interval(mins => ${THROTTLE.windowMinutes}) - now())::float8 as retry_seconds
      from account, address`);
    if (counts && counts.retry_seconds !== null) {
      return { allowed: false, retryAfterMinutes: Math.max(1, Math.ceil(counts.retry_seconds / 60)) };
    }
    const failureId = randomUUID();
    await tx.insert(signInFailures).values({ id: failureId, accountKey, clientAddress });
    return { allowed: true, ticket: { failureId, accountKey } };
  });
}

/** A successful sign-in takes back its own failure and clears the account's count (not the address's). */
export async function signInSucceeded(ticket: AttemptTicket): Promise<void> {
  await getDb().delete(signInFailures).where(sql`${signInFailures.id} = ${ticket.failureId} or ${signInFailures.accountKey} = ${ticket.accountKey}`);
}
