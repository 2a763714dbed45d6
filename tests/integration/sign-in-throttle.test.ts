import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { signInFailures } from '@/db/schema';
import { accountKeyOf, beginSignInAttempt, clientAddressOf, signInSucceeded, THROTTLE } from '@/lib/auth/throttle';

afterAll(() => closeDb());

const unique = () => randomBytes(5).toString('hex');
const email = () => `someone.${unique()}@example.com`;
const address = () => `198.51.100.${unique()}`;

async function failTimes(account: string, from: string, times: number) {
  for (let i = 0; i < times; i++) {
    const decision = await beginSignInAttempt(account, from);
    expect(decision.allowed).toBe(true);
  }
}

describe('sign-in throttling', () => {
  it(`refuses the attempt after ${THROTTLE.perAccount} failures of one account with the minutes to wait, from any address`, async () => {
    const account = email();
    await failTimes(account, address(), THROTTLE.perAccount);
    const refused = await beginSignInAttempt(account.toUpperCase(), address());
    expect(refused).toEqual({ allowed: false, retryAfterMinutes: THROTTLE.windowMinutes });
    // Another account from the same places is not affected.
    expect((await beginSignInAttempt(email(), address())).allowed).toBe(true);
  });

  it('counts an unknown email exactly like a known one', async () => {
    // The throttle never looks at users: the same count and answer whether or not anyone has the email.
    const account = `nobody.${unique()}@example.com`;
    await failTimes(account, address(), THROTTLE.perAccount);
    expect((await beginSignInAttempt(account, address())).allowed).toBe(false);
  });

  it(`refuses every account from an address after ${THROTTLE.perAddress} failures from it`, async () => {
    const from = address();
    for (let i = 0; i < THROTTLE.perAddress; i++) await failTimes(email(), from, 1);
    expect(await beginSignInAttempt(email(), from)).toEqual({ allowed: false, retryAfterMinutes: THROTTLE.windowMinutes });
    expect((await beginSignInAttempt(email(), address())).allowed).toBe(true);
  });

  it('a success clears the account\'s failures, and failures older than the window no longer count', async () => {
    const account = email();
    await failTimes(account, address(), THROTTLE.perAccount - 1);
    const decision = await beginSignInAttempt(account, address());
    if (!decision.allowed) throw new Error('expected the attempt to be allowed');
    await signInSucceeded(decision.ticket);
    expect(await getDb().select().from(signInFailures).where(eq(signInFailures.accountKey, accountKeyOf(account)))).toEqual([]);

    await failTimes(account, address(), THROTTLE.perAccount);
    expect((await beginSignInAttempt(account, address())).allowed).toBe(false);
    // Move the oldest failure to just outside the window: the count drops below the limit.
    await getDb().execute(sql`
      update ${signInFailures} set failed_at = now() - make_interval(mins => ${THROTTLE.windowMinutes + 1})
      where id = (select id from ${signInFailures} where account_key = ${accountKeyOf(account)} order by failed_at limit 1)`);
    expect((await beginSignInAttempt(account, address())).allowed).toBe(true);
  });

  it('the minutes to wait count from the oldest failure in the window', async () => {
    const account = email();
    await failTimes(account, address(), THROTTLE.perAccount);
    await getDb().execute(sql`
      update ${signInFailures} set failed_at = now() - interval '10 minutes 30 seconds' where account_key = ${accountKeyOf(account)}`);
    expect(await beginSignInAttempt(account, address())).toEqual({ allowed: false, retryAfterMinutes: 5 });
  });

  it('concurrent attempts cannot slip past the limit together', async () => {
    const account = email();
    const decisions = await Promise.all(Array.from({ length: THROTTLE.perAccount * 3 }, () => beginSignInAttempt(account, address())));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(THROTTLE.perAccount);
  });

  it('takes the client address from the last X-Forwarded-For entry, the one the nearest proxy added', () => {
    expect(clientAddressOf(new Headers({ 'x-forwarded-for': '10.9.9.9, 203.0.113.7' }))).toBe('203.0.113.7');
    expect(clientAddressOf(new Headers({ 'x-forwarded-for': '203.0.113.8' }))).toBe('203.0.113.8');
    expect(clientAddressOf(new Headers())).toBe('unknown');
  });
});
