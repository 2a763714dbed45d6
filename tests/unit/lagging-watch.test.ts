import { afterEach, describe, expect, it } from 'vitest';
import { LAG_AFTER_MS } from '@/lib/webhooks/deliver/lagging';
import { LaggingWatch } from '@/worker/lagging-watch';

describe('LaggingWatch', () => {
  let watch: LaggingWatch;
  afterEach(() => watch.stop());

  it('finds the webhooks with a request in flight for longer than the lag limit, and only those', () => {
    watch = new LaggingWatch();
    const started = performance.now();
    watch.track('wh_slow');
    watch.track('wh_fast')();
    expect(watch.lagging(started + LAG_AFTER_MS / 2)).toEqual([]);
    watch.track('wh_recent');
    expect(watch.lagging(started + LAG_AFTER_MS + 1)).toEqual(['wh_slow']);
  });

  it('counts every request of a webhook: one ending leaves the others in flight', () => {
    watch = new LaggingWatch();
    const started = performance.now();
    const first = watch.track('wh_a');
    watch.track('wh_a');
    first();
    expect(watch.lagging(started + LAG_AFTER_MS + 1)).toEqual(['wh_a']);
  });

  it('forgets a webhook once its requests in flight fall to none', () => {
    watch = new LaggingWatch();
    const started = performance.now();
    const ends = [watch.track('wh_a'), watch.track('wh_a')];
    ends.forEach((end) => end());
    expect(watch.lagging(started + LAG_AFTER_MS * 10)).toEqual([]);
  });
});
