import { expect, test, type Browser } from '@playwright/test';
import { and, count, eq } from 'drizzle-orm';
import { webhooks, webhookSubscriptions } from '@/db/schema';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { captureServerAction, createWebhook, fillWebhookDialog, openWebhooks, signIn, subscribe, type CapturedAction } from '../support';

// Runs against the instance that vets endpoint URLs as production does. There is no DNS here,
// so a public IP literal stands in for a public host name.
const PUBLIC_URL = 'https://93.184.215.14/kazinex-webhook';
const SECRET = 'wh_prod_a8f3x9d2k7q4m1z6';

const database = testDb();
let orgA: TestOrg;
let orgB: TestOrg;

test.beforeAll(async () => {
  orgA = await createTestOrg(database.db, 'Alpha');
  orgB = await createTestOrg(database.db, 'Bravo');
});
test.afterAll(() => database.close());

async function webhookCount(organisationId: string) {
  const [row] = await database.db.select({ n: count() }).from(webhooks).where(eq(webhooks.organisationId, organisationId));
  return row!.n;
}

async function replayAs(browser: Browser, user: { email: string; password: string }, action: CapturedAction) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user);
  const response = await context.request.post(action.url, { headers: action.headers, data: action.body });
  const text = await response.text();
  await context.close();
  return text;
}

test('an Org Admin creates a webhook and subscribes it to events that survive a reload', async ({ page }) => {
  await signIn(page, orgA.admin);
  await openWebhooks(page);
  await expect(page.getByText('No webhooks yet')).toBeVisible();

  const id = await createWebhook(page, { name: 'ERP Integration — Workflow Events', url: PUBLIC_URL, secret: SECRET });
  await expect(page.getByRole('heading', { name: 'ERP Integration — Workflow Events' })).toBeVisible();
  await subscribe(page, ['workflow.completed', 'document.status_changed']);

  await page.reload();
  const subscriptions = page.getByRole('table', { name: 'Subscribed events' });
  await expect(subscriptions.getByRole('row')).toHaveCount(3); // header + two events
  await expect(subscriptions).toContainText('workflow.completed');
  await expect(subscriptions).toContainText('A workflow instance completes (approved or rejected)');
  await expect(subscriptions).toContainText('document.status_changed');

  const stored = await database.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.webhookId, id));
  expect(stored.map((s) => s.eventType).sort()).toEqual(['document.status_changed', 'workflow.completed']);

  // The list shows the webhook with its subscription count and its one state (an active webhook that has sent nothing yet).
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Webhooks' }).click();
  const row = page.getByRole('row', { name: /ERP Integration — Workflow Events/ });
  await expect(row).toContainText(PUBLIC_URL);
  await expect(row).toContainText('No deliveries yet');
  await expect(row.getByRole('cell').nth(2)).toHaveText('2'); // Events
});

test('the secret is stored encrypted, masked on the page and revealed on demand', async ({ page }) => {
  await signIn(page, orgA.admin);
  const secret = 'wh_reveal_' + 'k'.repeat(20);
  const id = await createWebhook(page, { name: 'Secret handling', url: PUBLIC_URL, secret });

  const [row] = await database.db.select().from(webhooks).where(eq(webhooks.id, id));
  expect(row!.secretCiphertext).not.toContain(secret);
  expect(row!.secretCiphertext).toMatch(/^v1:/);

  await expect(page.getByTestId('webhook-secret')).not.toContainText(secret);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await expect(page.getByTestId('webhook-secret')).toHaveText(secret);
});

test('Generate fills a strong random secret', async ({ page }) => {
  await signIn(page, orgA.admin);
  await page.getByRole('button', { name: 'New Webhook' }).click();
  const field = page.getByRole('dialog').getByLabel('Secret');
  await page.getByRole('dialog').getByRole('button', { name: 'Generate' }).click();
  const first = await field.inputValue();
  await page.getByRole('dialog').getByRole('button', { name: 'Generate' }).click();
  expect(first).toMatch(/^wh_[0-9a-f]{64}$/);
  expect(await field.inputValue()).not.toBe(first);
});

test('bad input shows its error beside the field and saves nothing', async ({ page }) => {
  await signIn(page, orgA.admin);
  const before = await webhookCount(orgA.organisationId);
  await page.getByRole('button', { name: 'New Webhook' }).click();
  const dialog = page.getByRole('dialog');
  const save = dialog.getByRole('button', { name: 'Save' });

  const cases = [
    { input: { name: 'Bad scheme', url: 'ftp://x', secret: SECRET }, field: 'webhook-url', error: 'The URL must start with https://' },
    {
      input: { name: 'Loopback', url: 'http://127.0.0.1/hook', secret: SECRET },
      field: 'webhook-url',
      error: 'The URL must start with https://',
    },
    {
      input: { name: 'Loopback https', url: 'https://127.0.0.1/hook', secret: SECRET },
      field: 'webhook-url',
      error: 'The URL must be publicly accessible',
    },
    { input: { name: 'Metadata', url: 'https://169.254.169.254/latest', secret: SECRET }, field: 'webhook-url', error: 'publicly accessible' },
    { input: { name: '', url: PUBLIC_URL, secret: SECRET }, field: 'webhook-name', error: 'Enter a name' },
    { input: { name: 'Short secret', url: PUBLIC_URL, secret: 'short' }, field: 'webhook-secret', error: 'at least 16 characters' },
  ];
  for (const { input, field, error } of cases) {
    await fillWebhookDialog(page, input);
    await save.click();
    const message = dialog.locator(`[data-field-error="${field}"]`);
    await expect(message, `${input.url} / ${input.name}`).toContainText(error);
    await expect(dialog.locator(`#${field}`)).toHaveAttribute('aria-invalid', 'true');
  }
  await expect(dialog).toBeVisible();
  expect(await webhookCount(orgA.organisationId)).toBe(before);
});

test('a name already used in the organisation is refused beside the field, on create and on edit', async ({ page }) => {
  await signIn(page, orgA.admin);
  await createWebhook(page, { name: 'Document Control Sync', url: PUBLIC_URL, secret: SECRET });
  await page.goto('/settings/webhooks');
  const before = await webhookCount(orgA.organisationId);

  await page.getByRole('button', { name: 'New Webhook' }).click();
  const dialog = page.getByRole('dialog');
  await fillWebhookDialog(page, { name: 'Document Control Sync', url: PUBLIC_URL, secret: SECRET });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.locator('[data-field-error="webhook-name"]')).toContainText('already exists');
  expect(await webhookCount(orgA.organisationId)).toBe(before);

  await fillWebhookDialog(page, { name: 'Transmittal Register', url: PUBLIC_URL, secret: SECRET });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Event Subscriptions' })).toBeVisible();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('Document Control Sync');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog').locator('[data-field-error="webhook-name"]')).toContainText('already exists');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Transmittal Register', level: 1 })).toBeVisible();
});

test('a server action sent directly with an invalid URL gets the same refusal', async ({ page, browser }) => {
  await signIn(page, orgA.admin);
  await page.getByRole('button', { name: 'New Webhook' }).click();
  // http:// passes the browser-side check of this form only where private URLs are allowed, so the
  // request is crafted: capture a valid save, then replay it with the URL swapped.
  const captured = captureServerAction(page);
  await fillWebhookDialog(page, { name: 'Replay target', url: PUBLIC_URL, secret: SECRET });
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  const action = await captured;
  await expect(page.getByRole('heading', { name: 'Event Subscriptions' })).toBeVisible();
  const before = await webhookCount(orgA.organisationId);

  const forged = { ...action, body: action.body.replace(PUBLIC_URL, 'http://127.0.0.1:5432/').replace('Replay target', 'Forged') };
  const answer = await replayAs(browser, orgA.admin, forged);
  expect(answer).toContain('The URL must start with https://');
  expect(await webhookCount(orgA.organisationId)).toBe(before);
});

test('a Member is refused the webhook pages and the actions', async ({ page, browser }) => {
  await signIn(page, orgA.admin);
  const captured = captureServerAction(page);
  await page.getByRole('button', { name: 'New Webhook' }).click();
  await fillWebhookDialog(page, { name: 'Admin only', url: PUBLIC_URL, secret: SECRET });
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  const createAction = await captured;
  await expect(page.getByRole('heading', { name: 'Event Subscriptions' })).toBeVisible();
  const webhookId = page.url().split('/').pop()!;
  const before = await webhookCount(orgA.organisationId);

  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, orgA.member);
  await expect(memberPage.getByRole('heading', { name: 'Org Admin role needed' })).toBeVisible();
  await expect(memberPage.getByRole('button', { name: 'New Webhook' })).toHaveCount(0);
  await memberPage.goto(`/settings/webhooks/${webhookId}`);
  await expect(memberPage.getByRole('heading', { name: 'Org Admin role needed' })).toBeVisible();
  await expect(memberPage.getByText('Admin only')).toHaveCount(0);
  await memberContext.close();

  const forged = { ...createAction, body: createAction.body.replace('Admin only', 'Member made this') };
  const answer = await replayAs(browser, orgA.member, forged);
  expect(answer).toContain('The Org Admin role is needed');
  expect(await webhookCount(orgA.organisationId)).toBe(before);
});

test("an Org Admin of another organisation cannot see, change or delete the first organisation's webhook", async ({ page, browser }) => {
  await signIn(page, orgA.admin);
  const webhookId = await createWebhook(page, { name: 'Alpha private hook', url: PUBLIC_URL, secret: SECRET });

  // Capture real edit, subscription and delete requests from Alpha's admin, then replay each as Bravo's admin.
  let captured = captureServerAction(page);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('Alpha private hook (edited)');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  const editAction = await captured;
  await expect(page.getByRole('heading', { name: 'Alpha private hook (edited)' })).toBeVisible();

  captured = captureServerAction(page);
  await subscribe(page, ['transmittal.issued']);
  const subscribeAction = await captured;

  const bravo = await browser.newContext();
  const bravoPage = await bravo.newPage();
  await signIn(bravoPage, orgB.admin);
  await expect(bravoPage.getByText('Alpha private hook')).toHaveCount(0);
  await bravoPage.goto(`/settings/webhooks/${webhookId}`);
  await expect(bravoPage.getByRole('heading', { name: 'Webhook not found' })).toBeVisible();
  await bravo.close();

  const renamed = { ...editAction, body: editAction.body.replace('Alpha private hook (edited)', 'Taken over') };
  expect(await replayAs(browser, orgB.admin, renamed)).toContain('Not found');
  const widened = { ...subscribeAction, body: subscribeAction.body.replace('"transmittal.issued"', '"transmittal.issued","document.created"') };
  expect(await replayAs(browser, orgB.admin, widened)).toContain('Not found');

  // The delete request is captured from a second webhook so the first survives for the assertions.
  await page.goto('/settings/webhooks');
  const decoy = await createWebhook(page, { name: 'Alpha decoy', url: PUBLIC_URL, secret: SECRET });
  captured = captureServerAction(page);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();
  const deleteAction = await captured;
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  expect(deleteAction.body).toContain(decoy);
  const aimed = { ...deleteAction, body: deleteAction.body.replace(decoy, webhookId) };
  expect(await replayAs(browser, orgB.admin, aimed)).toContain('Not found');

  const [row] = await database.db.select().from(webhooks).where(and(eq(webhooks.id, webhookId), eq(webhooks.organisationId, orgA.organisationId)));
  expect(row?.name).toBe('Alpha private hook (edited)');
  const subs = await database.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.webhookId, webhookId));
  expect(subs.map((s) => s.eventType)).toEqual(['transmittal.issued']);
});

test('edit keeps the secret unless replaced; deactivate and delete work', async ({ page }) => {
  await signIn(page, orgA.admin);
  const id = await createWebhook(page, { name: 'Lifecycle hook', url: PUBLIC_URL, secret: SECRET });
  const [before] = await database.db.select().from(webhooks).where(eq(webhooks.id, id));

  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('dialog').getByLabel('Secret')).toHaveValue('');
  await page.getByRole('dialog').getByLabel('Endpoint URL').fill('https://93.184.215.14/other');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByText('https://93.184.215.14/other').first()).toBeVisible();
  const [after] = await database.db.select().from(webhooks).where(eq(webhooks.id, id));
  expect(after!.secretCiphertext).toBe(before!.secretCiphertext);

  await page.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByRole('button', { name: 'Activate', exact: true })).toBeVisible();
  const [inactive] = await database.db.select().from(webhooks).where(eq(webhooks.id, id));
  expect(inactive!.active).toBe(false);

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await expect(page.getByText('Lifecycle hook')).toHaveCount(0);
  expect(await database.db.select().from(webhooks).where(eq(webhooks.id, id))).toHaveLength(0);
});
