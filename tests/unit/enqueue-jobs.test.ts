import { describe, expect, it } from 'vitest';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { formatJobsNotice, parseJobsNotice, QUEUES } from '@/lib/webhooks/queue/boss';
import { deliveryNotices, SLOWED_PRIORITY, SLOWED_TIER, toJobs, type DeliveryToEnqueue } from '@/lib/webhooks/queue/enqueue';

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

  it('keeps the attempts released from parking apart by attempt number, each job carrying its own', () => {
    const released = (n: number, attempt: number, webhookId = 'wh_dead'): DeliveryToEnqueue => ({ ...delivery(n, webhookId), attempt, slowed: true });
    const jobs = toJobs([released(1, 2), released(2, 3), released(3, 2), released(4, 2, 'wh_other')]);
    expect(jobs.map((j) => [j.group.id, j.data.attempt, j.data.deliveryIds])).toEqual([
      ['wh_dead', 2, ['dlv_1', 'dlv_3']],
      ['wh_dead', 3, ['dlv_2']],
      ['wh_other', 2, ['dlv_4']],
    ]);
    expect(jobs.every((j) => j.priority === SLOWED_PRIORITY && j.group.tier === SLOWED_TIER)).toBe(true);
  });

  it("puts a lagging endpoint's jobs below everyone's at its usual cap, and a slowed-down one's in the slowed tier", () => {
    const jobs = toJobs([
      { ...delivery(1, 'wh_lagging'), lagging: true },
      delivery(2, 'wh_fine'),
      { ...delivery(3, 'wh_dead'), slowed: true, lagging: true },
    ]);
    expect(jobs.map((j) => [j.group.id, j.priority ?? 0, j.group.tier ?? 'default'])).toEqual([
      ['wh_lagging', SLOWED_PRIORITY, 'default'],
      ['wh_fine', 0, 'default'],
      ['wh_dead', SLOWED_PRIORITY, SLOWED_TIER],
    ]);
  });
});


describe('the NOTIFY for new jobs', () => {
  it("names only the answering lane for answering endpoints' jobs, only the slowed lane for slowed-down and lagging ones", () => {
    const answering = toJobs([delivery(1, 'wh_a'), delivery(2, 'wh_b')]);
    const slowed = toJobs([{ ...delivery(3, 'wh_dead'), slowed: true }, { ...delivery(4, 'wh_lagging'), lagging: true }]);
    expect(deliveryNotices(answering)).toEqual([{ queue: QUEUES.deliveries, band: 'answering' }]);
    expect(deliveryNotices(slowed)).toEqual([{ queue: QUEUES.deliveries, band: 'slowed' }]);
    expect(deliveryNotices([...answering, ...slowed]).map((n) => n.band).sort()).toEqual(['answering', 'slowed']);
    expect(deliveryNotices([])).toEqual([]);
  });

  it('reads back what it sends; a payload with the queue alone wakes every lane, and a foreign one none', () => {
    for (const notice of [{ queue: QUEUES.deliveries, band: 'slowed' as const }, { queue: QUEUES.interactive }]) {
      expect(parseJobsNotice(formatJobsNotice(notice))).toEqual(notice);
    }
    expect(parseJobsNotice(QUEUES.deliveries)).toEqual({ queue: QUEUES.deliveries });
    expect(parseJobsNotice(`${QUEUES.deliveries}:sideways`)).toEqual({ queue: QUEUES.deliveries });
    expect(parseJobsNotice('some-other-queue:slowed')).toBeNull();
  });
});
