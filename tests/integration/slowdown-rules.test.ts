import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import { claimProbes, MAX_PAUSE_MS, PROBE_PAUSE_MS, SLOW_AFTER_FAILURES, trackSlowdown, type SentOutcome } from '@/lib/webhooks/deliver/slowdown';
import { createOrganisation, createWebhook, UNREACHABLE_LOOPBACK } from '../support/fixtures';

/* The slow-down rules (deliver/slowdown.ts), driven through PostgreSQL as the recorder drives them. */

afterAll(async () => {
  await closeDb();
});

async function aWebhook() {
  const org = await createOrganisation();
  return (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK })).id;
}

const at = new Date('2026-03-01T12:00:00Z');
const outcome = (webhookId: string, over: Partial<SentOutcome> = {}): SentOutcome => ({
  webhookId,
  success: false,
  timedOut: false,
  status: 503,
  retryAfterMs: null,
  completedAt: at,
  ...over,
});

const record = (outcomes: SentOutcome[]) => getDb().transaction((tx) => trackSlowdown(tx, outcomes));

async function stateOf(id: string) {
  const [row] = await getDb().select({ since: webhooks.slowedSince, reason: webhooks.slowedReason, probeUntil: webhooks.probeUntil }).from(webhooks).where(eq(webhooks.id, id));
  return row!;
}

describe('endpoint slow-down', () => {
  it('starts at a timeout, pauses the next request, and ends at the first success', async () => {
    const id = await aWebhook();
    await record([outcome(id, { timedOut: true, status: null })]);
    expect(await stateOf(id)).toEqual({ since: at, reason: 'timeout', probeUntil: new Date(at.getTime() + PROBE_PAUSE_MS) });

    const later = new Date(at.getTime() + 60_000);
    await record([outcome(id, { completedAt: later })]);
    expect(await stateOf(id)).toEqual({ since: at, reason: 'timeout', probeUntil: new Date(later.getTime() + PROBE_PAUSE_MS) });

    await record([outcome(id, { success: true, status: 200, completedAt: new Date(later.getTime() + 1) })]);
    expect(await stateOf(id)).toEqual({ since: null, reason: null, probeUntil: null });
  });

  it("starts at a 429 and pauses for the endpoint's Retry-After, at most a minute", async () => {
    const [a, b] = [await aWebhook(), await aWebhook()];
    await record([outcome(a, { status: 429, retryAfterMs: 40_000 }), outcome(b, { status: 429, retryAfterMs: 3_600_000 })]);
    expect(await stateOf(a)).toMatchObject({ reason: 'rate_limited', probeUntil: new Date(at.getTime() + 40_000) });
    expect(await stateOf(b)).toMatchObject({ reason: 'rate_limited', probeUntil: new Date(at.getTime() + MAX_PAUSE_MS) });
  });

  it(`starts after ${SLOW_AFTER_FAILURES} failed attempts in a row, not before`, async () => {
    const id = await aWebhook();
    await getDb().update(webhooks).set({ consecutiveFailures: SLOW_AFTER_FAILURES - 1 }).where(eq(webhooks.id, id));
    await record([outcome(id)]);
    expect((await stateOf(id)).reason).toBeNull();
    await getDb().update(webhooks).set({ consecutiveFailures: SLOW_AFTER_FAILURES }).where(eq(webhooks.id, id));
    await record([outcome(id)]);
    expect(await stateOf(id)).toMatchObject({ since: at, reason: 'failing' });
  });

  it("judges a batch by each webhook's latest attempt", async () => {
    const id = await aWebhook();
    await record([outcome(id, { success: true, status: 200, completedAt: new Date(at.getTime() - 1) }), outcome(id, { timedOut: true, status: null })]);
    expect((await stateOf(id)).reason).toBe('timeout');
  });

  it('hands the probe of a slowed-down endpoint to one claimant at a time, and only once its pause is over', async () => {
    const [slowed, healthy] = [await aWebhook(), await aWebhook()];
    // Slowed down an hour ago, so its pause is over.
    await record([outcome(slowed, { timedOut: true, status: null, completedAt: new Date(Date.now() - 3_600_000) })]);
    const [first, second] = await Promise.all([claimProbes([slowed, healthy], 10_000), claimProbes([slowed, healthy], 10_000)]);
    expect([...first, ...second]).toEqual([slowed]);
    expect((await stateOf(slowed)).probeUntil!.getTime()).toBeGreaterThan(Date.now() + 5_000);
    expect(await claimProbes([slowed], 10_000)).toEqual(new Set());
  });
});
