import { createHmac } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { and, eq } from 'drizzle-orm';
import { apiKeys, webhooks } from '@/db/schema';
import { hashApiKey } from '@/lib/api/keys';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { fillWebhookDialog, openWebhooks, signIn } from '../support';

// Runs against the instance that vets endpoint URLs as production does; a public IP literal stands in for a host name.
const PUBLIC_URL = 'https://93.184.215.14/kazinex-webhook';
const PRIVATE_URL = 'https://10.20.30.40/kazinex-webhook';

const database = testDb();
let org: TestOrg;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Keys');
});
test.afterAll(() => database.close());

test('an Org Admin creates an API key, copies it from the page, uses it, and revokes it', async ({ page, context, request }) => {
  test.slow(); // three page visits and a dialog round trip on each side of the API calls
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, org.admin);
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API Keys' }).click();
  await expect(page.getByRole('heading', { name: 'API Keys', level: 1 })).toBeVisible();
  await expect(page.getByText('No API keys yet')).toBeVisible();

  await page.getByRole('button', { name: 'New API Key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('CI pipeline');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const shown = (await dialog.getByTestId('new-api-key').textContent())!.trim();
  expect(shown).toMatch(/^kzx_[A-Za-z0-9_-]{43}$/);
  await dialog.getByRole('button', { name: 'Copy API key' }).click();
  await expect(dialog.getByRole('button', { name: 'Copy API key' })).toHaveText('Copied');
  const key = await page.evaluate(() => navigator.clipboard.readText());
  expect(key).toBe(shown);
  await dialog.getByRole('button', { name: 'Done' }).click();

  // Stored only as its hash, listed with its prefix.
  const [stored] = await database.db.select().from(apiKeys).where(eq(apiKeys.organisationId, org.organisationId));
  expect(stored!.keyHash).toBe(hashApiKey(key));
  expect(JSON.stringify(stored)).not.toContain(key);
  const row = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /CI pipeline/ });
  await expect(row).toContainText(`${key.slice(0, 12)}…`);
  await expect(row).toContainText('Never');
  await expect(row).toContainText('Active');

  // The key works: it creates a webhook in the admin's organisation.
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post('/api/v1/webhooks', { headers: auth, data: { name: 'Created with a key', url: PUBLIC_URL } });
  expect(created.status()).toBe(201);
  const webhook = await created.json();
  expect(webhook.secret).toMatch(/^wh_/);
  const [inDb] = await database.db.select().from(webhooks).where(and(eq(webhooks.organisationId, org.organisationId), eq(webhooks.id, webhook.id)));
  expect(inDb!.name).toBe('Created with a key');
  const listed = await request.get('/api/v1/webhooks', { headers: auth });
  expect((await listed.json()).webhooks.map((w: { id: string }) => w.id)).toEqual([webhook.id]);

  // A private URL gets the refusal the New Webhook dialog shows.
  const refused = await request.post('/api/v1/webhooks', { headers: auth, data: { name: 'Private', url: PRIVATE_URL } });
  expect(refused.status()).toBe(422);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
  const message = (await refused.json()).issues[0].message as string;
  expect(message).toContain('publicly accessible');
  await openWebhooks(page);
  await page.getByRole('button', { name: 'New Webhook' }).click();
  await fillWebhookDialog(page, { name: 'Private', url: PRIVATE_URL, secret: 'wh_prod_a8f3x9d2k7q4m1z6' });
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog').locator('[data-field-error="webhook-url"]')).toHaveText(message);
  await page.keyboard.press('Escape');

  // Last used is shown once the key was used; Revoke stops it at once.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API Keys' }).click();
  await expect(row).not.toContainText('Never');
  await row.getByRole('button', { name: 'Revoke CI pipeline' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
  await expect(row).toContainText('Revoked');
  const afterRevoke = await request.get('/api/v1/webhooks', { headers: auth });
  expect(afterRevoke.status()).toBe(401);
  expect((await afterRevoke.json()).detail).toBe('This API key is not valid or has been revoked.');
});

test('a Member cannot see or create API keys', async ({ page }) => {
  await signIn(page, org.member);
  await page.goto('/settings/api-keys');
  await expect(page.getByRole('heading', { name: 'Org Admin role needed' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New API Key' })).toHaveCount(0);
});

test('the API Reference lists every operation of the OpenAPI document, which is served as JSON', async ({ page, request }) => {
  const served = await request.get('/api/v1/openapi.json');
  expect(served.status()).toBe(200);
  const doc = await served.json();
  expect(doc.openapi).toBe('3.1.0');
  await signIn(page, org.admin);
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API Reference' }).click();
  await expect(page.getByRole('heading', { name: 'API Reference', level: 1 })).toBeVisible();
  const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) => Object.values(ops));
  await expect(page.locator('article')).toHaveCount(operations.length);
  for (const op of operations) await expect(page.locator(`article#${op.operationId}`)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Create a webhook request body' })).toContainText('secret');
  // No scripts from elsewhere: the page is rendered on the server.
  const external = await page.locator('script[src]').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).src).filter((src) => !src.startsWith(location.origin)));
  expect(external).toEqual([]);
});

test('the Webhooks Guide is linked from Webhooks, shows the worked example and has a copy button on every snippet', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, org.admin);
  await openWebhooks(page);
  await page.getByRole('link', { name: 'Webhooks Guide' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks Guide', level: 1 })).toBeVisible();
  // The worked example's signature is the HMAC of the body shown, with the secret shown.
  const secret = (await page.getByTestId('example-Secret').textContent())!;
  const body = (await page.getByRole('figure', { name: 'Worked example body (exact bytes)' }).locator('pre').textContent())!;
  const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  await expect(page.getByTestId('example-Expected X-Kazinex-Signature')).toHaveText(expected);
  await expect(page.getByTestId('example-Standard Webhooks secret')).toHaveText(`whsec_${Buffer.from(secret).toString('base64')}`);
  // Each snippet checks the worked example: it carries the expected signature.
  for (const language of ['Python', 'Node.js', 'Go', 'Java', 'C#', 'PHP', 'Ruby']) await expect(page.getByRole('figure', { name: language, exact: true })).toContainText(expected);
  for (const language of ['Python', 'Node.js', 'Go', 'Java', 'C#', 'PHP', 'Ruby']) await expect(page.getByRole('figure', { name: language, exact: true })).toBeVisible();
  const figures = page.getByRole('figure');
  const count = await figures.count();
  expect(count).toBeGreaterThanOrEqual(10);
  for (let i = 0; i < count; i++) await expect(figures.nth(i).getByRole('button', { name: /^Copy / })).toHaveCount(1);
  // Copy puts exactly the snippet shown on the clipboard.
  const java = page.getByRole('figure', { name: 'Java', exact: true });
  await java.getByRole('button', { name: 'Copy Java' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await java.locator('pre').textContent());
  await expect(page.getByRole('table', { name: 'Retry schedule' }).getByRole('row')).toHaveCount(2 + 7); // header, attempt 1, seven retries
  // How a slow or dead endpoint is treated, with the server's figures (this server runs with the default cap of 4).
  await page.getByRole('navigation', { name: 'Guide sections' }).getByRole('link', { name: 'Concurrency and slow endpoints' }).click();
  const slow = page.getByRole('region', { name: 'Concurrency and slow endpoints' });
  await expect(slow).toBeVisible();
  await expect(slow).toContainText('one request at a time until it first answers');
  await expect(slow).toContainText('with a pause of 15 seconds after each failed one');
  await expect(slow).toContainText('at most 4 requests at once until it answers within 2 seconds again');
});
