import { buildEventBody } from '@/lib/webhooks/core/envelope';
import { publishEvents } from '@/lib/webhooks/publish/publish';
import { bareCeiling } from '../bare-ceiling';
import { fmt, percentile, sleep } from '../lib/figures';
import { attemptStorage } from '../lib/storage';
import { memoryOf, startWorker, stopChild, type BenchReceiver } from '../lib/processes';
import { createTenant, eventInput, recordedAttempts, type Tenant } from '../lib/tenants';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RATE = setting('BENCH_RATE', 200);
const LATENCY_SECONDS = setting('BENCH_LATENCY_SECONDS', 10);
const BARE_IN_FLIGHT = setting('BENCH_BARE_IN_FLIGHT', 64);
export const PUBLISH_BATCH = 1_000;

/**
 * Publishes `events` spread over the tenants in batches while the worker drains the queue, and
 * returns deliveries per second from the first publish to the last recorded attempt.
 */
export async function publishAndDrain(receiver: BenchReceiver, tenants: readonly Tenant[], events: number): Promise<{ perSecond: number; deliveries: number; seconds: number; succeeded: number }> {
  const deliveries = tenants.reduce((n, t) => n + t.webhookIds.length, 0) * (events / tenants.length);
  const before = (await receiver.stats()).count;
  const started = performance.now();
  for (let from = 0; from < events; from += PUBLISH_BATCH) {
    const inputs = Array.from({ length: Math.min(PUBLISH_BATCH, events - from) }, (_, i) => eventInput(tenants[(from + i) % tenants.length]!, from + i));
    const result = await publishEvents(inputs);
    if (!result.ok) throw new Error(`publishing failed: ${JSON.stringify(result.issues.slice(0, 3))}`);
  }
  // Counting attempts scans the table: asked every few milliseconds while the worker is busy, it
  // would take a good share of PostgreSQL from the pipeline it measures. So wait on the
  // receiver's count (over IPC, free) until everything has arrived; only recording is left then.
  // (A receiver that stops hearing anything for 10 s hands over to the database count, which
  // also covers attempts that failed and so never arrived.)
  for (let seen = 0, since = performance.now(); performance.now() - since < 10_000; ) {
    const count = (await receiver.stats()).count - before;
    if (count >= deliveries) break;
    if (count > seen) [seen, since] = [count, performance.now()];
    await sleep(20);
  }
  const webhookIds = tenants.flatMap((t) => t.webhookIds);
  let recorded = await recordedAttempts(webhookIds);
  while (recorded.total < deliveries) {
    await sleep(20);
    recorded = await recordedAttempts(webhookIds);
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: deliveries / seconds, deliveries, seconds, succeeded: recorded.succeeded };
}

/** Scenario "throughput": one organisation, a handful of webhooks, a large backlog; then latency at a steady rate; then the bare ceiling. */
export async function throughput(receiver: BenchReceiver, databaseUrl: string, events: number, webhookCount: number): Promise<number> {
  const tenant = await createTenant(
    'Benchmark Ltd',
    Array.from({ length: webhookCount }, (_, i) => `http://127.0.0.1:${receiver.port}/hook-${i + 1}`),
  );
  const worker = await startWorker(databaseUrl);
  try {
    const run = await publishAndDrain(receiver, [tenant], events);
    console.log(`Throughput: ${fmt(events)} events → ${fmt(run.deliveries)} deliveries to ${webhookCount} webhooks`);
    console.log(`  every attempt recorded after ${fmt(run.seconds, 2)} s: ${fmt(run.perSecond)} deliveries/s (publish → recorded attempt); ${fmt(run.succeeded)} succeeded`);
    const bytes = await attemptStorage();
    console.log(
      `  storage per attempt: ${fmt(bytes.tableBytes - bytes.responseBodyBytes)} bytes in the table without the response body (${fmt(bytes.responseBodyBytes)} for that), ${fmt(bytes.indexBytes)} in its indexes`,
    );

    // Latency at a steady, moderate rate: one small publish every 20 ms.
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
    const publishedAt = new Map<string, number>();
    receiver.record(true);
    const latencyStart = performance.now();
    let n = events;
    for (let tick = 0; tick < (LATENCY_SECONDS * 1000) / tickMs; tick++) {
      const due = latencyStart + tick * tickMs;
      if (due > performance.now()) await sleep(due - performance.now());
      const at = Date.now();
      const result = await publishEvents(Array.from({ length: perTick }, () => eventInput(tenant, n++)));
      if (!result.ok) throw new Error('publishing failed');
      for (const id of result.events.flatMap((e) => e.deliveryIds)) publishedAt.set(id, at);
    }
    let stats = await receiver.stats();
    while (stats.receipts.length < publishedAt.size) {
      await sleep(50);
      stats = await receiver.stats();
    }
    receiver.record(false);
    const latencies = stats.receipts.filter(([id]) => publishedAt.has(id)).map(([id, t]) => t - publishedAt.get(id)!).sort((a, b) => a - b);
    const rate = (perTick * 1000) / tickMs;
    console.log(`  latency at a steady ${fmt(rate)} events/s (${fmt(rate * webhookCount)} deliveries/s) for ${LATENCY_SECONDS} s, publish → receipt:`);
    console.log(`  p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms (${fmt(latencies.length)} deliveries)`);
    const memory = memoryOf(worker);
    console.log(`  worker memory: ${memory.rssMb} MB resident at the end, ${memory.peakMb} MB at its peak`);

    // The bare ceiling, with the worker stopped so it has the machine to itself.
    await stopChild(worker);
    const body = buildEventBody({ type: 'workflow.completed', occurredAt: new Date(), organisationId: tenant.organisationId, projectId: tenant.projectId, data: eventInput(tenant, 0).data });
    const bare = await bareCeiling(`http://127.0.0.1:${receiver.port}/bare`, body, run.deliveries, BARE_IN_FLIGHT);
    console.log(`  bare ceiling: signed POSTs from a plain Node loop (${BARE_IN_FLIGHT} in flight): ${fmt(bare)} requests/s; ours / bare: ${fmt(run.perSecond / bare, 2)}\n`);
    return run.perSecond;
  } finally {
    await stopChild(worker);
  }
}
