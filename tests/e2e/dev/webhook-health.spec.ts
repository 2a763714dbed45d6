import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { eventCatalogue } from '@/lib/webhooks/core/events';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { startReceiver, type Receiver } from '../../support/receiver';
import { createWebhook, signIn, subscribe } from '../support';

// Health states, delivery states on attempt rows, Retry once per failed delivery, search and the
// date range, through the real worker and a loopback receiver. The dev server retries once, after
// a second (WEBHOOKS_RETRY_SCHEDULE=1 in playwright.config.ts).
test.use({ timezoneId: 'UTC' });

const SECRET = 'wh_health_0123456789abcdef';
const database = testDb();
let receiver: Receiver;
let org: TestOrg;
/** Delivery ids the receiver has answered once, for the endpoint that fails every first attempt. */
const seen = new Set<string>();

test.beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => {
    if (req.path === '/failing') return { status: 500, body: 'broken' };
    if (req.path === '/gone') return { status: 410, body: 'gone' };
    if (req.path === '/second-time') {
      const id = String(req.headers['x-kazinex-delivery']);
      if (seen.has(id)) return { status: 200 };
      seen.add(id);
      return { status: 503, body: 'busy' };
    }
    return { status: 200, body: 'ok' };
  });
});
test.beforeEach(async () => {
  org = await createTestOrg(database.db, 'Health');
});
test.afterAll(async () => {
  await receiver.close();
  await database.close();
});

async function publish(request: APIRequestContext, numbers: string[]): Promise<void> {
  const sample = eventCatalogue['document.created'].sample;
  const response = await request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}` },
    data: numbers.map((n) => ({ event: 'document.created', organisation_id: org.organisationId, project_id: org.projectId, data: { ...sample, document_number: n } })),
  });
  expect(response.status()).toBe(202);
}

async function webhookAt(page: Page, name: string, path: string, { active = true, subscribed = true } = {}): Promise<string> {
  await page.goto('/settings/webhooks');
  const id = await createWebhook(page, { name, url: `${receiver.url}${path}`, secret: SECRET, active });
  if (subscribed) await subscribe(page, ['document.created']);
  return id;
}

const listRow = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });

/** Reloads the page until its header shows the state (deliveries and retries take a moment). */
async function expectHeaderState(page: Page, url: string, state: string) {
  await expect(async () => {
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 }).locator('..').getByTestId('health-state')).toHaveText(new RegExp(`^${state}`), { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

test('each webhook shows one health state, the same on the list, the page header and the Delivery Log', async ({ page, request }) => {
  await signIn(page, org.admin);
  // Not subscribed: nothing is ever sent to it.
  const fresh = await webhookAt(page, 'Fresh endpoint', '/fresh', { subscribed: false });
  const healthy = await webhookAt(page, 'Healthy endpoint', '/healthy');
  const degraded = await webhookAt(page, 'Flaky endpoint', '/second-time');
  const failing = await webhookAt(page, 'Broken endpoint', '/failing');
  const disabled = await webhookAt(page, 'Gone endpoint', '/gone');
  await webhookAt(page, 'Paused endpoint', '/paused', { active: false });
  await publish(request, ['HEALTH-1', 'HEALTH-2']);

  const expected: [string, string, string][] = [
    [fresh, 'Fresh endpoint', 'No deliveries yet'],
    [healthy, 'Healthy endpoint', 'Healthy'],
    [degraded, 'Flaky endpoint', 'Degraded'],
    [failing, 'Broken endpoint', 'Failing'],
    [disabled, 'Gone endpoint', 'Disabled'],
  ];
  for (const [id, , state] of expected) await expectHeaderState(page, `/settings/webhooks/${id}`, state);

  await page.goto('/settings/webhooks');
  for (const [, name, state] of [...expected, ['', 'Paused endpoint', 'Inactive'] as [string, string, string]]) {
    await expect(listRow(page, name).getByTestId('health-state')).toHaveText(new RegExp(`^${state}`));
  }
  // A disabled webhook says why, and is not also labelled Active.
  await expect(listRow(page, 'Gone endpoint')).not.toContainText('Active');
  await page.goto(`/settings/webhooks/${disabled}`);
  await expect(page.getByRole('heading', { level: 1 }).locator('..').getByTestId('health-state')).toHaveAttribute('title', /410 Gone/);

  // The failing endpoint counts deliveries, not attempts: two deliveries, four failed attempts.
  await page.goto(`/settings/webhooks/${failing}`);
  await expect(page.getByTestId('consecutive-failures')).toHaveText('2');
  await expect(page.getByRole('img', { name: /Last 24 hours \(hourly\): 0% of 4 attempts succeeded/ })).toBeVisible();
  await page.goto(`/settings/webhooks/${failing}?tab=log`);
  await expect(page.getByRole('heading', { level: 1 }).locator('..').getByTestId('health-state')).toHaveText(/^Failing/);
});

test('attempt rows show their delivery’s state, and Retry appears once per failed delivery', async ({ page, request }) => {
  await signIn(page, org.admin);
  const failing = await webhookAt(page, 'Broken endpoint', '/failing');
  const flaky = await webhookAt(page, 'Flaky endpoint', '/second-time');
  await publish(request, ['STATE-1', 'STATE-2']);

  const log = page.getByRole('table', { name: 'Delivery Log' });
  await expect(async () => {
    await page.goto(`/settings/webhooks/${failing}?tab=log`);
    await expect(log.getByTestId('delivery-state').filter({ hasText: 'Failed after 2 attempts' })).toHaveCount(4, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(log.getByRole('button', { name: 'Retry' })).toHaveCount(2);
  for (const row of await log.getByRole('row').filter({ has: page.getByRole('button', { name: 'Retry' }) }).all()) await expect(row).toContainText('#2');
  await expect(page.getByTestId('log-totals')).toHaveText(/^4 attempts: 0 success, 4 failed/);

  await expect(async () => {
    await page.goto(`/settings/webhooks/${flaky}?tab=log`);
    await expect(log.getByTestId('delivery-state').filter({ hasText: 'Succeeded on attempt 2' })).toHaveCount(4, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  // A failed attempt of a delivery that later succeeded is no open failure: no Retry anywhere.
  await expect(log.getByRole('row').filter({ hasText: 'failed' }).first()).toContainText('Succeeded on attempt 2');
  await expect(log.getByRole('button', { name: 'Retry' })).toHaveCount(0);
});

test('search by document number and a range of days narrow the Delivery Log and its totals', async ({ page, request }) => {
  await signIn(page, org.admin);
  const webhook = await webhookAt(page, 'Search endpoint', '/search');
  await publish(request, ['MEC-SPC-0001', 'MEC-SPC-0002', 'STR-DWG-0003']);
  const log = page.getByRole('table', { name: 'Delivery Log' });
  await expect(async () => {
    await page.goto(`/settings/webhooks/${webhook}?tab=log`);
    await expect(log.getByRole('row')).toHaveCount(4, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  await page.getByRole('searchbox', { name: 'Search' }).fill('MEC-SPC-0002');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=MEC-SPC-0002/);
  await expect(log.getByRole('row')).toHaveCount(2);
  await expect(page.getByTestId('log-totals')).toHaveText(/^1 attempt: 1 success, 0 failed matching “MEC-SPC-0002”/);
  await log.getByRole('link', { name: 'document.created' }).click();
  await expect(page.getByText('MEC-SPC-0002').first()).toBeVisible();
  await page.goBack();

  // Today (UTC) holds all of them; tomorrow none. (A run across midnight UTC would see them split.)
  await page.goto(`/settings/webhooks/${webhook}?tab=log`);
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const range = page.getByRole('form', { name: 'Date range' });
  await range.getByLabel('From (UTC)').fill(today);
  await range.getByLabel('To (UTC)').fill(today);
  await range.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`from=${today}&to=${today}|to=${today}&from=${today}`));
  await expect(log.getByRole('row')).toHaveCount(4);
  await expect(page.getByTestId('log-totals')).toHaveText(/^3 attempts: 3 success, 0 failed between/);
  await range.getByLabel('To (UTC)').fill(tomorrow);
  await range.getByLabel('From (UTC)').fill(tomorrow);
  await range.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`from=${tomorrow}`));
  await expect(page.getByText('No deliveries match these filters.')).toBeVisible();
  await expect(page.getByTestId('log-totals')).toHaveText(/^0 attempts/);
});
