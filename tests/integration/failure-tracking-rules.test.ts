import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import {
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  DISABLE_AFTER_FAILING_MS,
  GONE_REASON,
  trackFailures,
  type TrackedOutcome,
} from '@/lib/webhooks/deliver/failure-tracking';
import { createOrganisation, createWebhook } from '../support/fixtures';

/*
 * The failure-tracking rule as the worker runs it: outcomes go through trackFailures, in a
 * transaction, and the webhook row is read back.
 */

const HOUR = 60 * 60 * 1000;
const start = new Date('2024-03-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

let organisationId: string;
beforeAll(async () => {
  ({ organisationId } = await createOrganisation('Failure Rules Ltd'));
});
afterAll(() => closeDb());

const newWebhook = async () => (await createWebhook(organisationId, { url: 'https://receiver.example.com/hook' })).id;
const row = async (id: string) => (await getDb().select().from(webhooks).where(eq(webhooks.id, id)))[0]!;

type Outcome = Partial<Omit<TrackedOutcome, 'webhookId' | 'startedAt'>> & { at: Date };
const outcome = (webhookId: string, o: Outcome): TrackedOutcome => ({
  webhookId,
  success: o.success ?? false,
  status: o.status === undefined ? 500 : o.status,
  startedAt: o.at,
  completedAt: new Date(o.at.getTime() + 100),
  isTest: o.isTest ?? false,
});

/** Each call is one recording transaction, as the worker makes per batch of finished jobs. */
async function track(webhookId: string, ...outcomes: Outcome[]) {
  await getDb().transaction((tx) => trackFailures(tx, outcomes.map((o) => outcome(webhookId, o))));
}

/** Failed attempts at the given times, one transaction each. */
async function failAt(webhookId: string, times: Date[], status: number | null = 500) {
  for (const t of times) await track(webhookId, { at: t, status });
}

const hourly = (from: number, count: number) => Array.from({ length: count }, (_, i) => at(from + i * HOUR));

describe('failure tracking through the database', () => {
  it('is 5 days and 20 attempts by default', () => {
    expect(DISABLE_AFTER_FAILING_MS).toBe(5 * 24 * HOUR);
    expect(DISABLE_AFTER_CONSECUTIVE_FAILURES).toBe(20);
  });

  it('counts a failure, remembers when the streak began and when it last failed', async () => {
    const id = await newWebhook();
    await failAt(id, [at(0), at(HOUR)]);
    const w = await row(id);
    expect(w.consecutiveFailures).toBe(2);
    expect(w.failingSince).toEqual(at(0));
    expect(w.lastFailureAt).toEqual(at(HOUR));
    expect(w.lastDeliveryStatus).toBe('failed');
    expect(w.disabledReason).toBeNull();
  });

  it('a success ends the streak and keeps the last failure time', async () => {
    const id = await newWebhook();
    await failAt(id, [at(0), at(HOUR)]);
    await track(id, { at: at(2 * HOUR), success: true, status: 200 });
    const w = await row(id);
    expect(w.consecutiveFailures).toBe(0);
    expect(w.failingSince).toBeNull();
    expect(w.lastSuccessAt).toEqual(at(2 * HOUR));
    expect(w.lastFailureAt).toEqual(at(HOUR));
    expect(w.lastDeliveryStatus).toBe('success');
  });

  it('counts the failures after a success within one batch only', async () => {
    const id = await newWebhook();
    await track(id, { at: at(0) }, { at: at(HOUR), success: true, status: 200 }, { at: at(2 * HOUR) }, { at: at(3 * HOUR) });
    const w = await row(id);
    expect(w.consecutiveFailures).toBe(2);
    expect(w.failingSince).toEqual(at(2 * HOUR));
  });

  it('disables at once on 410 Gone, even on the first failure', async () => {
    const id = await newWebhook();
    await failAt(id, [at(0)], 410);
    const w = await row(id);
    expect(w.disabledReason).toBe(GONE_REASON);
    expect(w.disabledAt).toEqual(at(0));
  });

  it('does not disable on other 4xx and 5xx answers or on errors without a response', async () => {
    const id = await newWebhook();
    for (const status of [400, 401, 404, 429, 500, 502, 503, null]) await failAt(id, [at(0)], status);
    expect((await row(id)).disabledReason).toBeNull();
  });

  it('disables after 5 days of failing with at least 20 consecutive failed attempts', async () => {
    const id = await newWebhook();
    await failAt(id, hourly(0, 19));
    expect((await row(id)).disabledReason).toBeNull();
    await failAt(id, [at(5 * 24 * HOUR)]);
    const w = await row(id);
    expect(w.disabledReason).toBe('No successful delivery for 5 days (20 consecutive failed attempts)');
    expect(w.disabledAt).toEqual(at(5 * 24 * HOUR));
  });

  it('does not disable after 19 failures, however long the streak', async () => {
    const id = await newWebhook();
    await failAt(id, [...hourly(0, 18), at(30 * 24 * HOUR)]);
    const w = await row(id);
    expect(w.consecutiveFailures).toBe(19);
    expect(w.disabledReason).toBeNull();
  });

  it('does not disable after many failures in less than 5 days', async () => {
    const id = await newWebhook();
    await track(id, ...hourly(0, 100).map((t) => ({ at: t })));
    const w = await row(id);
    expect(w.consecutiveFailures).toBe(100);
    expect(w.disabledReason).toBeNull();
  });

  it('measures the 5 days from the first failure of the streak, not from the last success or creation', async () => {
    const id = await newWebhook();
    await track(id, { at: at(0), success: true, status: 200 });
    await failAt(id, hourly(2 * 24 * HOUR, 20));
    await failAt(id, [at(6 * 24 * HOUR)]);
    expect((await row(id)).disabledReason).toBeNull();
    await failAt(id, [at(7 * 24 * HOUR)]);
    expect((await row(id)).disabledReason).toBe('No successful delivery for 5 days (22 consecutive failed attempts)');
  });

  it('a success in between restarts the 5-day clock', async () => {
    const id = await newWebhook();
    await failAt(id, hourly(0, 25));
    await track(id, { at: at(3 * 24 * HOUR), success: true, status: 200 });
    await failAt(id, [...hourly(4 * 24 * HOUR, 25), at(8 * 24 * HOUR)]);
    const w = await row(id);
    expect(w.consecutiveFailures).toBe(26);
    expect(w.disabledReason).toBeNull();
  });

  it('test events move only the last-delivery figures, never the counters or disabling', async () => {
    const id = await newWebhook();
    await failAt(id, [at(0)]);
    await track(id, { at: at(HOUR), status: 410, isTest: true });
    const w = await row(id);
    expect(w.consecutiveFailures).toBe(1);
    expect(w.disabledReason).toBeNull();
    expect(w.lastDeliveryAt).toEqual(new Date(at(HOUR).getTime() + 100));
  });

  it('concurrent recording transactions add up instead of overwriting each other', async () => {
    const id = await newWebhook();
    await Promise.all(Array.from({ length: 8 }, (_, i) => track(id, { at: at(i * 1000) }, { at: at(i * 1000 + 1) })));
    expect((await row(id)).consecutiveFailures).toBe(16);
  });
});
