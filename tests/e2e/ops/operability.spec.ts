import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '@/db/schema';
import { seal } from '@/lib/crypto/secret-box';
import { newId } from '@/lib/ids';
import { startEmbeddedPostgres, type EmbeddedOptions, type RunningPostgres } from '../../../scripts/lib/embedded-postgres';
import { freePort } from '../../../scripts/lib/scratch-database';
import { createTestOrg, type TestOrg } from '../../support/db';
import { scrape, valueOf } from '../../support/prometheus';
import { startReceiver, type Receiver } from '../../support/receiver';
import { waitFor } from '../../support/wait';
import { createWebhook, signIn, subscribe } from '../support';
import { OPS_PORT } from '../ports';

// The whole product as an operator runs it (`npm start` with DATABASE_URL: the web app and the
// worker, JSON logs) on a PostgreSQL this file owns, so it can stop and restart it.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const OPS_WORKER_PORT = Number(process.env.E2E_OPS_WORKER_PORT ?? 9473);

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const web = `http://127.0.0.1:${OPS_PORT}`;
const worker = `http://127.0.0.1:${OPS_WORKER_PORT}`;

// Markers that must never reach a log line.
const SECRET_A = 'wh_ops_secret_A_3f9c1e7d';
const SECRET_B = 'wh_ops_secret_B_8a2d6b4f';
const QUERY_TOKEN = 'query-token-5e1b9c';
const RESPONSE_MARKER = 'response-body-marker-7d3a';
const DATA_MARKER = 'OPS-DOC-MARKER-4c8e';

let dir: string;
let pgOptions: EmbeddedOptions;
let pg: RunningPostgres;
let client: postgres.Sql;
let db: ReturnType<typeof drizzle<typeof schema>>;
let receiver: Receiver;
let org: TestOrg;
let launcher: ChildProcess;
let exited: Promise<number | null>;
let logs = '';

function launch(databaseUrl: string): void {
  launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(OPS_PORT),
      WORKER_HEALTH_PORT: String(OPS_WORKER_PORT),
      LOG_FORMAT: 'json',
      WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOKS_TIMEOUT_MS: '5000',
      WEBHOOKS_RETRY_SCHEDULE: '1',
      WEBHOOKS_JOB_EXPIRE_SECONDS: '7',
      WEBHOOKS_WORKER_SUPERVISE_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launcher.stdout!.on('data', (c: Buffer) => (logs += c.toString()));
  launcher.stderr!.on('data', (c: Buffer) => (logs += c.toString()));
  exited = new Promise((resolve) => launcher.once('exit', (code) => resolve(code)));
}

async function status(url: string): Promise<{ code: number; body: { status?: string; failing?: string[]; checks?: Record<string, string> } }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { code: res.status, body: (await res.json()) as never };
}

const publish = (events: unknown[]) =>
  fetch(`${web}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });

const completed = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    event: 'workflow.completed',
    organisation_id: org.organisationId,
    project_id: org.projectId,
    data: { workflow_id: `wf_ops_${i}`, document_id: `doc_ops_${i}`, document_number: `${DATA_MARKER}-${i}`, status: 'completed', outcome: 'approved' },
  }));

async function settled(webhookIds: string[]): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.deliveries)
    .where(and(inArray(schema.deliveries.webhookId, webhookIds), inArray(schema.deliveries.status, ['pending', 'retrying'])));
  return row!.n === 0;
}

/** The embedded server's processes: its postmaster (from postmaster.pid) and every backend it started. */
function postgresPids(): number[] {
  const postmaster = Number(readFileSync(path.join(pgOptions.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  return [postmaster, ...children];
}

async function sendTestEvent(page: Page, expected: 'success' | 'failed') {
  await page.getByRole('button', { name: 'Send Test Event' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Event type').selectOption('workflow.completed');
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(dialog.getByLabel('Test event outcome')).toContainText(expected);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
}

test.beforeAll(async () => {
  // Starting PostgreSQL, the web app and the worker takes a while on a busy machine.
  test.setTimeout(180_000);
  dir = mkdtempSync(path.join(tmpdir(), 'kazinex-ops-'));
  chmodSync(dir, 0o755);
  pgOptions = { dataDir: path.join(dir, 'data'), port: await freePort(), database: 'kazinex_ops', persistent: true };
  pg = await startEmbeddedPostgres(pgOptions);
  client = postgres(pg.url, { max: 2, onnotice: () => {} });
  db = drizzle(client, { schema });
  receiver = await startReceiver();
  receiver.reply((req) => {
    if (req.path.startsWith('/failing')) return { status: 500, body: RESPONSE_MARKER };
    if (req.path.startsWith('/outage')) return { status: 200, body: RESPONSE_MARKER, delayMs: 3_000 };
    return { status: 200, body: RESPONSE_MARKER };
  });
  launch(pg.url);
  await waitFor(async () => (await fetch(`${web}/sign-in`).catch(() => null))?.ok, 'the web app to start', 90_000, 250);
  await waitFor(async () => (await fetch(`${worker}/health`).catch(() => null))?.ok, 'the worker to start', 30_000, 250);
  org = await createTestOrg(db, 'Operability');
});

test.afterAll(async () => {
  if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
    launcher.kill('SIGTERM');
    await exited;
  }
  await receiver?.close();
  await client?.end();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let webhookA = '';
let webhookB = '';

test('both metrics endpoints count the attempts, durations and events exactly', async ({ page }) => {
  await signIn(page, org.admin);
  await page.goto('/settings/webhooks');
  webhookA = await createWebhook(page, { name: 'ERP', url: `${receiver.url}/ok?token=${QUERY_TOKEN}`, secret: SECRET_A });
  await subscribe(page, ['workflow.completed']);
  await page.goto('/settings/webhooks');
  webhookB = await createWebhook(page, { name: 'Broken bridge', url: `${receiver.url}/failing`, secret: SECRET_B });
  await subscribe(page, ['workflow.completed']);

  const [webBefore, workerBefore] = await Promise.all([scrape(`${web}/api/metrics`), scrape(`${worker}/metrics`)]);

  // Published events: 3 to each webhook; B fails, is retried once after a second, and fails again.
  const published = await publish(completed(3));
  expect(published.status).toBe(202);
  // Test events: one failing (B's page is open), one succeeding.
  await sendTestEvent(page, 'failed');
  await page.goto(`/settings/webhooks/${webhookA}`);
  await sendTestEvent(page, 'success');
  await waitFor(() => settled([webhookA, webhookB]), 'every delivery to finish', 30_000, 200);

  const [webAfter, workerAfter] = await Promise.all([scrape(`${web}/api/metrics`), scrape(`${worker}/metrics`)]);
  const attempts = await db
    .select({ success: schema.deliveryAttempts.success, trigger: schema.deliveryAttempts.trigger, n: sql<number>`count(*)::int` })
    .from(schema.deliveryAttempts)
    .where(eq(schema.deliveryAttempts.organisationId, org.organisationId))
    .groupBy(schema.deliveryAttempts.success, schema.deliveryAttempts.trigger);
  const made = (success: boolean, trigger: string) => attempts.find((a) => a.success === success && a.trigger === trigger)?.n ?? 0;
  // What the receiver saw and the Delivery Log recorded: 3 + 1 successes, 6 + 1 failures.
  expect([made(true, 'automatic'), made(false, 'automatic'), made(true, 'test'), made(false, 'test')]).toEqual([3, 6, 1, 1]);
  expect(receiver.requests).toHaveLength(11);

  const delta = (before: typeof workerBefore, after: typeof workerAfter, name: string, labels: Record<string, string> = {}) =>
    valueOf(after, name, labels) - valueOf(before, name, labels);
  const attemptsDelta = (outcome: string, trigger: string) => delta(workerBefore, workerAfter, 'kazinex_delivery_attempts_total', { outcome, trigger });
  expect(attemptsDelta('success', 'automatic')).toBe(3);
  expect(attemptsDelta('failure', 'automatic')).toBe(6);
  expect(attemptsDelta('success', 'test')).toBe(1);
  expect(attemptsDelta('failure', 'test')).toBe(1);
  expect(attemptsDelta('success', 'manual') + attemptsDelta('failure', 'manual')).toBe(0);

  // The histogram: one observation per attempt, in its +Inf bucket and its count, with time in its sum.
  for (const [outcome, n] of [['success', 4], ['failure', 7]] as const) {
    expect(delta(workerBefore, workerAfter, 'kazinex_delivery_attempt_duration_seconds_count', { outcome })).toBe(n);
    expect(delta(workerBefore, workerAfter, 'kazinex_delivery_attempt_duration_seconds_bucket', { outcome, le: '+Inf' })).toBe(n);
    expect(delta(workerBefore, workerAfter, 'kazinex_delivery_attempt_duration_seconds_sum', { outcome })).toBeGreaterThan(0);
  }
  expect(workerAfter.types.get('kazinex_delivery_attempt_duration_seconds')).toBe('histogram');

  // The web app stored the published events; test events are not counted as published.
  expect(delta(webBefore, webAfter, 'kazinex_events_published_total', { event: 'workflow.completed' })).toBe(3);

  // Both read the backlog from the database at scrape time: nothing waits now, nothing is disabled.
  for (const metrics of [webAfter, workerAfter]) {
    expect(valueOf(metrics, 'kazinex_delivery_queue_depth')).toBe(0);
    expect(valueOf(metrics, 'kazinex_oldest_due_delivery_age_seconds')).toBe(0);
    expect(valueOf(metrics, 'kazinex_webhooks_disabled_total')).toBe(0);
    expect(metrics.samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
  }
  // Labels stay low-cardinality: no webhook or organisation id anywhere.
  for (const metrics of [webAfter, workerAfter]) {
    const labelValues = metrics.samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => /^(wh|org|dlv|evt)_/.test(v))).toEqual([]);
  }
});

test('health answers 503 naming the database while PostgreSQL hangs or is down, 200 again after, and the worker resumes by itself', async () => {
  expect(await status(`${web}/api/health`)).toEqual({ code: 200, body: { status: 'ok' } });
  expect(await status(`${worker}/health`)).toEqual({ code: 200, body: { status: 'ok' } });

  // A PostgreSQL that hangs (every server process stopped) rather than refusing: the checks give
  // up on their own instead of hanging with it (`status` aborts after 5 s), and pass when it resumes.
  const serverPids = postgresPids();
  for (const pid of serverPids) process.kill(pid, 'SIGSTOP');
  try {
    const [webHung, workerHung] = await Promise.all([status(`${web}/api/health`), status(`${worker}/health`)]);
    expect(webHung).toEqual({ code: 503, body: { status: 'unavailable', failing: ['database'], checks: { database: 'no answer within 800 ms' } } });
    expect(workerHung).toMatchObject({ code: 503, body: { failing: ['database'], checks: { database: 'no answer within 800 ms' } } });
  } finally {
    for (const pid of serverPids) process.kill(pid, 'SIGCONT');
  }
  await waitFor(async () => (await status(`${web}/api/health`)).code === 200, 'the web health check to pass after the hang', 20_000, 200);
  await waitFor(async () => (await status(`${worker}/health`)).code === 200, 'the worker health check to pass after the hang', 20_000, 200);

  const secret = 'wh_ops_secret_C_1d7e9a3b';
  const webhookC = newId('wh');
  await db.insert(schema.webhooks).values({
    id: webhookC,
    organisationId: org.organisationId,
    name: 'Outage',
    url: `${receiver.url}/outage`,
    secretCiphertext: seal(secret, process.env.KAZINEX_ENCRYPTION_KEY!),
  });
  await db.insert(schema.webhookSubscriptions).values({ webhookId: webhookC, eventType: 'document.created' });
  const created = (label: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      event: 'document.created',
      organisation_id: org.organisationId,
      project_id: org.projectId,
      data: { document_id: `doc_${label}_${i}`, document_number: `${DATA_MARKER}-${label}-${i}`, title: 'Drawing', revision: 'A', status: 'draft' },
    }));

  // Attempts on the wire (the receiver answers after 3 s) when PostgreSQL goes away.
  expect((await publish(created('before', 5))).status).toBe(202);
  const outage = () => receiver.requests.filter((r) => r.path === '/outage');
  await receiver.waitFor(() => outage().length >= 5);
  await pg.stop();

  await waitFor(async () => (await status(`${web}/api/health`)).code === 503, 'the web health check to fail', 10_000, 100);
  const webDown = await status(`${web}/api/health`);
  expect(webDown.body).toMatchObject({ status: 'unavailable', failing: ['database'] });
  expect(typeof webDown.body.checks?.database).toBe('string');
  await waitFor(async () => (await status(`${worker}/health`)).code === 503, 'the worker health check to fail', 10_000, 100);
  const workerDown = await status(`${worker}/health`);
  expect(workerDown.body.failing).toContain('database');

  pg = await startEmbeddedPostgres(pgOptions);
  await waitFor(async () => (await status(`${web}/api/health`)).code === 200, 'the web health check to pass again', 20_000, 200);
  await waitFor(async () => (await status(`${worker}/health`)).code === 200, 'the worker health check to pass again', 20_000, 200);
  expect(await status(`${web}/api/health`)).toEqual({ code: 200, body: { status: 'ok' } });

  // Neither process was restarted: the same web app takes events, the same worker delivers them
  // and the attempts that were on the wire during the outage.
  expect(launcher.exitCode).toBeNull();
  expect((await publish(created('after', 5))).status).toBe(202);
  const ids = (await db.select({ id: schema.deliveries.id }).from(schema.deliveries).where(eq(schema.deliveries.webhookId, webhookC))).map((d) => d.id);
  expect(ids).toHaveLength(10);
  await waitFor(
    async () => {
      const rows = await db.select({ status: schema.deliveries.status }).from(schema.deliveries).where(eq(schema.deliveries.webhookId, webhookC));
      return rows.every((r) => r.status === 'succeeded');
    },
    'every delivery to succeed after the outage',
    60_000,
    250,
  );
  const received = new Set(outage().map((r) => String(r.headers['x-kazinex-delivery'])));
  expect([...received].sort()).toEqual([...ids].sort());
});

test('every log line of the run is JSON with level, time and msg, and none holds a secret, token or body', async ({}, testInfo) => {
  launcher.kill('SIGTERM');
  expect(await exited).toBe(0);
  await testInfo.attach('run.log', { body: logs, contentType: 'text/plain' });

  const lines = logs.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length).toBeGreaterThan(10);
  const entries = lines.map((line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`Not a JSON log line: ${line}`);
    }
    expect(parsed, line).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
    return parsed as Record<string, unknown>;
  });

  const forbidden = [
    SECRET_A,
    SECRET_B,
    'wh_ops_secret_C',
    QUERY_TOKEN,
    RESPONSE_MARKER,
    DATA_MARKER,
    org.admin.password,
    process.env.KAZINEX_SERVICE_TOKEN!,
    process.env.AUTH_SECRET!,
    process.env.KAZINEX_ENCRYPTION_KEY!,
    'kazinex-admin',
  ];
  for (const value of forbidden) expect(lines.filter((l) => l.includes(value)), value).toEqual([]);

  // The run's failures are there, with the ids involved and an error id for the unexpected ones.
  const failedAttempt = entries.find((e) => e.msg === 'delivery attempt failed' && e.webhookId === webhookB);
  expect(failedAttempt).toMatchObject({ organisationId: org.organisationId, deliveryId: expect.stringMatching(/^dlv_/), jobId: expect.any(String), responseStatus: 500 });
  expect(entries.some((e) => e.component === 'worker' && e.level === 'error' && typeof e.errorId === 'string')).toBe(true);
  expect(entries.some((e) => e.component === 'web' && e.msg === 'health check failing')).toBe(true);
  expect(entries.some((e) => e.component === 'web' && e.msg === 'events published' && e.organisationId === org.organisationId)).toBe(true);
  // The worker stopped in order, and Next's own start-up lines were wrapped by the launcher.
  expect(entries.some((e) => e.component === 'worker' && e.msg === 'worker stopped')).toBe(true);
  expect(entries.some((e) => e.component === 'launcher' && e.source === 'next')).toBe(true);
});
