import { describe, expect, it } from 'vitest';
import { SlowStarts } from '@/worker/slow-start';

describe("a pump's slow starts", () => {
  it('holds an endpoint back while any of its jobs runs, and lets it go when the last one ends', () => {
    const starts = new SlowStarts();
    const [one, two] = [{ id: 'job-1' }, { id: 'job-2' }];
    starts.begin(one, ['wh_a', 'wh_b']);
    starts.begin(two, ['wh_a']);
    expect([...starts.running].sort()).toEqual(['wh_a', 'wh_b']);
    starts.end(one);
    expect([...starts.running]).toEqual(['wh_a']);
    starts.end(two);
    expect(starts.running.size).toBe(0);
  });

  it('ignores runs that sent to no endpoint in its slow start, runs ended twice, and a second run of the same job', () => {
    const starts = new SlowStarts();
    const empty = { id: 'job-1' };
    const first = { id: 'job-2' };
    const again = { id: 'job-2' }; // the same job fetched again after it expired
    starts.begin(empty, []);
    starts.begin(first, ['wh_a']);
    starts.end(empty);
    starts.end(again);
    expect([...starts.running]).toEqual(['wh_a']);
    starts.end(first);
    starts.end(first);
    expect(starts.running.size).toBe(0);
  });
});
