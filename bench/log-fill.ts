import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { migrationsFolder } from '@/db/migrate';
import { hashPassword } from '@/lib/auth/password';
import { seal } from '@/lib/crypto/secret-box';

/*
 * Fills a scratch database for the Delivery Log benchmark in a few set-based statements
 * (generate_series, never row by row): organisation A has one webhook with about 1,000,000
 * attempts over 29 days and 20 webhooks with about 20,000 each; organisation B has one webhook
 * with about 20,000, the small case the large one is compared with. About one delivery in ten
 * fails its first attempt and succeeds on its second; one in twenty fails three times and ends
 * failed. Organisation B also has 20 webhooks with ~1,000 attempts each, so both lists have 21 rows. The hourly statistics are built with the migration's own backfill statement.
 */

export const BENCH_ADMIN = { email: 'bench-a@example.com', password: 'bench-password-a' };
export const BENCH_ADMIN_SMALL = { email: 'bench-b@example.com', password: 'bench-password-b' };

export type Filled = { bigWebhookId: string; smallWebhookId: string; attempts: number; seconds: number };

/** Deliveries per webhook for a target number of attempts: 1.15 attempts per delivery on average. */
const deliveriesFor = (attempts: number) => Math.round(attempts / 1.15);

const DAYS = 29;

export async function fillLogDatabase(url: string, encryptionKey: string, opts: { bigAttempts: number; smallWebhooks: number; smallAttempts: number }): Promise<Filled> {
  const started = performance.now();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`set synchronous_commit = off`;
    await sql`set work_mem = '256MB'`;
    await sql`set maintenance_work_mem = '512MB'`;
    const secret = seal('whsec_bench', encryptionKey);
    const [hashA, hashB] = await Promise.all([hashPassword(BENCH_ADMIN.password), hashPassword(BENCH_ADMIN_SMALL.password)]);
    await sql`insert into organisations (id, name) values ('org_bench_a', 'Bench Large Ltd'), ('org_bench_b', 'Bench Small Ltd')`;
    await sql`insert into projects (id, organisation_id, name) values ('proj_bench_a', 'org_bench_a', 'Tower'), ('proj_bench_b', 'org_bench_b', 'Bridge')`;
    await sql`insert into users (id, organisation_id, email, name, password_hash, role) values
      ('usr_bench_a', 'org_bench_a', ${BENCH_ADMIN.email}, 'Bench Admin A', ${hashA}, 'org_admin'),
      ('usr_bench_b', 'org_bench_b', ${BENCH_ADMIN_SMALL.email}, 'Bench Admin B', ${hashB}, 'org_admin')`;

    // Both organisations list the same number of webhooks, so the list compares history, not rows.
    const webhooks = [
      { id: 'wh_bench_big', org: 'org_bench_a', project: 'proj_bench_a', deliveries: deliveriesFor(opts.bigAttempts) },
      ...Array.from({ length: opts.smallWebhooks }, (_, k) => ({ id: `wh_bench_a${k}`, org: 'org_bench_a', project: 'proj_bench_a', deliveries: deliveriesFor(opts.smallAttempts) })),
      { id: 'wh_bench_small', org: 'org_bench_b', project: 'proj_bench_b', deliveries: deliveriesFor(opts.smallAttempts) },
      ...Array.from({ length: opts.smallWebhooks }, (_, k) => ({ id: `wh_bench_b${k}`, org: 'org_bench_b', project: 'proj_bench_b', deliveries: deliveriesFor(opts.smallAttempts / 20) })),
    ];
    for (const [i, w] of webhooks.entries()) {
      await sql`insert into webhooks (id, organisation_id, name, url, secret_ciphertext, created_at)
        values (${w.id}, ${w.org}, ${`Endpoint ${i}`}, ${`https://erp.example.com/hooks/${i}`}, ${secret}, now() - interval '30 days')`;
      await sql`insert into webhook_subscriptions (webhook_id, event_type)
        select ${w.id}, t from unnest(array['workflow.created', 'workflow.completed', 'workflow.step_completed', 'document.created']) t`;
    }

    // Secondary indexes are built once after the load instead of entry by entry during it.
    const indexes = await sql<{ name: string; definition: string }[]>`
      select i.indexname as name, i.indexdef as definition from pg_indexes i
      where i.schemaname = 'public' and i.tablename in ('events', 'deliveries', 'delivery_attempts')
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
    for (const index of indexes) await sql.unsafe(`drop index "${index.name}"`);

    // Events: one per delivery of the largest webhook of each organisation; the others share them.
    for (const org of ['a', 'b'] as const) {
      const count = Math.max(...webhooks.filter((w) => w.org === `org_bench_${org}`).map((w) => w.deliveries));
      await sql`
        insert into events (id, organisation_id, project_id, type, occurred_at, body, created_at)
        select 'evt_' || ${org} || '_' || i, ${`org_bench_${org}`}, ${`proj_bench_${org}`}, t.type, t.at,
               json_build_object('event', t.type, 'timestamp', to_char(t.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                 'organisation_id', ${`org_bench_${org}`}::text, 'project_id', ${`proj_bench_${org}`}::text,
                 'data', json_build_object('workflow_id', 'wf_' || i, 'document_id', 'doc_' || (i % 50000),
                   'document_number', 'STR-DWG-' || lpad((i % 50000)::text, 5, '0'), 'status', 'completed', 'outcome', 'approved'))::text,
               t.at
        from generate_series(1, ${count}) i
        cross join lateral (select (array['workflow.created', 'workflow.completed', 'workflow.step_completed', 'document.created'])[1 + i % 4] as type,
                                   now() - make_interval(secs => ${DAYS * 86400}::float8 * (${count} - i) / ${count}) as at) t`;
    }

    for (const w of webhooks) {
      const org = w.org === 'org_bench_a' ? 'a' : 'b';
      const total = Math.max(...webhooks.filter((x) => x.org === w.org).map((x) => x.deliveries));
      // Spread this webhook's deliveries over the organisation's events, oldest to newest.
      await sql`
        insert into deliveries (id, organisation_id, event_id, webhook_id, event_type, status, attempt_count, last_attempt_at, last_response_status, created_at, updated_at)
        select 'dlv_' || ${w.id} || '_' || i, ${w.org}, e.id, ${w.id}, e.type,
               (case when i % 20 = 0 then 'failed' else 'succeeded' end)::delivery_status,
               n.attempts, e.occurred_at + make_interval(mins => n.attempts - 1), case when i % 20 = 0 then 500 else 200 end,
               e.occurred_at, e.occurred_at + make_interval(mins => n.attempts - 1)
        from generate_series(1, ${w.deliveries}) i
        cross join lateral (select 1 + (i % 10 = 0)::int + (i % 20 = 0)::int as attempts) n
        join events e on e.id = 'evt_' || ${org} || '_' || (i::bigint * ${total} / ${w.deliveries})`;
    }

    // Every webhook's attempts in one statement: one pass over the deliveries.
    await sql`
      insert into delivery_attempts (id, delivery_id, organisation_id, webhook_id, event_type, attempt_number, trigger, request_url, request_signatures, request_user_agent,
                                     response_status, response_headers, response_body, duration_ms, error, success, started_at, completed_at)
      select 'att_' || substr(d.id, 5) || '_' || n, d.id, d.organisation_id, d.webhook_id, d.event_type, n, 'automatic',
             'https://erp.example.com/hooks', sha256(convert_to(d.id || n, 'UTF8')) || sha256(convert_to(e.id || n, 'UTF8')), 'Kazinex-Webhooks/0.1.0',
             case when ok then 200 when n = 2 then null else 500 end,
             '{"content-type":"text/plain"}'::jsonb, case when ok then 'ok' else 'Internal Server Error' end,
             d.dur, case when ok or n <> 2 then null else 'Timed out after 10000 ms waiting for the response' end, ok,
             d.created_at + make_interval(mins => n - 1), d.created_at + make_interval(mins => n - 1, secs => d.dur / 1000.0)
      from (select d.*, 40 + (hashtext(d.id) & 1023) % 600 as dur from deliveries d) d
      join events e on e.id = d.event_id
      cross join lateral generate_series(1, d.attempt_count) n
      cross join lateral (select d.status = 'succeeded' and n = d.attempt_count as ok) s`;

    for (const index of indexes) await sql.unsafe(index.definition);

    // The hourly statistics, exactly as the migration backfills them.
    const migration = readFileSync(path.join(migrationsFolder, '0008_webhook_statistics.sql'), 'utf8');
    const backfill = migration.slice(migration.indexOf('INSERT INTO "webhook_hourly_stats"'), migration.indexOf('GROUP BY 1, 2, 3, 4, 5') + 'GROUP BY 1, 2, 3, 4, 5'.length);
    await sql.unsafe(backfill);
    await sql`
      update webhooks w set last_delivery_at = l.at, last_delivery_status = 'success', last_success_at = l.at, last_failure_at = l.failed_at
      from (select webhook_id, max(started_at) as at, max(started_at) filter (where not success) as failed_at from delivery_attempts group by webhook_id) l
      where l.webhook_id = w.id`;
    // Statistics for the planner, and the visibility map a long-lived database has (index-only scans).
    await sql.unsafe('vacuum (analyze) delivery_attempts, deliveries, events, webhook_hourly_stats, webhooks');
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from delivery_attempts`;
    return { bigWebhookId: 'wh_bench_big', smallWebhookId: 'wh_bench_small', attempts: n, seconds: (performance.now() - started) / 1000 };
  } finally {
    await sql.end();
  }
}
