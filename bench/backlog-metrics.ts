/**
 * `npx tsx bench/backlog-metrics.ts [deliveries]`: what a metrics scrape costs the database with a
 * large delivery log. Fills a scratch database (default 2,000,000 deliveries, 1 % of them waiting
 * for their first attempt in queued jobs, 1 % for a retry as parked attempts, a finished job per
 * 10 deliveries as pg-boss keeps them for an hour, 2 webhooks of 5,000 disabled), then prints
 * the plan and the time of the backlog query every /metrics and /api/metrics scrape runs.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { BACKLOG_SQL, readBacklog } from '@/lib/observability/backlog';
import { closePublisher, getPublisher, QUEUES } from '@/lib/webhooks/queue/boss';
import { benchDatabase } from './database';

const total = Number(process.argv[2] ?? 2_000_000);
const perEvent = 10;

async function main() {
  const database = await benchDatabase();
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    process.env.DATABASE_URL = database.url;
    process.env.KAZINEX_ENCRYPTION_KEY ||= randomBytes(32).toString('base64url');
    process.env.KAZINEX_SERVICE_TOKEN ||= randomBytes(32).toString('base64url');
    await getPublisher(); // pg-boss's schema and queues
    console.log(`filling ${database.description} with ${total.toLocaleString('en')} deliveries…`);
    const events = Math.ceil(total / perEvent);
    await sql.unsafe(`
      insert into organisations (id, name) values ('org_bench', 'Bench');
      insert into projects (id, organisation_id, name) values ('proj_bench', 'org_bench', 'Bench');
      insert into webhooks (id, organisation_id, name, url, secret_ciphertext)
        select 'wh_' || i, 'org_bench', 'hook ' || i, 'https://receiver.example/' || i, 'sealed' from generate_series(1, 5000) i;
      update webhooks set disabled_reason = 'bench' where id in ('wh_1', 'wh_2');
      insert into events (id, organisation_id, project_id, type, occurred_at, body)
        select 'evt_' || i, 'org_bench', 'proj_bench', 'workflow.completed', now(), '{}' from generate_series(1, ${events}) i;
      insert into deliveries (id, organisation_id, event_id, webhook_id, event_type, status, created_at, next_attempt_at)
        select 'dlv_' || i || '_' || j, 'org_bench', 'evt_' || i, 'wh_' || j, 'workflow.completed',
          (case when i % 100 = 0 then 'pending' when i % 100 = 1 then 'retrying' else 'succeeded' end)::delivery_status,
          now() - (i || ' seconds')::interval,
          case when i % 100 = 1 then now() + ((i % 7 - 3) || ' minutes')::interval end
        from generate_series(1, ${events}) i, generate_series(1, ${perEvent}) j;
      insert into pgboss.job (name, data, group_id, start_after)
        select '${QUEUES.deliveries}', jsonb_build_object('trigger', 'automatic', 'deliveryIds',
            (select jsonb_agg('dlv_' || i || '_' || j) from generate_series(1, ${perEvent}) j)),
          'wh_' || i % 5000, now() - (i || ' seconds')::interval
        from generate_series(100, ${events}, 100) i;
      insert into pgboss.job (name, data, group_id, state, start_after, started_on, completed_on)
        select '${QUEUES.deliveries}', jsonb_build_object('trigger', 'automatic', 'deliveryIds', jsonb_build_array('dlv_' || i || '_1')),
          'wh_' || i % 5000, 'completed', now() - interval '30 minutes', now() - interval '30 minutes', now() - interval '30 minutes'
        from generate_series(1, ${events}) i;
      insert into parked_attempts (delivery_id, webhook_id, attempt, due_at)
        select 'dlv_' || i || '_' || j, 'wh_' || j, 2, now() + ((i % 7 - 3) || ' minutes')::interval
        from generate_series(1, ${events}, 100) i, generate_series(1, ${perEvent}) j`);
    await sql.unsafe('vacuum analyze');

    const lines = (await sql.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, format text) ${BACKLOG_SQL}`)).map((r) => r['QUERY PLAN']);
    console.log(lines.join('\n'));
    const seqScan = lines.some((l) => /Seq Scan on (deliveries|webhooks|parked_attempts|job\w*)\b/.test(l));
    const timings: number[] = [];
    let backlog;
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      backlog = await readBacklog(sql, 5_000);
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    console.log(`\nbacklog: ${JSON.stringify(backlog)}`);
    console.log(`scrape query over ${total.toLocaleString('en')} deliveries: median ${timings[10]!.toFixed(1)} ms, max ${timings[19]!.toFixed(1)} ms (20 runs); sequential scan: ${seqScan ? 'YES' : 'no'}`);
  } finally {
    await closePublisher();
    await sql.end();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
