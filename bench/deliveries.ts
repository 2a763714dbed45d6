/**
 * `npm run bench [events]`: the delivery pipeline end to end on this machine. Starts the real
 * worker process against a receiver process on loopback, publishes events through the batch
 * publishing API to a handful of subscribed webhooks, and prints:
 *   - deliveries per second from the start of publishing to the last recorded attempt;
 *   - publish → receipt latency percentiles at a steady, moderate rate;
 *   - the bare ceiling (signed POSTs from a plain Node loop to the same receiver) and our ratio to it.
 *
 * Settings (environment): BENCH_EVENTS (10000; or the first argument), BENCH_WEBHOOKS (4),
 * BENCH_RATE events/s for the latency run (200), BENCH_LATENCY_SECONDS (10), BENCH_BARE_IN_FLIGHT (64),
 * and the worker's own WEBHOOKS_WORKER_BATCH_SIZE / WEBHOOKS_WORKER_CONCURRENCY.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import { closeDb, getDb } from '@/db/client';
import { deliveryAttempts, organisations, projects, webhooks, webhookSubscriptions } from '@/db/schema';
import { seal } from '@/lib/crypto/secret-box';
import { newId } from '@/lib/ids';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { buildEventBody } from '@/lib/webhooks/core/envelope';
import { publishEvents, type PublishInput } from '@/lib/webhooks/publish/publish';
import { bareCeiling } from './bare-ceiling';
import { benchDatabase, type BenchDatabase } from './database';

const root = path.resolve(import.meta.dirname, '..');
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const EVENTS = Number(process.argv[2] ?? setting('BENCH_EVENTS', 10_000));
const WEBHOOKS = setting('BENCH_WEBHOOKS', 4);
const RATE = setting('BENCH_RATE', 200);
const LATENCY_SECONDS = setting('BENCH_LATENCY_SECONDS', 10);
const BARE_IN_FLIGHT = setting('BENCH_BARE_IN_FLIGHT', 64);
const PUBLISH_BATCH = 1_000;
// A larger young generation: the worker allocates per request, and fewer scavenges measurably raise its rate.
const WORKER_NODE_OPTIONS = process.env.WORKER_NODE_OPTIONS ?? '--max-semi-space-size=64';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Stats = { count: number; receipts: [string, number][] };

function startReceiver(): Promise<{ child: ChildProcess; port: number; stats: () => Promise<Stats>; record: (on: boolean) => void }> {
  const child = fork(path.join(root, 'bench', 'receiver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { type: string; port: number }) => {
      const stats = () =>
        new Promise<Stats>((done) => {
          const onStats = (reply: { type: string } & Stats) => {
            if (reply.type !== 'stats') return;
            child.off('message', onStats);
            done(reply);
          };
          child.on('message', onStats);
          child.send({ type: 'stats' });
        });
      resolve({ child, port: m.port, stats, record: (on) => child.send({ type: 'record', on }) });
    });
  });
}

function startWorker(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['worker/index.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WORKER_HEALTH_PORT: '0', LOG_FORMAT: 'json', NODE_OPTIONS: WORKER_NODE_OPTIONS },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('worker ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready`)));
  });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One organisation and project, and `count` webhooks subscribed to workflow.completed on the receiver. */
async function setUp(port: number, encryptionKey: string) {
  const db = getDb();
  const organisationId = newId('org');
  const projectId = newId('proj');
  await db.insert(organisations).values({ id: organisationId, name: 'Benchmark Ltd' });
  await db.insert(projects).values({ id: projectId, organisationId, name: 'Benchmark' });
  const webhookIds = Array.from({ length: WEBHOOKS }, () => newId('wh'));
  await db.insert(webhooks).values(
    webhookIds.map((id, i) => ({ id, organisationId, name: `Receiver ${i + 1}`, url: `http://127.0.0.1:${port}/hook-${i + 1}`, secretCiphertext: seal(`wh_bench_secret_${i}_0123456789`, encryptionKey) })),
  );
  await db.insert(webhookSubscriptions).values(webhookIds.map((webhookId) => ({ webhookId, eventType: 'workflow.completed' })));
  return { organisationId, projectId, webhookIds };
}

const eventInput = (organisationId: string, projectId: string, n: number): PublishInput => ({
  organisationId,
  projectId,
  type: 'workflow.completed',
  data: { workflow_id: `wf_${n}`, document_id: `doc_${n}`, document_number: `BENCH-${n}`, status: 'completed', outcome: 'approved' },
});

async function recordedAttempts(webhookIds: string[]): Promise<{ total: number; succeeded: number }> {
  const [row] = await getDb()
    .select({ total: sql<number>`count(*)::int`, succeeded: sql<number>`count(*) filter (where ${deliveryAttempts.success})::int` })
    .from(deliveryAttempts)
    .where(inArray(deliveryAttempts.webhookId, webhookIds));
  return row!;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  console.log('Kazinex Webhooks: delivery benchmark');
  let database: BenchDatabase | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let worker: ChildProcess | undefined;
  try {
    database = await benchDatabase();
    process.env.DATABASE_URL = database.url;
    process.env.KAZINEX_ENCRYPTION_KEY ||= randomBytes(32).toString('base64url');
    process.env.KAZINEX_SERVICE_TOKEN ||= randomBytes(32).toString('base64url');
    receiver = await startReceiver();
    const { organisationId, projectId, webhookIds } = await setUp(receiver.port, process.env.KAZINEX_ENCRYPTION_KEY);
    worker = await startWorker(database.url);
    const batch = process.env.WEBHOOKS_WORKER_BATCH_SIZE ?? '16';
    const loops = process.env.WEBHOOKS_WORKER_CONCURRENCY ?? '64';
    const perWebhook = process.env.WEBHOOKS_WEBHOOK_CONCURRENCY ?? '4';
    console.log(`  PostgreSQL: ${database.description}`);
    console.log(`  worker: batches of ${batch} jobs (up to 25 deliveries each), ${loops} jobs in flight, at most ${perWebhook} jobs per webhook, NODE_OPTIONS=${WORKER_NODE_OPTIONS || '(none)'}`);
    console.log(`  ${WEBHOOKS} webhooks on one loopback receiver process\n`);

    // 1. Throughput: publish everything in batches while the worker drains the queue.
    const deliveries = EVENTS * WEBHOOKS;
    const started = performance.now();
    for (let from = 0; from < EVENTS; from += PUBLISH_BATCH) {
      const inputs = Array.from({ length: Math.min(PUBLISH_BATCH, EVENTS - from) }, (_, i) => eventInput(organisationId, projectId, from + i));
      const result = await publishEvents(inputs);
      if (!result.ok) throw new Error(`publishing failed: ${JSON.stringify(result.issues.slice(0, 3))}`);
    }
    const published = performance.now();
    // Counting attempts scans the table: asked every few milliseconds while the worker is busy, it
    // would take a good share of PostgreSQL from the pipeline it measures. So wait on the
    // receiver's count (over IPC, free) until everything has arrived; only recording is left then.
    // (A receiver that stops hearing anything for 10 s hands over to the database count, which
    // also covers attempts that failed and so never arrived.)
    for (let seen = 0, since = performance.now(); performance.now() - since < 10_000; ) {
      const { count } = await receiver.stats();
      if (count >= deliveries) break;
      if (count > seen) [seen, since] = [count, performance.now()];
      await sleep(20);
    }
    let recorded = await recordedAttempts(webhookIds);
    while (recorded.total < deliveries) {
      await sleep(20);
      recorded = await recordedAttempts(webhookIds);
    }
    const finished = performance.now();
    const throughput = deliveries / ((finished - started) / 1000);
    console.log(`Throughput: ${fmt(EVENTS)} events → ${fmt(deliveries)} deliveries`);
    console.log(`  published in ${fmt((published - started) / 1000, 2)} s (${fmt(EVENTS / ((published - started) / 1000))} events/s, batches of ${PUBLISH_BATCH})`);
    console.log(`  every attempt recorded after ${fmt((finished - started) / 1000, 2)} s: ${fmt(throughput)} deliveries/s (publish → recorded attempt)`);
    console.log(`  ${fmt(recorded.succeeded)} of ${fmt(recorded.total)} attempts succeeded\n`);

    // 2. Latency at a steady, moderate rate: one small publish every 20 ms.
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
    const publishedAt = new Map<string, number>();
    receiver.record(true);
    const latencyStart = performance.now();
    let n = EVENTS;
    for (let tick = 0; tick < (LATENCY_SECONDS * 1000) / tickMs; tick++) {
      const due = latencyStart + tick * tickMs;
      if (due > performance.now()) await sleep(due - performance.now());
      const at = Date.now();
      const result = await publishEvents(Array.from({ length: perTick }, () => eventInput(organisationId, projectId, n++)));
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
    console.log(`Latency at a steady ${fmt(rate)} events/s (${fmt(rate * WEBHOOKS)} deliveries/s) for ${LATENCY_SECONDS} s, publish → receipt:`);
    console.log(`  p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms (${fmt(latencies.length)} deliveries)\n`);

    // 3. Bare ceiling, with the worker stopped so it has the machine to itself.
    await stopChild(worker);
    worker = undefined;
    const body = buildEventBody({ type: 'workflow.completed', occurredAt: new Date(), organisationId, projectId, data: eventInput(organisationId, projectId, 0).data });
    const bare = await bareCeiling(`http://127.0.0.1:${receiver.port}/bare`, body, deliveries, BARE_IN_FLIGHT);
    console.log(`Bare ceiling: ${fmt(deliveries)} signed POSTs from a plain Node loop (${BARE_IN_FLIGHT} in flight): ${fmt(bare)} requests/s`);
    console.log(`Ours / bare: ${fmt(throughput / bare, 2)} (${fmt(throughput)} / ${fmt(bare)})`);
  } finally {
    await stopChild(worker);
    receiver?.child.disconnect();
    await closePublisher();
    await closeDb();
    await database?.drop().catch((err: unknown) => console.error('Removing the benchmark database failed:', err));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
