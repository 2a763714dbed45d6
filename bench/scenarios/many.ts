import { fmt } from '../lib/figures';
import { memoryOf, startWorker, stopChild, type BenchReceiver } from '../lib/processes';
import { createTenant, type Tenant } from '../lib/tenants';
import { publishAndDrain } from './throughput';

/**
 * Scenario "many": 1,000 webhooks across 100 organisations (10 each), each event fanning out to
 * the 10 webhooks of its organisation. Returns deliveries per second, publish → recorded attempt.
 */
export async function manyEndpoints(receiver: BenchReceiver, databaseUrl: string, deliveries: number, organisationCount = 100, perOrganisation = 10): Promise<number> {
  const tenants: Tenant[] = [];
  for (let o = 0; o < organisationCount; o++) {
    tenants.push(await createTenant(`Tenant ${o + 1}`, Array.from({ length: perOrganisation }, (_, i) => `http://127.0.0.1:${receiver.port}/t${o + 1}/hook-${i + 1}`)));
  }
  const events = Math.ceil(deliveries / perOrganisation / organisationCount) * organisationCount;
  const worker = await startWorker(databaseUrl);
  try {
    const run = await publishAndDrain(receiver, tenants, events);
    const memory = memoryOf(worker);
    console.log(`Many endpoints: ${fmt(organisationCount * perOrganisation)} webhooks in ${organisationCount} organisations; ${fmt(events)} events → ${fmt(run.deliveries)} deliveries (10 per event)`);
    console.log(`  every attempt recorded after ${fmt(run.seconds, 2)} s: ${fmt(run.perSecond)} deliveries/s (publish → recorded attempt); ${fmt(run.succeeded)} succeeded`);
    console.log(`  worker memory: ${memory.rssMb} MB resident at the end, ${memory.peakMb} MB at its peak\n`);
    return run.perSecond;
  } finally {
    await stopChild(worker);
  }
}
