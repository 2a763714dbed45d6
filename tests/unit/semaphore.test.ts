import { describe, expect, it } from 'vitest';
import { limitConcurrency } from '@/lib/semaphore';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('limitConcurrency', () => {
  it('runs at most the limit at once and starts the waiting calls in order as slots free up', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, deferred);
    const limited = limitConcurrency(2, async (n: number) => {
      running++;
      most = Math.max(most, running);
      started.push(n);
      await gates[n]!.promise;
      running--;
      return n * 10;
    });
    const results = [0, 1, 2, 3, 4, 5].map((n) => limited(n));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await results[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(results)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('frees the slot when a call fails', async () => {
    const limited = limitConcurrency(1, async (fail: boolean) => {
      if (fail) throw new Error('failed');
      return 'done';
    });
    await expect(limited(true)).rejects.toThrow('failed');
    await expect(limited(false)).resolves.toBe('done');
  });
});
