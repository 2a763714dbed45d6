/**
 * `npm run bench:log`: the admin pages' server time against history. Fills a scratch database
 * (bench/log-fill.ts: ~1,000,000 attempts for one webhook over 29 days, 20 webhooks with ~20,000,
 * and in another organisation one webhook with ~20,000 and 20 with ~1,000), starts the built app (`next build` first)
 * on it, signs in through the sign-in page, and prints the median of 5 timed requests (after one
 * warm-up) for each page, for the large webhook and the small one, and their ratio.
 *
 * Settings (environment): BENCH_BIG_ATTEMPTS (1000000), BENCH_SMALL_WEBHOOKS (20),
 * BENCH_SMALL_ATTEMPTS (20000), BENCH_RUNS (5); BENCH_LOG_DATABASE_URL reuses a database an
 * earlier run kept (BENCH_KEEP=1) instead of filling a new one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import postgres from 'postgres';
import { encodeCursor } from '@/lib/webhooks/read/delivery-log';
import { freePort } from '../scripts/lib/scratch-database';
import { benchDatabase } from './database';
import { BENCH_ADMIN, BENCH_ADMIN_SMALL, fillLogDatabase } from './log-fill';

const root = path.resolve(import.meta.dirname, '..');
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RUNS = setting('BENCH_RUNS', 5);
const TARGET_MS = 100;
const TARGET_RATIO = 1.5;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number, digits = 1) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function startApp(databaseUrl: string, port: number, secrets: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', '--no-build', '--no-worker'], {
    cwd: root,
    env: { ...process.env, ...secrets, DATABASE_URL: databaseUrl, PORT: String(port), KAZINEX_DEMO: 'false', LOG_FORMAT: 'json', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}); run \`next build\` first`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok).catch(() => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the app did not start within 2 minutes');
}

/** Signs in through the real sign-in page and returns the session cookie header. */
async function sessionCookie(base: string, user: { email: string; password: string }): Promise<string> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  const browser = await chromium.launch({ executablePath });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/settings\/webhooks$/);
    const cookies = await page.context().cookies();
    return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  } finally {
    await browser.close();
  }
}

async function fetchTime(url: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return performance.now() - t0;
}

/**
 * Median wall time of RUNS requests for the full HTML of the same page for the large and the small
 * webhook (after one warm-up each), alternating between them so a burst of load on this shared
 * machine lands on both alike; fails on anything but 200.
 */
async function timePair(large: [string, string], small: [string, string]): Promise<[number, number]> {
  await fetchTime(...large);
  await fetchTime(...small);
  const [a, b]: number[][] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    a.push(await fetchTime(...large));
    b.push(await fetchTime(...small));
  }
  return [median(a), median(b)];
}

type Pages = [string, string][];

async function pagesFor(sql: postgres.Sql, base: string, webhookId: string): Promise<Pages> {
  const log = `${base}/settings/webhooks/${webhookId}?tab=log`;
  const [sixth] = await sql<{ started_at: Date; id: string }[]>`
    select started_at, id from delivery_attempts where webhook_id = ${webhookId} order by started_at desc, id desc offset ${5 * 50 - 1} limit 1`;
  const [detail] = await sql<{ id: string }[]>`
    select id from delivery_attempts where webhook_id = ${webhookId} and not success order by started_at desc limit 1 offset 10`;
  const [doc] = await sql<{ n: string }[]>`
    select e.body::jsonb->'data'->>'document_number' as n from deliveries d join events e on e.id = d.event_id where d.webhook_id = ${webhookId} order by d.created_at desc limit 1 offset 500`;
  const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  return [
    ['Webhooks list', `${base}/settings/webhooks`],
    ['Webhook page', `${base}/settings/webhooks/${webhookId}`],
    ['Delivery Log', log],
    ['Log: success', `${log}&status=success`],
    ['Log: failed', `${log}&status=failed`],
    ['Log: event type', `${log}&event=workflow.completed`],
    ['Log: date range (2 days)', `${log}&from=${day(10)}&to=${day(9)}`],
    [`Log: search document number`, `${log}&q=${encodeURIComponent(doc!.n)}`],
    ['Log: 6th page', `${log}&before=${encodeCursor(sixth!.started_at, sixth!.id)}`],
    ['Attempt detail', `${base}/settings/webhooks/${webhookId}/deliveries/${detail!.id}`],
  ];
}

async function main() {
  // The environment's secrets when set, so a kept database can be reused with the same ones.
  const secret = (name: string) => process.env[name] ?? randomBytes(32).toString('base64url');
  const secrets = { AUTH_SECRET: secret('AUTH_SECRET'), KAZINEX_ENCRYPTION_KEY: secret('KAZINEX_ENCRYPTION_KEY'), KAZINEX_SERVICE_TOKEN: secret('KAZINEX_SERVICE_TOKEN') };
  const reuse = process.env.BENCH_LOG_DATABASE_URL;
  const db = reuse ? null : await benchDatabase();
  const url = reuse ?? db!.url;
  let app: ChildProcess | undefined;
  try {
    if (db) {
      console.log(`Filling ${db.description} …`);
      const filled = await fillLogDatabase(url, secrets.KAZINEX_ENCRYPTION_KEY, {
        bigAttempts: setting('BENCH_BIG_ATTEMPTS', 1_000_000),
        smallWebhooks: setting('BENCH_SMALL_WEBHOOKS', 20),
        smallAttempts: setting('BENCH_SMALL_ATTEMPTS', 20_000),
      });
      console.log(`${filled.attempts.toLocaleString('en-GB')} attempts in ${fmt(filled.seconds)} s`);
      if (process.env.BENCH_KEEP) console.log(`Kept for BENCH_LOG_DATABASE_URL: ${url}`);
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    app = await startApp(url, port, secrets);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const [bigCookie, smallCookie] = [await sessionCookie(base, BENCH_ADMIN), await sessionCookie(base, BENCH_ADMIN_SMALL)];
    const [counts] = await sql<{ big: number; small: number }[]>`
      select (select count(*)::int from delivery_attempts where webhook_id = 'wh_bench_big') as big,
             (select count(*)::int from delivery_attempts where webhook_id = 'wh_bench_small') as small`;
    const big = await pagesFor(sql, base, 'wh_bench_big');
    const small = await pagesFor(sql, base, 'wh_bench_small');
    await sql.end();

    console.log(`\nServer time, median of ${RUNS} (ms): large webhook ${counts!.big.toLocaleString('en-GB')} attempts (its organisation 21 webhooks), small ${counts!.small.toLocaleString('en-GB')} (its organisation 21 webhooks, the others ~1,000 each)`);
    console.log(`${'Page'.padEnd(32)}${'large'.padStart(10)}${'small'.padStart(10)}${'ratio'.padStart(8)}`);
    let ok = true;
    for (let i = 0; i < big.length; i++) {
      const [name, bigUrl] = big[i]!;
      const [large, little] = await timePair([bigUrl, bigCookie], [small[i]![1], smallCookie]);
      const ratio = large / little;
      const met = large <= TARGET_MS && ratio <= TARGET_RATIO;
      ok &&= met;
      console.log(`${name.padEnd(32)}${fmt(large).padStart(10)}${fmt(little).padStart(10)}${fmt(ratio, 2).padStart(8)}${met ? '' : '  ✗'}`);
    }
    console.log(ok ? `\nEvery page within ${TARGET_MS} ms and ${TARGET_RATIO}× the small case.` : `\nSome pages (✗) miss ${TARGET_MS} ms or ${TARGET_RATIO}× the small case.`);
  } finally {
    if (app?.pid) {
      try {
        process.kill(-app.pid, 'SIGTERM');
      } catch {}
    }
    if (db && !process.env.BENCH_KEEP) await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
