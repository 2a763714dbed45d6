import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, webhooks } from '@/db/schema';
import { heldAttempt, type DeliveryContext, type HeldTarget } from '@/lib/webhooks/deliver/attempt';
import { LAG_AFTER_MS, MAX_PAUSE_MS, PROBE_PAUSE_MS, SLOW_AFTER_FAILURES } from '@/lib/webhooks/core/slowdown';
import { markLagging } from '@/lib/webhooks/deliver/lagging';
import { claimProbes, moveWaitingJobs, trackSlowdown, type SentOutcome } from '@/lib/webhooks/deliver/slowdown';
import { closePublisher, getPublisher } from '@/lib/webhooks/queue/boss';
import { recordAttemptsIn, recordingTransaction, type AttemptRecord } from '@/lib/webhooks/deliver/record';
import { releaseDueAttempts } from '@/lib/webhooks/deliver/release';
import { scheduleRetries, SLOWED_PRIORITY, SLOWED_TIER } from '@/lib/webhooks/queue/enqueue';
import { updateWebhook } from '@/lib/webhooks/manage/webhooks';
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

/**
 * The attempt numbers parked for these deliveries (queue/parked.ts): a first attempt whose delivery
 * the release has still to make (a publish's fan-out) counts as parked.
 */
async function parkedOf(deliveryIds: string[]): Promise<number[]> {
  const ids = sql.param(deliveryIds);
  const rows = await getDb().execute<{ attempt: number }>(sql`
    select attempt from parked_attempts where delivery_id = any(${ids}::text[])
    union all
    select 1 from parked_fanouts f cross join lateral unnest(f.delivery_ids) as d(id) where d.id = any(${ids}::text[])`);
  return rows.map((r) => r.attempt);
}

/** Moves the due time of these deliveries' parked attempts, fanned out or not, to now + `interval`. */
async function parkedDueIn(deliveryIds: string[], interval: string): Promise<void> {
  const ids = sql.param(deliveryIds);
  await getDb().execute(sql`update parked_attempts set due_at = now() + ${interval}::interval where delivery_id = any(${ids}::text[])`);
  await getDb().execute(sql`update parked_fanouts set due_at = now() + ${interval}::interval where delivery_ids && ${ids}::text[]`);
}

/** The attempt numbers the waiting jobs of these deliveries make. */
async function jobAttemptsOf(deliveryIds: string[]): Promise<number[]> {
  const rows = await getDb().execute<{ attempt: number }>(
    sql`select coalesce((data->>'attempt')::int, 1) as attempt from pgboss.job where state in ('created', 'retry') and data->'deliveryIds' ?| ${sql.param(deliveryIds)}::text[]`,
  );
  return rows.map((r) => r.attempt);
}

async function publishTo(org: { organisationId: string; projectId: string }): Promise<string[]> {
  const published = await publishEvent({ organisationId: org.organisationId, projectId: org.projectId, type: 'workflow.completed', data: completedData });
  if (!published.ok) throw new Error('publish failed');
  return published.deliveryIds;
}

/** Releasing parked attempts as the worker does, with retries a minute apart. */
const ctx: DeliveryContext = { timeoutMs: 10_000, allowPrivate: true, encryptionKey: process.env.KAZINEX_ENCRYPTION_KEY ?? '', retrySchedule: [60, 60] };

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
  durationMs: 40,
  completedAt: at,
  url: UNREACHABLE_LOOPBACK,
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

  it("parks an endpoint's waiting jobs and new attempts when it slows down, records those its pause holds as not sent, and queues the rest in the slowed-down tier", async () => {
    const org = await createOrganisation();
    const id = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    const waiting = await publishTo(org);
    expect(await prioritiesOf(waiting)).toEqual(['0 default']);
    await record([outcome(id, { timedOut: true, status: null, completedAt: new Date() })]);
    // Out of the queue: parked, with the attempt its job was to make.
    expect(await prioritiesOf(waiting)).toEqual([]);
    expect(await parkedOf(waiting)).toEqual([1]);
    const later = await publishTo(org);
    const both = [...waiting, ...later];
    expect(await prioritiesOf(later)).toEqual([]);
    expect(await parkedOf(later)).toEqual([1]);

    // The pause after the time-out holds the endpoint: both are recorded as not sent, never queued, and their retries parked.
    expect(await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 })).toMatchObject({ held: expect.any(Number) });
    expect(await prioritiesOf(both)).toEqual([]);
    expect(await parkedOf(both)).toEqual([2, 2]);
    const attempts = await getDb().select().from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, both));
    expect(attempts.map((a) => [a.attemptNumber, a.requestSignatures, a.error?.startsWith('Not sent: endpoint timed out')])).toEqual([
      [1, null, true],
      [1, null, true],
    ]);
    const rows = await getDb().select({ status: deliveries.status, next: deliveries.nextAttemptAt }).from(deliveries).where(inArray(deliveries.id, both));
    expect(rows.every((r) => r.status === 'retrying' && r.next!.getTime() > Date.now() + 30_000)).toBe(true);

    // Once the retries are due and the pause is over: one job for both, in the slowed-down tier, making attempt 2.
    await parkedDueIn(both, '0 seconds');
    await getDb().update(webhooks).set({ probeUntil: null }).where(eq(webhooks.id, id));
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 });
    expect(await parkedOf(both)).toEqual([]);
    expect(await prioritiesOf(both)).toEqual([`${SLOWED_PRIORITY} ${SLOWED_TIER}`]);
    expect(await jobAttemptsOf(both)).toEqual([2]);

    // It answers again: the job comes back to everyone's tier.
    await record([outcome(id, { success: true, status: 200, completedAt: new Date() })]);
    expect(await prioritiesOf(both)).toEqual(['0 default']);
  });

  it('commits a record of attempts none of which went out without waiting for the disk, and one with a request sent as usual', async () => {
    const org = await createOrganisation();
    const id = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    const [heldId] = await publishTo(org);
    const [sentId] = await publishTo(org);
    const target = (deliveryId: string): HeldTarget => ({
      id: deliveryId, organisationId: org.organisationId, webhookId: id, eventType: 'workflow.completed', url: UNREACHABLE_LOOPBACK,
      attemptCount: 0, slowed: true, slowedReason: 'timeout', lagging: false,
    });
    const held = heldAttempt({ deliveryId: heldId!, trigger: 'automatic', attempt: 1 }, target(heldId!), ctx);
    const sent = { ...heldAttempt({ deliveryId: sentId!, trigger: 'automatic', attempt: 1 }, target(sentId!), ctx), request: { ...held.request, sent: true, held: false } };
    /** The transaction's commit setting once the records are in it. */
    const commitOf = (records: AttemptRecord[]) =>
      recordingTransaction(async (tx) => {
        await recordAttemptsIn(tx, records);
        const [row] = await tx.execute<{ setting: string }>(sql`select current_setting('synchronous_commit') as setting`);
        return row!.setting;
      });

    // The server's own setting, which a record with a request sent keeps ('on' unless the server says otherwise).
    const [usual] = await getDb().execute<{ setting: string }>(sql`select current_setting('synchronous_commit') as setting`);
    expect(await commitOf([held])).toBe('off');
    expect(await commitOf([sent])).toBe(usual!.setting);
    // Whatever the commit, each attempt is stored.
    const attempts = await getDb().select({ deliveryId: deliveryAttempts.deliveryId }).from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, [heldId!, sentId!]));
    expect(attempts.map((a) => a.deliveryId).sort()).toEqual([heldId!, sentId!].sort());
  });

  it('keeps a parked attempt until it falls due, and queues it in the tier its endpoint is in by then', async () => {
    const org = await createOrganisation();
    const id = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    await record([outcome(id, { timedOut: true, status: null, completedAt: new Date() })]);
    const deliveryIds = await publishTo(org);
    await parkedDueIn(deliveryIds, '1 minute');
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 });
    expect(await parkedOf(deliveryIds)).toEqual([1]);
    expect(await prioritiesOf(deliveryIds)).toEqual([]);

    await parkedDueIn(deliveryIds, '0 seconds');
    await record([outcome(id, { success: true, status: 200, completedAt: new Date() })]);
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 });
    expect(await parkedOf(deliveryIds)).toEqual([]);
    expect(await prioritiesOf(deliveryIds)).toEqual(['0 default']);
    expect(await jobAttemptsOf(deliveryIds)).toEqual([1]);
  });

  it("parks a lagging endpoint's new attempts and queues them below everyone's, at its cap, until it answers within the lag limit", async () => {
    const org = await createOrganisation();
    const id = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    // It has answered before: its slow start is over, and its cap is the webhook's.
    await getDb().update(webhooks).set({ answeredAt: at }).where(eq(webhooks.id, id));
    const laggingOf = async () => (await getDb().select({ since: webhooks.laggingSince }).from(webhooks).where(eq(webhooks.id, id)))[0]!.since;
    const before = await publishTo(org);
    await markLagging([id]);
    const since = await laggingOf();
    expect(since).toBeInstanceOf(Date);
    await markLagging([id]);
    expect(await laggingOf()).toEqual(since);
    // Jobs made before it lagged keep their place; new attempts are parked, not queued.
    expect(await prioritiesOf(before)).toEqual(['0 default']);
    const first = await publishTo(org);
    const second = await publishTo(org);
    expect(await parkedOf([...first, ...second])).toEqual([1, 1]);
    expect(await prioritiesOf([...first, ...second])).toEqual([]);

    // The release queues them below everyone's, as many jobs as the webhook's cap has room for:
    // the job made before it lagged is not counted (it waits at everyone's priority), a lagging job is.
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 1 });
    expect(await prioritiesOf(first)).toEqual([`${SLOWED_PRIORITY} default`]);
    expect(await parkedOf(second)).toEqual([1]);
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 1 });
    expect(await parkedOf(second)).toEqual([1]);
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 2 });
    expect(await parkedOf(second)).toEqual([]);
    expect(await prioritiesOf(second)).toEqual([`${SLOWED_PRIORITY} default`]);

    // A slow success ends a slow-down but not the lag: what the release queues still waits below.
    await record([outcome(id, { timedOut: true, status: null, completedAt: new Date() })]);
    const parked = await publishTo(org);
    expect(await parkedOf(parked)).toEqual([1]);
    await record([outcome(id, { success: true, status: 200, durationMs: LAG_AFTER_MS + 500, completedAt: new Date() })]);
    expect(await laggingOf()).toEqual(since);
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 });
    expect(await prioritiesOf(parked)).toEqual([`${SLOWED_PRIORITY} default`]);

    // Any quick answer, even a 5xx, ends it.
    await record([outcome(id, { status: 503, durationMs: LAG_AFTER_MS - 1_500, completedAt: new Date() })]);
    expect(await laggingOf()).toBeNull();
    expect(await prioritiesOf(await publishTo(org))).toEqual(['0 default']);
  });

  it('queues one job at a time for a lagging endpoint that has never answered, whatever its cap, until its first HTTP answer', async () => {
    const org = await createOrganisation();
    const id = (await createWebhook(org.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] })).id;
    const answeredOf = async () => (await getDb().select({ at: webhooks.answeredAt }).from(webhooks).where(eq(webhooks.id, id)))[0]!.at;
    expect(await answeredOf()).toBeNull();
    await markLagging([id]);
    const first = await publishTo(org);
    const second = await publishTo(org);
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 });
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 });
    expect(await prioritiesOf([...first, ...second])).toEqual([`${SLOWED_PRIORITY} default`]);
    expect(await parkedOf([...first, ...second])).toEqual([1]);

    // No HTTP answer (the connection refused) is not an answer.
    await record([outcome(id, { status: null, completedAt: new Date() })]);
    expect(await answeredOf()).toBeNull();
    // Any answer is, even a slow 5xx that keeps the lag: the release fills the webhook's cap.
    const answered = new Date();
    await record([outcome(id, { status: 503, durationMs: LAG_AFTER_MS + 500, completedAt: answered }), outcome(id, { status: null, completedAt: new Date(answered.getTime() + 1) })]);
    expect(await answeredOf()).toEqual(answered);
    await releaseDueAttempts(ctx, 10_000, { perWebhook: 4 });
    expect(await parkedOf([...first, ...second])).toEqual([]);
    expect(await prioritiesOf([...first, ...second])).toEqual([`${SLOWED_PRIORITY} default`, `${SLOWED_PRIORITY} default`]);
    // Later answers leave the time of the first.
    await record([outcome(id, { status: 200, success: true, completedAt: new Date() })]);
    expect(await answeredOf()).toEqual(answered);
  });

  it('starts slowly again when the URL changes, whatever the old URL answers, and not when the webhook is saved with the same URL', async () => {
    const org = await createOrganisation();
    // A public address: the form vets the URL as it would for an admin (nothing is sent to it here).
    const url = 'https://8.8.8.8/kazinex';
    const id = (await createWebhook(org.organisationId, { url })).id;
    const answeredOf = async () => (await getDb().select({ at: webhooks.answeredAt }).from(webhooks).where(eq(webhooks.id, id)))[0]!.at;
    await record([outcome(id, { status: 200, success: true, url })]);
    const form = { id, name: 'Renamed', url, active: true, secret: '' };
    const saved = await updateWebhook(org.organisationId, form);
    expect(saved).toEqual({ ok: true, data: { id } });
    expect(await answeredOf()).toEqual(at);
    expect((await updateWebhook(org.organisationId, { ...form, url: `${url}/moved` })).ok).toBe(true);
    expect(await answeredOf()).toBeNull();
    // A request to the old URL that was still out when it changed does not answer for the new one.
    await record([outcome(id, { status: 200, success: true, url, completedAt: new Date() })]);
    expect(await answeredOf()).toBeNull();
    const moved = new Date();
    await record([outcome(id, { status: 200, success: true, url: `${url}/moved`, completedAt: moved })]);
    expect(await answeredOf()).toEqual(moved);
  });
});
