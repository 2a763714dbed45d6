import { describe, expect, it } from 'vitest';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { withinRoom } from '@/lib/webhooks/deliver/release';
import { toJobs } from '@/lib/webhooks/queue/enqueue';

const rows = (webhookId: string, count: number, room: number | null = null) =>
  Array.from({ length: count }, (_, i) => ({ deliveryId: `${webhookId}-${i}`, webhookId, room }));
const ids = (list: { deliveryId: string }[]) => list.map((r) => r.deliveryId);

describe("the parked release's room for lagging endpoints", () => {
  it('takes every candidate of an endpoint that is not lagging', () => {
    const all = rows('a', 60);
    expect(withinRoom(all)).toEqual(ids(all));
  });

  it("takes a lagging endpoint's candidates in due order, as many as its room", () => {
    const lagging = rows('b', 7, 3);
    expect(withinRoom(lagging)).toEqual(ids(lagging.slice(0, 3)));
    expect(withinRoom(rows('b', 2, 0))).toEqual([]);
  });

  it("keeps each endpoint's room to itself", () => {
    const b = rows('b', 2, 1);
    const c = rows('c', 4, 2);
    const d = rows('d', 3);
    expect(withinRoom([...c, ...b, ...d])).toEqual([...ids(c.slice(0, 2)), ...ids(b.slice(0, 1)), ...ids(d)]);
  });

  it("makes a job per delivery for a lagging endpoint, so its room in jobs is its room in requests", () => {
    const lagging = Array.from({ length: 30 }, (_, i) => ({ deliveryId: `l-${i}`, webhookId: 'l', trigger: 'automatic' as const, lagging: true }));
    const answering = Array.from({ length: 30 }, (_, i) => ({ deliveryId: `a-${i}`, webhookId: 'a', trigger: 'automatic' as const }));
    const jobs = toJobs([...lagging, ...answering]);
    expect(jobs.filter((j) => j.group.id === 'l').map((j) => j.data.deliveryIds.length)).toEqual(Array(30).fill(1));
    expect(jobs.filter((j) => j.group.id === 'a').map((j) => j.data.deliveryIds.length)).toEqual([DELIVERIES_PER_JOB, 30 - DELIVERIES_PER_JOB]);
  });
});
