import { describe, expect, it } from 'vitest';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { SLOWED_PRIORITY, toJobs, toRetryJobs, type DeliveryToEnqueue, type ScheduledRetry } from '@/lib/webhooks/queue/enqueue';

const delivery = (n: number, webhookId: string, trigger: DeliveryToEnqueue['trigger'] = 'automatic'): DeliveryToEnqueue => ({
  deliveryId: `dlv_${n}`,
  webhookId,
  trigger,
});

describe('toJobs', () => {
  it('puts only deliveries of one webhook and one trigger in a job, grouped by that webhook', () => {
    const jobs = toJobs([delivery(1, 'wh_a'), delivery(2, 'wh_b'), delivery(3, 'wh_a'), delivery(4, 'wh_a', 'manual')]);
    expect(jobs).toEqual([
      { data: { deliveryIds: ['dlv_1', 'dlv_3'], trigger: 'automatic' }, group: { id: 'wh_a' } },
      { data: { deliveryIds: ['dlv_2'], trigger: 'automatic' }, group: { id: 'wh_b' } },
      { data: { deliveryIds: ['dlv_4'], trigger: 'manual' }, group: { id: 'wh_a' } },
    ]);
  });

  it(`splits a webhook's deliveries into jobs of at most ${DELIVERIES_PER_JOB}, keeping every one exactly once`, () => {
    const many = Array.from({ length: DELIVERIES_PER_JOB * 2 + 3 }, (_, i) => delivery(i, 'wh_a'));
    const jobs = toJobs(many);
    expect(jobs.map((j) => j.data.deliveryIds.length)).toEqual([DELIVERIES_PER_JOB, DELIVERIES_PER_JOB, 3]);
    expect(jobs.flatMap((j) => j.data.deliveryIds)).toEqual(many.map((d) => d.deliveryId));
  });

  it('makes no job for no deliveries', () => {
    expect(toJobs([])).toEqual([]);
  });
});

describe('toRetryJobs', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const retry = (n: number, webhookId: string, attempt: number, second: number, slowed = false): ScheduledRetry => ({ deliveryId: `dlv_${n}`, webhookId, attempt, startAfter: at(second), slowed });

  it('gives each retry of an answering endpoint its own job at its own time', () => {
    expect(toRetryJobs([retry(1, 'wh_a', 2, 5), retry(2, 'wh_a', 2, 6)])).toEqual([
      { data: { deliveryIds: ['dlv_1'], trigger: 'automatic', attempt: 2 }, group: { id: 'wh_a' }, startAfter: at(5) },
      { data: { deliveryIds: ['dlv_2'], trigger: 'automatic', attempt: 2 }, group: { id: 'wh_a' }, startAfter: at(6) },
    ]);
  });

  it('shares jobs among the retries of a slowed-down endpoint with the same attempt number, due at the latest of their times', () => {
    const many = Array.from({ length: DELIVERIES_PER_JOB + 1 }, (_, i) => retry(i, 'wh_dead', 3, 10 + (i % 3), true));
    const jobs = toRetryJobs([...many, retry(100, 'wh_dead', 2, 4, true), retry(101, 'wh_other', 3, 9, true)]);
    expect(jobs.map((j) => [j.group.id, j.data.attempt, j.data.deliveryIds.length, j.startAfter, j.priority])).toEqual([
      ['wh_dead', 3, DELIVERIES_PER_JOB, at(12), SLOWED_PRIORITY],
      ['wh_dead', 3, 1, at(11), SLOWED_PRIORITY],
      ['wh_dead', 2, 1, at(4), SLOWED_PRIORITY],
      ['wh_other', 3, 1, at(9), SLOWED_PRIORITY],
    ]);
    expect(new Set(jobs.flatMap((j) => j.data.deliveryIds)).size).toBe(DELIVERIES_PER_JOB + 3);
  });
});
