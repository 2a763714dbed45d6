import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { count, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '@/db/schema';
import { freePort, scratchDatabase, type ScratchDatabase } from '../../../scripts/lib/scratch-database';
import { startAppInstance, type AppInstance } from '../../support/app-instance';
import { startReceiver, type Receiver } from '../../support/receiver';
import { waitFor } from '../../support/wait';
import { createWebhook, openWebhooks, signIn, subscribe } from '../support';

// An operator's first start: a fresh database in DATABASE_URL, KAZINEX_DEMO unset, real secrets.
// Everything comes from the provisioning API; nothing known signs in; nothing secret is printed.
const secrets = {
  AUTH_SECRET: randomBytes(32).toString('base64url'),
  KAZINEX_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  KAZINEX_SERVICE_TOKEN: randomBytes(32).toString('base64url'),
};
const adminPassword = `harbour-${randomBytes(6).toString('hex')}`;

let database: ScratchDatabase;
let sql: postgres.Sql;
let app: AppInstance;
let receiver: Receiver;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await scratchDatabase('kazinex_fresh');
  sql = postgres(database.url, { max: 2, onnotice: () => {} });
  receiver = await startReceiver();
  app = await startAppInstance({ DATABASE_URL: database.url, ...secrets, WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' }, await freePort());
});

test.afterAll(async () => {
  await app?.stop();
  await receiver?.close();
  await sql?.end();
  await database?.drop();
});

test('a fresh production start seeds nothing, prints no secret, and runs on provisioned organisations', async ({ page, request }) => {
  test.setTimeout(120_000);
  const db = drizzle(sql, { schema });
  const rows = async (table: typeof schema.organisations | typeof schema.users | typeof schema.projects) => (await db.select({ n: count() }).from(table))[0]!.n;
  expect(await rows(schema.organisations)).toBe(0);
  expect(await rows(schema.projects)).toBe(0);
  expect(await rows(schema.users)).toBe(0);

  // The demo's known credentials do not exist here.
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel('Email').fill('admin@example.com');
  await page.getByLabel('Password').fill('kazinex-admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-error')).toHaveText('The email or password is not correct.');

  // Kazinex provisions an organisation, a project and an Org Admin.
  const api = (path: string) => `${app.url}/api/v1${path}`;
  const authorization = `Bearer ${secrets.KAZINEX_SERVICE_TOKEN}`;
  const org = `org_${randomBytes(4).toString('hex')}`;
  const project = `proj_${randomBytes(4).toString('hex')}`;
  const admin = { id: `usr_${randomBytes(4).toString('hex')}`, email: `lead.${randomBytes(3).toString('hex')}@harbour.example`, password: adminPassword };
  expect((await request.put(api(`/organisations/${org}`), { headers: { authorization }, data: { name: 'Harbour Engineering' } })).status()).toBe(201);
  expect((await request.put(api(`/organisations/${org}/projects/${project}`), { headers: { authorization }, data: { name: 'Quay Wall' } })).status()).toBe(201);
  const userResponse = await request.put(api(`/organisations/${org}/users/${admin.id}`), {
    headers: { authorization },
    data: { email: admin.email, name: 'Lead Engineer', role: 'org_admin', password: admin.password },
  });
  expect(userResponse.status()).toBe(201);
  expect(await userResponse.text()).not.toContain(admin.password);
  expect((await request.put(api(`/organisations/${org}`), { data: { name: 'No token' } })).status()).toBe(401);

  // The provisioned Org Admin signs in and manages webhooks.
  await page.context().clearCookies();
  await page.goto(`${app.url}/sign-in`);
  await signIn(page, { email: admin.email, password: admin.password }, app.url);
  await openWebhooks(page);
  const webhookId = await createWebhook(page, { name: 'Document control ERP', url: `${receiver.url}/erp`, secret: 'wh_fresh_start_secret_9k2m' });
  await subscribe(page, ['workflow.completed']);

  // An event published by Kazinex reaches the endpoint and shows in the Delivery Log.
  const published = await request.post(api('/events'), {
    headers: { authorization },
    data: {
      event: 'workflow.completed',
      organisation_id: org,
      project_id: project,
      data: { workflow_id: 'wf_1', document_id: 'doc_1', document_number: 'QW-DWG-0001', status: 'completed', outcome: 'approved' },
    },
  });
  expect(published.status()).toBe(202);
  await receiver.waitFor((r) => r.some((x) => x.path === '/erp'));
  await waitFor(async () => (await db.select({ n: count() }).from(schema.deliveryAttempts).where(eq(schema.deliveryAttempts.webhookId, webhookId)))[0]!.n > 0, 'the attempt to be recorded');
  await page.reload();
  await page.getByRole('tab', { name: 'Delivery Log' }).click();
  await expect(page.getByRole('table', { name: 'Delivery Log' })).toContainText('workflow.completed');

  // Deleting the organisation removes its webhooks, events and log, and its people can no longer get in.
  const removed = await request.delete(api(`/organisations/${org}`), { headers: { authorization } });
  expect(removed.status()).toBe(204);
  const left = async (table: typeof schema.webhooks | typeof schema.events | typeof schema.deliveries | typeof schema.deliveryAttempts | typeof schema.users) =>
    (await db.select({ n: count() }).from(table).where(eq(table.organisationId, org)))[0]!.n;
  for (const table of [schema.webhooks, schema.events, schema.deliveries, schema.deliveryAttempts, schema.users]) expect(await left(table)).toBe(0);
  expect(await db.select().from(schema.webhookSubscriptions).where(eq(schema.webhookSubscriptions.webhookId, webhookId))).toEqual([]);
  await page.goto(`${app.url}/settings/webhooks`);
  await expect(page).toHaveURL(/\/sign-in/);

  // Nothing secret in what the web app and the worker printed, start to finish.
  await app.stop();
  const output = app.output();
  expect(output).toContain('Kazinex Webhooks is starting');
  for (const secret of [...Object.values(secrets), adminPassword, 'kazinex-admin', 'kazinex-member']) {
    expect(output).not.toContain(secret);
  }
  expect(output).not.toMatch(/token|password/i);
});
