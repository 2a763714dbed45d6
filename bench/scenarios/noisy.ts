import { inArray, sql } from 'drizzle-orm';
import { POST as postEvents } from '@/app/api/v1/events/route';
import { getDb, runPrepared } from '@/db/client';
import { deliveries, deliveryAttempts, webhooks } from '@/db/schema';
import { QUEUES } from '@/lib/webhooks/queue/boss';
import { fmt, percentile, sleep } from '../lib/figures';
import { memoryOf, releaseFiguresOf, startWorker, stopChild, type BenchReceiver } from '../lib/processes';
import { addWebhooks, createTenant, type Tenant } from '../lib/tenants';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const HEALTHY = setting('BENCH_NOISY_HEALTHY', 40);
const RATE = setting('BENCH_NOISY_RATE', 5);
const SECONDS = setting('BENCH_NOISY_SECONDS', 20);
/** After publishing, how long the hanging endpoints' first retries (5 s later by default) get to fall due. */
const SETTLE_SECONDS = setting('BENCH_NOISY_SETTLE_SECONDS', 20);
/**
 * Before the first measured phase, the same load for this long, unmeasured: a new worker process
 * compiles its code and PostgreSQL fills its caches in the first second or so, which would
 * otherwise count against the phase without the hanging webhooks alone.
 */
const WARM_UP_SECONDS = setting('BENCH_NOISY_WARM_UP_SECONDS', 3);

/** One event through `POST /api/v1/events`, as another Kazinex service sends it. */
async function sendEvent(tenant: Tenant, n: number): Promise<string> {
  const response = await postEvents(
    new Request('http://localhost/api/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        organisation_id: tenant.organisationId,
        project_id: tenant.projectId,
        event: 'workflow.completed',
        data: { workflow_id: `wf_${n}`, document_id: `doc_${n}`, document_number: `NOISY-${n}`, status: 'completed', outcome: 'approved' },
      }),
    }),
  );
  if (response.status !== 202) throw new Error(`the events API answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { ids: string[] }).ids[0]!;
}

type Phase = { p50: number; p99: number; arrived: number; expected: number; worstBySecond: string; publishP50: number; publishP99: number; worstEvents: string };

/** How many of a phase's slowest events to take apart. */
const WORST_EVENTS = 3;

/**
 * A phase's slowest events (by their slowest healthy delivery), each split into the events API
 * call, the wait from its answer until the worker started the request (its NOTIFY, fetch and load),
 * and the request until the receiver had it. With a delivery to each healthy webhook per event, the
 * p99 is about the slowest event's latency: this says where that time went.
 */
async function worstEvents(arrived: readonly [string, number][], eventOf: ReadonlyMap<string, string>, publishedAt: ReadonlyMap<string, number>, callMs: ReadonlyMap<string, number>): Promise<string> {
  const started = await getDb()
    .select({ deliveryId: deliveryAttempts.deliveryId, at: deliveryAttempts.startedAt })
    .from(deliveryAttempts)
    .where(sql`${inArray(deliveryAttempts.deliveryId, arrived.map(([id]) => id))} and ${deliveryAttempts.attemptNumber} = 1`);
  const startedAt = new Map(started.map((s) => [s.deliveryId, s.at.getTime()]));
  const slowest = new Map<string, { total: number; deliveryId: string; receivedAt: number }>();
  for (const [deliveryId, receivedAt] of arrived) {
    const eventId = eventOf.get(deliveryId)!;
    const total = receivedAt - publishedAt.get(eventId)!;
    if (total > (slowest.get(eventId)?.total ?? -1)) slowest.set(eventId, { total, deliveryId, receivedAt });
  }
  const firstAt = Math.min(...publishedAt.values());
  return [...slowest]
    .sort(([, a], [, b]) => b.total - a.total)
    .slice(0, WORST_EVENTS)
    .map(([eventId, { total, deliveryId, receivedAt }]) => {
      const answered = publishedAt.get(eventId)! + callMs.get(eventId)!;
      const sent = startedAt.get(deliveryId) ?? Number.NaN;
      return `${fmt(total)} ms at ${fmt((publishedAt.get(eventId)! - firstAt) / 1000, 1)} s (API ${fmt(callMs.get(eventId)!)} + until sent ${fmt(sent - answered)} + request ${fmt(receivedAt - sent)})`;
    })
    .join(', ');
}

/** Publishes RATE events/s for `seconds` and measures publish → receipt of the healthy webhooks' deliveries. */
async function phase(receiver: BenchReceiver, tenant: Tenant, healthyIds: readonly string[], firstEvent: number, seconds = SECONDS): Promise<Phase> {
  const publishedAt = new Map<string, number>();
  receiver.record(true);
  const started = performance.now();
  // How long each events API call took: its part of the latency, before any worker sees the event.
  const callMs = new Map<string, number>();
  for (let i = 0; i < RATE * seconds; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > performance.now()) await sleep(due - performance.now());
    const at = Date.now();
    const call = performance.now();
    const eventId = await sendEvent(tenant, firstEvent + i);
    publishedAt.set(eventId, at);
    callMs.set(eventId, performance.now() - call);
  }
  const publishMs = [...callMs.values()].sort((a, b) => a - b);
  const sent = await getDb()
    .select({ id: deliveries.id, eventId: deliveries.eventId })
    .from(deliveries)
    .where(sql`${inArray(deliveries.eventId, [...publishedAt.keys()])} and ${inArray(deliveries.webhookId, [...healthyIds])}`);
  const deliveredAt = new Map(sent.map((d) => [d.id, publishedAt.get(d.eventId)!]));
  const eventOf = new Map(sent.map((d) => [d.id, d.eventId]));
  // Every healthy delivery must arrive; give up only after two minutes.
  const deadline = performance.now() + 120_000;
  let stats = await receiver.stats();
  while (stats.receipts.filter(([id]) => deliveredAt.has(id)).length < deliveredAt.size && performance.now() < deadline) {
    await sleep(100);
    stats = await receiver.stats();
  }
  receiver.record(false);
  const arrived = stats.receipts.filter(([id]) => deliveredAt.has(id));
  const latencies = arrived.map(([id, t]) => t - deliveredAt.get(id)!).sort((a, b) => a - b);
  // The worst latency of the events published in each second, to show when a delay happened.
  const firstAt = Math.min(...publishedAt.values());
  const worst = new Array<number>(seconds).fill(0);
  for (const [id, t] of arrived) {
    const second = Math.min(seconds - 1, Math.floor((deliveredAt.get(id)! - firstAt) / 1000));
    worst[second] = Math.max(worst[second]!, t - deliveredAt.get(id)!);
  }
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    arrived: latencies.length,
    expected: deliveredAt.size,
    worstBySecond: worst.join(' '),
    publishP50: percentile(publishMs, 50),
    publishP99: percentile(publishMs, 99),
    worstEvents: await worstEvents(arrived, eventOf, publishedAt, callMs),
  };
}

/**
 * Parked attempts leave `parked_attempts` when their job is made, and their due time with them: the
 * benchmark database keeps a copy of each as it goes, to measure lateness against.
 */
async function keepParkedDueTimes(): Promise<void> {
  await getDb().transaction(async (tx) => {
    await tx.execute(sql`create table if not exists bench_parked_due (delivery_id text not null, attempt int not null, due_at timestamptz not null)`);
    await tx.execute(sql`create or replace function bench_keep_parked() returns trigger language plpgsql as $$
      begin insert into bench_parked_due select delivery_id, attempt, due_at from released; return null; end $$`);
    await tx.execute(sql`drop trigger if exists bench_keep_parked on parked_attempts`);
    await tx.execute(sql`create trigger bench_keep_parked after delete on parked_attempts referencing old table as released for each statement execute function bench_keep_parked()`);
  });
}

/**
 * How late each recorded attempt of the hanging webhooks was: its start against when it was due
 * (its delivery's creation, at the publish, for a first attempt; for a retry, its parked due time,
 * or its job's due time when it was never parked). Reported for all of them, and for those that
 * fell due once their endpoint was slowed down: until its first time-out, nothing tells a hanging
 * endpoint from a slow one, and its jobs wait for its cap.
 */
async function lateness(webhookIds: readonly string[]): Promise<{ attempts: number; sent: number; worstMs: number; p99Ms: number; worstSlowedMs: number; byKind: string }> {
  const rows = await runPrepared<{ late_ms: number; sent: boolean; slowed: boolean; attempt: number }>(
    getDb(),
    sql`
      with due_times as (
        select d.id as delivery_id, (j.data->>'attempt')::int as attempt, greatest(j.start_after, j.created_on) as due
        from pgboss.job j cross join lateral jsonb_array_elements_text(j.data->'deliveryIds') as d(id)
        where j.name = ${QUEUES.deliveries} and j.data->'attempt' is not null
        union all
        select delivery_id, attempt, due_at from bench_parked_due where attempt > 1
      ), due as (select delivery_id, attempt, min(due) as due from due_times group by 1, 2)
      select extract(epoch from (a.started_at - coalesce(due.due, dl.created_at))) * 1000 as late_ms, a.request_signatures is not null as sent, a.attempt_number as attempt,
             coalesce(coalesce(due.due, dl.created_at) >= w.slowed_since, false) as slowed
      from delivery_attempts a
      join deliveries dl on dl.id = a.delivery_id
      left join due on due.delivery_id = a.delivery_id and due.attempt = a.attempt_number
      join webhooks w on w.id = a.webhook_id
      where a.webhook_id = any(${sql.param([...webhookIds])}::text[]) and (a.attempt_number = 1 or due.due is not null)`,
  );
  const late = rows.map((r) => Math.max(0, Number(r.late_ms))).sort((a, b) => a - b);
  const lateSlowed = rows.filter((r) => r.slowed).map((r) => Math.max(0, Number(r.late_ms)));
  // Worst per attempt number, sent or held back: where the lateness comes from.
  const worst = new Map<string, number>();
  for (const r of rows) {
    const kind = `#${r.attempt} ${r.sent ? 'sent' : 'held'}`;
    worst.set(kind, Math.max(worst.get(kind) ?? 0, Number(r.late_ms)));
  }
  const byKind = [...worst].sort(([a], [b]) => a.localeCompare(b)).map(([kind, ms]) => `${kind} ${fmt(Math.max(0, ms) / 1000, 1)} s`).join(', ');
  return { attempts: rows.length, sent: rows.filter((r) => r.sent).length, worstMs: late.at(-1) ?? 0, p99Ms: percentile(late, 99), worstSlowedMs: Math.max(0, ...lateSlowed), byKind };
}

export type NoisyResult = { hanging: number; without: Phase; with: Phase; ratio: number; worstLateMs: number; worstSlowedLateMs: number; rssMb: number };

/**
 * Scenario "noisy": one organisation, HEALTHY webhooks that answer at once and `hangingCount`
 * whose endpoint never answers, all subscribed to workflow.completed; RATE events/s for SECONDS
 * through the events API, default retry schedule. Healthy latency without the hanging webhooks
 * (inactive), then with them; the hanging webhooks' attempts against their due times; worker memory.
 */
export async function noisyNeighbours(receiver: BenchReceiver, databaseUrl: string, hangingCount: number): Promise<NoisyResult> {
  const healthy = await createTenant(`Noisy ${hangingCount}`, Array.from({ length: HEALTHY }, (_, i) => `http://127.0.0.1:${receiver.port}/noisy-${hangingCount}/ok-${i + 1}`));
  const hangingUrls = Array.from({ length: hangingCount }, (_, i) => `http://127.0.0.1:${receiver.hangingPort}/noisy-${hangingCount}/dead-${i + 1}`);
  // The hanging webhooks belong to the same organisation, inactive until the second phase.
  const hangingIds = await addWebhooks(healthy.organisationId, hangingUrls, { label: 'Dead endpoint', active: false });
  const db = getDb();

  await keepParkedDueTimes();
  const worker = await startWorker(databaseUrl);
  try {
    const warmUp = RATE * WARM_UP_SECONDS;
    if (warmUp > 0) await phase(receiver, healthy, healthy.webhookIds, 0, WARM_UP_SECONDS);
    const without = await phase(receiver, healthy, healthy.webhookIds, warmUp);
    const releaseBefore = await releaseFiguresOf(worker);
    const activated = performance.now();
    await db.update(webhooks).set({ active: true }).where(inArray(webhooks.id, hangingIds));
    const withHanging = await phase(receiver, healthy, healthy.webhookIds, warmUp + RATE * SECONDS);
    await sleep(SETTLE_SECONDS * 1000);
    const releaseAfter = await releaseFiguresOf(worker);
    const span = (performance.now() - activated) / 1000;
    const memory = memoryOf(worker);
    const late = await lateness(hangingIds);
    const stats = await receiver.stats();
    const ratio = withHanging.p99 / without.p99;
    console.log(`Noisy neighbours: ${HEALTHY} healthy + ${hangingCount} hanging webhooks, ${RATE} events/s for ${SECONDS} s through POST /api/v1/events (after ${WARM_UP_SECONDS} s unmeasured)`);
    console.log(`  healthy without the hanging ones: ${fmt(without.arrived)} / ${fmt(without.expected)} arrived, p50 ${fmt(without.p50)} ms, p99 ${fmt(without.p99)} ms`);
    console.log(`  healthy with the hanging ones:    ${fmt(withHanging.arrived)} / ${fmt(withHanging.expected)} arrived, p50 ${fmt(withHanging.p50)} ms, p99 ${fmt(withHanging.p99)} ms`);
    console.log(`  worst healthy latency (ms) of the events published in each second, without them: ${without.worstBySecond}`);
    console.log(`  worst healthy latency (ms) of the events published in each second, with them:    ${withHanging.worstBySecond}`);
    console.log(`  slowest events without them: ${without.worstEvents}`);
    console.log(`  slowest events with them:    ${withHanging.worstEvents}`);
    console.log(`  events API call, p50 / p99: ${fmt(without.publishP50, 1)} / ${fmt(without.publishP99, 1)} ms without them, ${fmt(withHanging.publishP50, 1)} / ${fmt(withHanging.publishP99, 1)} ms with them`);
    console.log(`  p99 ratio: ${fmt(ratio, 2)}×`);
    console.log(
      `  hanging webhooks: ${fmt(late.attempts)} attempts recorded (${fmt(late.sent)} sent, ${fmt(late.attempts - late.sent)} held back while slowed down), ${fmt(stats.open)} requests open now`,
    );
    console.log(
      `  lateness against their due time: worst ${fmt(late.worstMs / 1000, 1)} s (p99 ${fmt(late.p99Ms / 1000, 1)} s); of those due once the endpoint was slowed down: worst ${fmt(late.worstSlowedMs / 1000, 1)} s`,
    );
    console.log(`  worst lateness by attempt: ${late.byKind}`);
    console.log(
      `  parked release, from the activation on (${fmt(span)} s): ${fmt(releaseAfter.held - releaseBefore.held)} attempts held back, ${fmt(releaseAfter.queued - releaseBefore.queued)} queued, ${fmt(releaseAfter.made - releaseBefore.made)} fanned-out deliveries made; in transactions for ${fmt(releaseAfter.seconds - releaseBefore.seconds, 1)} s of them`,
    );
    console.log(`  worker memory: ${memory.rssMb} MB resident at the end, ${memory.peakMb} MB at its peak\n`);
    return { hanging: hangingCount, without, with: withHanging, ratio, worstLateMs: late.worstMs, worstSlowedLateMs: late.worstSlowedMs, rssMb: memory.rssMb };
  } finally {
    await stopChild(worker);
    // Their retries (minutes away) must not run into the next scenario.
    await db.update(webhooks).set({ active: false, disabledReason: 'benchmark scenario over' }).where(inArray(webhooks.id, hangingIds));
  }
}
