import { afterEach, describe, expect, it } from 'vitest';
import { LAG_AFTER_MS } from '@/lib/webhooks/core/slowdown';
import { LaggingWatch } from '@/worker/lagging-watch';

describe('LaggingWatch', () => {
  let watch: LaggingWatch;
  /** The watch's clock, moved by each test. */
  let now = 0;
  afterEach(() => watch.stop());

  it('finds the webhooks with a request in flight for longer than the lag limit, and only those', () => {
    watch = new LaggingWatch(() => now);
    now = 1_000;
    watch.track('wh_slow');
    watch.track('wh_fast')();
    now += LAG_AFTER_MS / 2;
    expect(watch.lagging()).toEqual([]);
    watch.track('wh_recent');
    now += LAG_AFTER_MS / 2 + 1;
    expect(watch.lagging()).toEqual(['wh_slow']);
  });

  it('counts every request of a webhook: one ending leaves the others in flight', () => {
    watch = new LaggingWatch(() => now);
    now = 1_000;
    const first = watch.track('wh_a');
    watch.track('wh_a');
    first();
    now += LAG_AFTER_MS + 1;
    expect(watch.lagging()).toEqual(['wh_a']);
  });

  it('forgets a webhook once its requests in flight fall to none', () => {
    watch = new LaggingWatch(() => now);
    now = 1_000;
    const ends = [watch.track('wh_a'), watch.track('wh_a')];
    ends.forEach((end) => end());
    now += LAG_AFTER_MS * 10;
    expect(watch.lagging()).toEqual([]);
  });
});
