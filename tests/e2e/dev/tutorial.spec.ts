import { expect, test } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { eventCatalogue } from '@/lib/webhooks/core/events';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { verifyWithTutorialPython } from '../../support/python-verify';
import { startReceiver, type Receiver } from '../../support/receiver';
import { watchCspViolations } from '../csp';
import { createWebhook, openWebhooks, signIn, subscribe } from '../support';

// The Org Admin tutorial, Steps 2 to 7, against a real receiver on loopback and the real worker.
const SECRET = 'wh_prod_a8f3x9d2k7q4m1z6';

const database = testDb();
let org: TestOrg;
let receiver: Receiver;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Tutorial');
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
  await database.close();
});

async function sendTestEvent(page: import('@playwright/test').Page, type: string) {
  await page.getByRole('button', { name: 'Send Test Event' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Event type').selectOption(type);
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
}

test('the tutorial end to end: test event, signature, Delivery Log, failure and Retry', async ({ page }) => {
  const cspViolations = await watchCspViolations(page);
  await signIn(page, org.admin);
  await openWebhooks(page);
  const hookUrl = `${receiver.url}/kazinex-webhook`;
  const webhookId = await createWebhook(page, { name: 'ERP Integration — Workflow Events', url: hookUrl, secret: SECRET });
  await subscribe(page, ['workflow.completed', 'document.status_changed']);

  // Step 4: Send Test Event.
  await sendTestEvent(page, 'workflow.completed');
  const outcome = page.getByRole('dialog').getByLabel('Test event outcome');
  await expect(outcome).toContainText('success');
  await expect(page.getByTestId('test-response-code')).toHaveText('200');
  const [first] = await receiver.waitFor((r) => r.length >= 1);

  // The payload: exactly the five envelope keys, the org's real id and one of its projects.
  const body = JSON.parse(first!.body.toString('utf8'));
  expect(Object.keys(body)).toEqual(['event', 'timestamp', 'organisation_id', 'project_id', 'data']);
  expect(body).toMatchObject({ event: 'workflow.completed', organisation_id: org.organisationId, project_id: org.projectId });
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(body.data).toEqual(eventCatalogue['workflow.completed'].sample);
  expect(first!.path).toBe('/kazinex-webhook');
  expect(first!.headers['content-type']).toBe('application/json');
  expect(first!.headers['x-kazinex-event']).toBe('workflow.completed');
  expect(first!.headers['user-agent']).toMatch(/^Kazinex-Webhooks\/\d+\.\d+\.\d+/);
  const deliveryId = first!.headers['x-kazinex-delivery'] as string;
  expect(deliveryId).toMatch(/^dlv_/);
  expect(first!.headers['webhook-id']).toBe(deliveryId);

  // Step 5: the tutorial's Python verify_signature accepts it; so does the standardwebhooks library.
  const signature = first!.headers['x-kazinex-signature'] as string;
  expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
  expect(verifyWithTutorialPython(first!.body, signature, SECRET)).toBe(true);
  expect(verifyWithTutorialPython(first!.body, signature, 'not-the-secret-at-all')).toBe(false);
  const wh = new Webhook(`whsec_${Buffer.from(SECRET).toString('base64')}`);
  expect(() => wh.verify(first!.body.toString('utf8'), first!.headers as Record<string, string>)).not.toThrow();

  // Step 6: the Delivery Log shows success, 200 and a duration; the entry opens with request and response.
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).first().click();
  await page.getByRole('tab', { name: 'Delivery Log' }).click();
  const log = page.getByRole('table', { name: 'Delivery Log' });
  const row = log.getByRole('row').nth(1);
  await expect(row).toContainText('workflow.completed');
  await expect(row).toContainText('success');
  await expect(row).toContainText('200');
  await expect(row).toContainText(/\d+ ms|\d+\.\d+ s/);
  await expect(row).toContainText('test');
  for (const column of ['Event', 'Timestamp', 'Status', 'Response Code', 'Duration']) {
    await expect(log.getByRole('columnheader', { name: column, exact: true })).toBeVisible();
  }
  await row.getByRole('link', { name: 'workflow.completed' }).click();
  await expect(page.getByRole('heading', { name: 'Request' })).toBeVisible();
  await expect(page.getByText(`POST ${hookUrl}`)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Request headers' })).toContainText(signature);
  await expect(page.getByTestId('request-body')).toContainText('"document_number": "STR-DWG-ZA-0001"');
  await expect(page.getByTestId('response-status')).toHaveText('200');
  await expect(page.getByTestId('response-body')).toHaveText('ok');

  // Step 7: a receiver answering 500 shows failed/500 ...
  receiver.reply({ status: 500, body: 'Internal Server Error' });
  await page.goto(`/settings/webhooks/${webhookId}`);
  await sendTestEvent(page, 'document.status_changed');
  await expect(outcome).toContainText('failed');
  await expect(page.getByTestId('test-response-code')).toHaveText('500');
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).first().click();
  await page.getByRole('tab', { name: 'Delivery Log' }).click();
  const failedRow = log.getByRole('row').filter({ hasText: 'document.status_changed' }).first();
  await expect(failedRow).toContainText('failed');
  await expect(failedRow).toContainText('500');
  const failedDelivery = receiver.requests.at(-1)!;

  // ... and Retry after it recovers shows a new successful attempt with the same payload.
  receiver.reply({ status: 200, body: 'recovered' });
  const before = receiver.requests.length;
  await failedRow.getByRole('button', { name: 'Retry' }).click();
  const retried = (await receiver.waitFor((r) => r.length > before)).at(-1)!;
  expect(retried.body.equals(failedDelivery.body)).toBe(true);
  expect(retried.headers['x-kazinex-delivery']).toBe(failedDelivery.headers['x-kazinex-delivery']);
  expect(verifyWithTutorialPython(retried.body, retried.headers['x-kazinex-signature'] as string, SECRET)).toBe(true);

  // The new attempt appears without a reload, marked manual and successful.
  const manualRow = log.getByRole('row').filter({ hasText: 'manual' }).first();
  await expect(manualRow).toContainText('document.status_changed');
  await expect(manualRow).toContainText('success');
  await expect(manualRow).toContainText('200');

  // The detail of the retried attempt lists the delivery's other attempts.
  await manualRow.getByRole('link', { name: 'document.status_changed' }).click();
  const attempts = page.getByRole('table', { name: 'Attempts of this delivery' });
  await expect(attempts.getByRole('row')).toHaveCount(3);
  await expect(attempts).toContainText('500');
  await expect(attempts).toContainText('200');

  // The webhooks list shows the last delivery's status and time.
  await page.goto('/settings/webhooks');
  await expect(page.getByRole('row', { name: /ERP Integration — Workflow Events/ })).toContainText('success');

  // Every page and dialog of the walk worked under the Content-Security-Policy.
  expect(cspViolations).toEqual([]);
});

test('the Delivery Log filters by status and event type', async ({ page }) => {
  const cspViolations = await watchCspViolations(page);
  await signIn(page, org.admin);
  receiver.reply((req) => (req.headers['x-kazinex-event'] === 'transmittal.issued' ? { status: 503 } : { status: 204 }));
  const webhookId = await createWebhook(page, { name: 'Filter check', url: `${receiver.url}/filters`, secret: SECRET });
  for (const type of ['transmittal.issued', 'document.created']) {
    await sendTestEvent(page, type);
    await expect(page.getByRole('dialog').getByLabel('Test event outcome')).toBeVisible();
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).first().click();
  }
  await page.goto(`/settings/webhooks/${webhookId}?tab=log`);
  const log = page.getByRole('table', { name: 'Delivery Log' });
  await expect(log.getByRole('row')).toHaveCount(3);
  // A filter chosen before the page has hydrated changes nothing.
  await page.waitForLoadState('networkidle');

  await page.getByLabel('Status').selectOption('failed');
  await expect(log.getByRole('row')).toHaveCount(2);
  await expect(log).toContainText('transmittal.issued');
  await expect(log).not.toContainText('document.created');

  await page.getByLabel('Status').selectOption('');
  await expect(log.getByRole('row')).toHaveCount(3);
  await page.getByLabel('Event type').selectOption('document.created');
  await expect(log.getByRole('row')).toHaveCount(2);
  await expect(log).toContainText('204');

  // Two changes in a row, the second before the first one's page has arrived: both apply.
  await page.getByLabel('Event type').selectOption('');
  await expect(log.getByRole('row')).toHaveCount(3);
  const slowPages = async (route: import('@playwright/test').Route) => {
    if (route.request().headers()['rsc']) await new Promise((resolve) => setTimeout(resolve, 1_000));
    await route.continue();
  };
  await page.route('**/settings/webhooks/**', slowPages);
  await page.getByLabel('Status').selectOption('failed');
  await page.getByLabel('Event type').selectOption('transmittal.issued');
  // Let the slowed requests finish before the route goes, or their continue() would find it gone.
  await page.unrouteAll({ behavior: 'wait' });
  await expect(page).toHaveURL(/status=failed/);
  await expect(page).toHaveURL(/event=transmittal\.issued/);
  await expect(log.getByRole('row')).toHaveCount(2);
  await expect(log).toContainText('503');
  expect(cspViolations).toEqual([]);
});
