import { describe, expect, it } from 'vitest';
import { SlowStarts } from '@/worker/slow-start';

describe("a pump's slow starts", () => {
  it('holds an endpoint back while any of its jobs runs, and lets it go when the last one ends', () => {
    const starts = new SlowStarts();
    starts.begin('job-1', ['wh_a', 'wh_b']);
    starts.begin('job-2', ['wh_a']);
    expect([...starts.running].sort()).toEqual(['wh_a', 'wh_b']);
    starts.end('job-1');
    expect([...starts.running]).toEqual(['wh_a']);
    starts.end('job-2');
    expect(starts.running.size).toBe(0);
  });

  it('ignores jobs that sent to no endpoint in its slow start, and a job ended twice', () => {
    const starts = new SlowStarts();
    starts.begin('job-1', []);
    starts.begin('job-2', ['wh_a']);
    starts.begin('job-3', ['wh_a']);
    starts.end('job-1');
    starts.end('job-unknown');
    starts.end('job-2');
    starts.end('job-2');
    expect([...starts.running]).toEqual(['wh_a']);
    starts.end('job-3');
    expect(starts.running.size).toBe(0);
  });
});
