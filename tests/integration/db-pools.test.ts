import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb, onSharedPool, onSlowedPool, runPlanned } from '@/db/client';
import { testDb } from '../support/db';

const direct = testDb();
afterAll(async () => {
  await closeDb();
  await direct.close();
});

const backendPid = async () => (await runPlanned<{ pid: number }>(getDb(), sql`select pg_backend_pid() as pid`))[0]!.pid;

describe("the worker's pool for slowed-down endpoints' work", () => {
  it('is another pool: work inside onSlowedPool, and nothing else, runs on its connections', async () => {
    const slowed = new Set(await onSlowedPool(() => Promise.all(Array.from({ length: 8 }, backendPid))));
    const shared = new Set(await Promise.all(Array.from({ length: 8 }, backendPid)));
    const sharedAgain = await onSlowedPool(() => onSharedPool(() => Promise.all(Array.from({ length: 8 }, backendPid))));
    expect([...slowed].filter((pid) => shared.has(pid))).toEqual([]);
    expect(slowed.size).toBeLessThanOrEqual(4);
    for (const pid of sharedAgain) expect(slowed.has(pid)).toBe(false);
  });

  it("answers the shared pool's queries while every connection of the slowed pool waits on a lock", async () => {
    const key = Math.floor(Math.random() * 1e9);
    // Held by another connection until released below: whatever asks for it waits. More waiting
    // queries than the shared pool has connections, so one pool for both could not answer.
    await direct.sql`select pg_advisory_lock(${key})`;
    let waitingEnded = 0;
    const waiting = onSlowedPool(() =>
      Promise.all(
        Array.from({ length: 12 }, () => runPlanned(getDb(), sql`select pg_advisory_lock_shared(${key}), pg_advisory_unlock_shared(${key})`).then(() => waitingEnded++)),
      ),
    );
    try {
      expect(await backendPid()).toBeGreaterThan(0);
      expect(waitingEnded, 'the slowed pool is still waiting on the lock').toBe(0);
    } finally {
      await direct.sql`select pg_advisory_unlock(${key})`;
    }
    await waiting;
    expect(waitingEnded).toBe(12);
  });
});
