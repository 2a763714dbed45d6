import { expect, test, type Page } from '@playwright/test';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { startReceiver, type Receiver } from '../../support/receiver';
import { adminDialogs, adminPages, createApiKey, openPage, webhookWithAttempts } from '../admin-ui';
import { signIn } from '../support';

// A phone: 390 × 844. No page scrolls sideways, every action button can be reached and clicked,
// and every dialog fits the screen (scrolling inside when it is taller).
// Not emulated as a mobile browser: that widens the layout viewport to fit the content, which would
// hide the very overflow this spec looks for.
test.use({ viewport: { width: 390, height: 844 } });

const database = testDb();
let org: TestOrg;
let receiver: Receiver;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Phone');
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
  await database.close();
});

const horizontalOverflow = (page: Page) => page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth) - 390);

/** The element can be scrolled to, is visible and would receive a click (Playwright's actionability checks, without clicking). */
async function expectClickable(page: Page, name: string | RegExp) {
  const button = page.getByRole('button', { name }).first();
  await button.scrollIntoViewIfNeeded();
  await expect(button).toBeVisible();
  await button.click({ trial: true });
}

test('the sign-in page fits a phone', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
});

test('no page scrolls sideways at 390 px and every action is reachable', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, org.admin);
  await expectClickable(page, 'New Webhook');
  const hook = await webhookWithAttempts(page, receiver, 'UI Phone hook with a long name that has to wrap on a narrow screen');
  await createApiKey(page, 'phone key');

  const overflowing: Record<string, number> = {};
  for (const target of adminPages(hook)) {
    await openPage(page, target);
    const overflow = await horizontalOverflow(page);
    if (overflow > 0) overflowing[target.name] = overflow;
  }
  expect(overflowing).toEqual({});

  // The settings menu stays in reach above the page.
  const menu = page.getByRole('navigation', { name: 'Settings' });
  for (const link of ['Webhooks', 'API Keys', 'API Reference']) await expect(menu.getByRole('link', { name: link })).toBeVisible();

  await page.goto('/settings/webhooks');
  await expectClickable(page, 'New Webhook');
  await page.goto(`/settings/webhooks/${hook.webhookId}`);
  for (const action of ['Send Test Event', 'Edit', 'Deactivate', 'Delete', 'Reveal', 'Roll secret', 'Add Subscription', 'Copy webhook id']) await expectClickable(page, action);
  await page.getByLabel('Failed since (UTC)').fill('2026-01-01T00:00');
  await expectClickable(page, 'Retry failed since…');
  await page.goto(`/settings/webhooks/${hook.webhookId}?tab=log`);
  await page.getByRole('table', { name: 'Delivery Log' }).getByRole('button', { name: 'Retry' }).first().scrollIntoViewIfNeeded();
  await page.getByRole('table', { name: 'Delivery Log' }).getByRole('button', { name: 'Retry' }).first().click({ trial: true });
  await page.goto(hook.failedAttempt);
  for (const action of ['Retry', 'Copy as cURL', 'Copy delivery id', 'Copy payload']) await expectClickable(page, action);
  await page.goto('/settings/api-keys');
  for (const action of ['New API Key', /^Revoke /]) await expectClickable(page, action);
});

test('every dialog fits a phone screen and its buttons are reachable', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, org.admin);
  const hook = await webhookWithAttempts(page, receiver, 'UI Phone dialogs');
  await createApiKey(page, 'phone dialog key');
  const viewport = page.viewportSize()!;

  for (const dialog of adminDialogs(hook.webhookId)) {
    await page.goto(dialog.path);
    await page.getByRole('button', { name: dialog.opener }).first().click();
    const open = page.getByRole('dialog');
    await expect(open.getByRole('heading', { name: dialog.title })).toBeVisible();
    const box = (await open.boundingBox())!;
    const label = String(dialog.title);
    expect(box.x, label).toBeGreaterThanOrEqual(0);
    expect(box.y, label).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, label).toBeLessThanOrEqual(viewport.width);
    expect(box.y + box.height, label).toBeLessThanOrEqual(viewport.height);
    expect(await horizontalOverflow(page), label).toBeLessThanOrEqual(0);
    const buttons = open.getByRole('button');
    for (let i = 0; i < (await buttons.count()); i++) {
      const button = buttons.nth(i);
      if (await button.isDisabled()) continue;
      await button.scrollIntoViewIfNeeded();
      await button.click({ trial: true });
    }
    await page.keyboard.press('Escape');
    await expect(open).toBeHidden();
  }
});
