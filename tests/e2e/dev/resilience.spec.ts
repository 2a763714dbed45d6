import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { eventCatalogue } from '@/lib/webhooks/core/events';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { verifyWithTutorialPython } from '../../support/python-verify';
import { startReceiver, type Receiver } from '../../support/receiver';
import { seriousViolations } from '../admin-ui';
import { createWebhook, signIn, subscribe } from '../support';

// Failure tracking, recovery and secret rotation as an Org Admin sees them. The dev server runs
// with WEBHOOKS_RETRY_SCHEDULE=1 (one automatic retry after a second), see playwright.config.ts.
test.use({ timezoneId: 'UTC' });

const SECRET = 'wh_resilience_0123456789abcdef';
const database = testDb();
let receiver: Receiver;
// Each test has its own organisation, so events published in one never reach another's webhooks.
let org: TestOrg;

test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.beforeEach(async () => {
  org = await createTestOrg(database.db, 'Resilience');
});
test.afterAll(async () => {
  await receiver.close();
  await database.close();
});

async function publish(request: APIRequestContext, count: number, tag: string): Promise<string[]> {
  const sample = eventCatalogue['document.created'].sample;
  const events = Array.from({ length: count }, (_, i) => ({
    event: 'document.created',
    organisation_id: org.organisationId,
    project_id: org.projectId,
    data: { ...sample, document_number: `${tag}-${i}` },
  }));
  const response = await request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}` },
    data: events,
  });
  expect(response.status()).toBe(202);
  return events.map((e) => e.data.document_number);
}

const numbersReceived = (r: Receiver) => r.requests.map((req) => JSON.parse(req.body.toString('utf8')).data.document_number as string);

async function newSubscribedWebhook(page: Page, name: string) {
  await page.goto('/settings/webhooks');
  const id = await createWebhook(page, { name, url: `${receiver.url}/${name.toLowerCase().replace(/\W+/g, '-')}`, secret: SECRET });
  await subscribe(page, ['document.created']);
  return id;
}

test('a 410 disables the webhook; after Re-enable, Replay skipped delivers what arrived meanwhile', async ({ page, request }) => {
  await signIn(page, org.admin);
  await newSubscribedWebhook(page, 'Gone endpoint');
  receiver.reply({ status: 410, body: 'gone' });
  const before = receiver.requests.length;
  await publish(request, 1, 'GONE');
  await receiver.waitFor((r) => r.length > before);

  const banner = page.getByRole('region', { name: 'Webhook disabled' });
  await expect(async () => {
    await page.reload();
    await expect(banner).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('disabled-reason')).toContainText('410 Gone');
  await expect(page.getByRole('heading', { level: 1 }).locator('..')).toContainText('Disabled');

  // Events published while disabled are kept as skipped deliveries, not sent; so is the one the
  // endpoint answered 410 to, which has no retry left to run otherwise.
  const skipped = await publish(request, 2, 'SKIPPED');
  await expect(async () => {
    await page.reload();
    await expect(banner).toContainText('(3 so far)', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  expect(receiver.requests.length).toBe(before + 1);

  receiver.reply({ status: 200, body: 'back' });
  await banner.getByRole('button', { name: 'Re-enable' }).click();
  await expect(banner).toBeHidden();
  await page.getByRole('button', { name: 'Replay skipped (3)' }).click();
  await expect(page.getByRole('status').filter({ hasText: '3 skipped deliveries queued.' })).toBeVisible();
  await receiver.waitFor((r) => r.length >= before + 4);
  expect(numbersReceived(receiver).slice(-3).sort()).toEqual(['GONE-0', ...skipped].sort());
});

test('Retry failed since re-sends every failed delivery after the chosen time', async ({ page, request }) => {
  await signIn(page, org.admin);
  const webhookId = await newSubscribedWebhook(page, 'Flaky endpoint');
  receiver.reply((req) => (req.path === '/flaky-endpoint' ? { status: 500 } : { status: 200 }));
  const chosen = new Date(Date.now() - 60_000);
  const published = await publish(request, 2, 'FLAKY');

  // Each delivery fails its first attempt and its one automatic retry, then ends failed.
  await expect(async () => {
    await page.goto(`/settings/webhooks/${webhookId}?tab=log&status=failed`);
    await expect(page.getByRole('table', { name: 'Delivery Log' }).getByRole('row')).toHaveCount(5, { timeout: 1000 });
    // One Retry per failed delivery, on its latest attempt.
    await expect(page.getByRole('table', { name: 'Delivery Log' }).getByRole('button', { name: 'Retry' })).toHaveCount(2, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  receiver.reply({ status: 200 });
  const before = receiver.requests.length;
  await page.getByRole('tab', { name: 'Settings' }).click();
  // The input is UTC, as labelled: the browser's own zone does not shift it.
  await page.getByLabel('Failed since (UTC)').fill(chosen.toISOString().slice(0, 16));
  const retrySince = page.getByRole('button', { name: 'Retry failed since…' });

  // First a confirmation with the count; Cancel sends nothing and returns focus to the button.
  await retrySince.click();
  const confirm = page.getByRole('dialog', { name: 'Retry failed deliveries?' });
  await expect(confirm.getByTestId('retry-since-count')).toContainText('2 failed deliveries since');
  expect(await seriousViolations(page)).toEqual([]);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(retrySince).toBeFocused();

  await retrySince.click();
  await confirm.getByRole('button', { name: 'Re-send 2 failed deliveries' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: '2 failed deliveries re-sent.' })).toBeVisible();
  await receiver.waitFor((r) => r.length >= before + 2);
  expect(numbersReceived(receiver).slice(-2).sort()).toEqual([...published].sort());
});

test('Roll secret shows the new secret once and both secrets sign during the overlap', async ({ page }) => {
  await signIn(page, org.admin);
  receiver.reply({ status: 200 });
  await newSubscribedWebhook(page, 'Rotating endpoint');
  await page.getByRole('button', { name: 'Roll secret' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Roll secret now' }).click();
  const newSecret = (await page.getByTestId('new-secret').textContent())!.trim();
  expect(newSecret).toMatch(/^wh_[0-9a-f]{64}$/);
  await expect(page.getByTestId('previous-valid-until')).toContainText('The previous secret is accepted until');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('previous-secret-note')).toBeVisible();

  const before = receiver.requests.length;
  await page.getByRole('button', { name: 'Send Test Event' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('dialog').getByLabel('Test event outcome')).toContainText('success');
  const delivery = (await receiver.waitFor((r) => r.length > before)).at(-1)!;

  expect((delivery.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
  expect(verifyWithTutorialPython(delivery.body, delivery.headers['x-kazinex-signature'] as string, newSecret)).toBe(true);
  for (const secret of [newSecret, SECRET]) {
    const verifier = new Webhook(`whsec_${Buffer.from(secret).toString('base64')}`);
    expect(() => verifier.verify(delivery.body.toString('utf8'), delivery.headers as Record<string, string>)).not.toThrow();
  }

  // A secret the admin types in replaces both at once: no overlap is left.
  const typed = 'wh_typed_by_admin_0123456789';
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).first().click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog').getByLabel('Secret').fill(typed);
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByTestId('previous-secret-note')).toBeHidden();
  const count = receiver.requests.length;
  await page.getByRole('button', { name: 'Send Test Event' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('dialog').getByLabel('Test event outcome')).toContainText('success');
  const after = (await receiver.waitFor((r) => r.length > count)).at(-1)!;
  expect((after.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
  expect(verifyWithTutorialPython(after.body, after.headers['x-kazinex-signature'] as string, typed)).toBe(true);
});
