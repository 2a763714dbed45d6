import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HASHING_CONCURRENCY, hashPassword, verifyPassword } from '@/lib/auth/password';

describe('password hashing', () => {
  it('verifies the right password only, with a per-hash salt', async () => {
    const hash = await hashPassword('kazinex-admin');
    expect(hash).toMatch(/^scrypt\$32768\$/);
    expect(hash).not.toContain('kazinex-admin');
    expect(await verifyPassword('kazinex-admin', hash)).toBe(true);
    expect(await verifyPassword('kazinex-admim', hash)).toBe(false);
    expect(await hashPassword('kazinex-admin')).not.toBe(hash);
  });

  it('rejects a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });

  it('leaves threads of the pool free during a flood of hashes, so a file read is not queued behind them', async () => {
    const stored = await hashPassword('kazinex-admin');
    const flood = 8;
    let finished = 0;
    const hashes = Array.from({ length: flood }, () => verifyPassword('wrong-password', stored).then(() => finished++));
    // The read needs a thread of the same pool (4 threads): unbounded hashing would hold all four until a batch finished.
    await readFile(import.meta.filename);
    const unfinished = flood - finished;
    await Promise.all(hashes);
    expect(HASHING_CONCURRENCY).toBeLessThan(4);
    expect(unfinished).toBeGreaterThan(flood - 4);
  });
});
