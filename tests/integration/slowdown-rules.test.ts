import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import { claimProbes, MAX_PAUSE_MS, moveWaitingJobs, PROBE_PAUSE_MS, SLOW_AFTER_FAILURES, trackSlowdown, type SentOutcome } from '@/lib/webhooks/deliver/slowdown';
import { closePublisher, getPublisher } from '@/lib/webhooks/queue/boss';
import { SLOWED_PRIORITY, SLOWED_TIER } from '@/lib/webhooks/queue/enqueue';
import { publishEvent } from '@/lib/webhooks/publish/publish';
import { completedData, createOrganisation, createWebhook, UNREACHABLE_LOOPBACK } from '../support/fixtures';

/* The slow-down rules (deliver/slowdown.ts), driven through PostgreSQL as the recorder drives them. */

// The rules move pg-boss's waiting jobs: its schema must exist even when this file runs alone.
beforeAll(async () => {
  await getPublisher();
});

afterAll(async () => {
  await closePublisher();
  await closeDb();
});

async function aWebhook() {
  const org = await createOrganisation();
  return (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK })).id;
}

/** The priority and group tier of the waiting delivery jobs of these deliveries. */
async function prioritiesOf(deliveryIds: string[]): Promise<string[]> {
  const rows = await getDb().execute<{ priority: number; group_tier: string | null }>(
    sql`select priority, group_tier from pgboss.job where state in ('created', 'retry') and data->'deliveryIds' ?| ${sql.param(deliveryIds)}::text[]`,
  );
  return rows.map((r) => `${r.priority} ${r.group_tier ?? 'default'}`);
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

/** As the worker records: the slow-down in the recording transaction, then the waiting jobs moved. */
const record = async (outcomes: SentOutcome[]) => moveWaitingJobs(await getDb().transaction((tx) => trackSlowdown(tx, outcomes)));

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
    const [a, b, c] = [await aWebhook(), await aWebhook(), await aWebhook()];
    await record([outcome(a, { status: 429, retryAfterMs: 2_000 }), outcome(b, { status: 429, retryAfterMs: 3_600_000 }), outcome(c, { status: 429 })]);
    expect(await stateOf(a)).toMatchObject({ reason: 'rate_limited', probeUntil: new Date(at.getTime() + 2_000) });
    expect(await stateOf(b)).toMatchObject({ reason: 'rate_limited', probeUntil: new Date(at.getTime() + MAX_PAUSE_MS) });
    expect(await stateOf(c)).toMatchObject({ reason: 'rate_limited', probeUntil: new Date(at.getTime() + PROBE_PAUSE_MS) });
  });

  it(`starts once an endpoint that cannot be reached has failed ${SLOW_AFTER_FAILURES} attempts in a row, not before`, async () => {
    const id = await aWebhook();
    await getDb().update(webhooks).set({ consecutiveFailures: SLOW_AFTER_FAILURES - 1 }).where(eq(webhooks.id, id));
    await record([outcome(id, { status: null })]);
    expect((await stateOf(id)).reason).toBeNull();
    await getDb().update(webhooks).set({ consecutiveFailures: SLOW_AFTER_FAILURES }).where(eq(webhooks.id, id));
    await record([outcome(id, { status: null })]);
    expect(await stateOf(id)).toMatchObject({ since: at, reason: 'failing' });
  });

  it('never slows down an endpoint that answers, however many 5xx it sends', async () => {
    const id = await aWebhook();
    await getDb().update(webhooks).set({ consecutiveFailures: 100 }).where(eq(webhooks.id, id));
    await record([outcome(id, { status: 503 })]);
    expect((await stateOf(id)).reason).toBeNull();
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

  it("moves an endpoint's waiting jobs behind everyone else's when it slows down, queues its new ones there, and brings them back when it answers", async () => {
    const org = await createOrganisation();
    const id = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    const publish = async () => {
      const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
      if (!published.ok) throw new Error('publish failed');
      return published.deliveryIds;
    };
    const waiting = await publish();
    const slowed = `${SLOWED_PRIORITY} ${SLOWED_TIER}`;
    expect(await prioritiesOf(waiting)).toEqual(['0 default']);
    await record([outcome(id, { timedOut: true, status: null, completedAt: new Date() })]);
    expect(await prioritiesOf(waiting)).toEqual([slowed]);
    const later = await publish();
    expect(await prioritiesOf(later)).toEqual([slowed]);
    await record([outcome(id, { success: true, status: 200, completedAt: new Date() })]);
    expect(await prioritiesOf([...waiting, ...later])).toEqual(['0 default', '0 default']);
  });
});
