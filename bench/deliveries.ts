/**
 * `npm run bench [-- --scenario <name>]`: the delivery pipeline end to end on this machine, with
 * the real worker process, a receiver process on loopback and a scratch PostgreSQL. Scenarios
 * (all by default, or BENCH_SCENARIO):
 *   throughput  a backlog of BENCH_EVENTS (10,000) events to BENCH_WEBHOOKS (4) webhooks:
 *               deliveries/s publish → recorded attempt, latency at a steady rate, bare ceiling;
 *   many        1,000 webhooks in 100 organisations, each event fanning out to 10: deliveries/s,
 *               next to the throughput figure;
 *   noisy       40 healthy webhooks beside 40, then 200, whose endpoint never answers, 5 events/s
 *               for 20 s through the events API: healthy p50/p99 without and with them, the ratio,
 *               the hanging webhooks' worst lateness (BENCH_NOISY_HANGING="40,200" to change);
 * and the worker's resident memory at the end of each.
 */
import './lib/quiet';
import { randomBytes } from 'node:crypto';
import { closeDb } from '@/db/client';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { benchDatabase, type BenchDatabase } from './database';
import { fmt } from './lib/figures';
import { startReceiver, WORKER_NODE_OPTIONS, type BenchReceiver } from './lib/processes';
import { manyEndpoints } from './scenarios/many';
import { noisyNeighbours } from './scenarios/noisy';
import { throughput } from './scenarios/throughput';

const SCENARIOS = ['throughput', 'many', 'noisy'] as const;
type Scenario = (typeof SCENARIOS)[number];

function chosen(): Scenario[] {
  const flag = process.argv.indexOf('--scenario');
  const asked = flag >= 0 ? process.argv[flag + 1] : process.env.BENCH_SCENARIO;
  if (!asked || asked === 'all') return [...SCENARIOS];
  const names = asked.split(',');
  for (const name of names) if (!SCENARIOS.includes(name as Scenario)) throw new Error(`Unknown scenario "${name}": use one of ${SCENARIOS.join(', ')} or all`);
  return names as Scenario[];
}

async function main() {
  const scenarios = chosen();
  const events = Number(process.env.BENCH_EVENTS ?? 10_000);
  const webhookCount = Number(process.env.BENCH_WEBHOOKS ?? 4);
  console.log(`Kazinex Webhooks: delivery benchmark (${scenarios.join(', ')})`);
  let database: BenchDatabase | undefined;
  let receiver: BenchReceiver | undefined;
  try {
    database = await benchDatabase();
    process.env.DATABASE_URL = database.url;
    process.env.KAZINEX_ENCRYPTION_KEY ||= randomBytes(32).toString('base64url');
    process.env.KAZINEX_SERVICE_TOKEN ||= randomBytes(32).toString('base64url');
    receiver = await startReceiver();
    console.log(`  PostgreSQL: ${database.description}`);
    console.log(`  worker: default settings unless set in the environment, NODE_OPTIONS=${WORKER_NODE_OPTIONS || '(none)'}\n`);

    let fourWebhooks: number | undefined;
    if (scenarios.includes('throughput')) fourWebhooks = await throughput(receiver, database.url, events, webhookCount);
    if (scenarios.includes('many')) {
      const many = await manyEndpoints(receiver, database.url, events * webhookCount);
      if (fourWebhooks) console.log(`  many endpoints / ${webhookCount} webhooks: ${fmt(many / fourWebhooks, 2)} (${fmt(many)} / ${fmt(fourWebhooks)} deliveries/s)\n`);
    }
    if (scenarios.includes('noisy')) {
      const counts = (process.env.BENCH_NOISY_HANGING ?? '40,200').split(',').map(Number);
      const results = [];
      for (const hanging of counts) results.push(await noisyNeighbours(receiver, database.url, hanging));
      console.log('Noisy neighbours summary (healthy p99 with / without; worst lateness of a hanging endpoint; worker memory):');
      for (const r of results) console.log(`  ${r.hanging} hanging: ${fmt(r.ratio, 2)}× (${fmt(r.with.p99)} / ${fmt(r.without.p99)} ms), all healthy arrived: ${r.with.arrived === r.with.expected ? 'yes' : 'NO'}, worst lateness ${fmt(r.worstLateMs / 1000, 1)} s (${fmt(r.worstSlowedLateMs / 1000, 1)} s once slowed down), ${r.rssMb} MB`);
    }
  } finally {
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
