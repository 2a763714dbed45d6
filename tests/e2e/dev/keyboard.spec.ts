import { expect, test } from '@playwright/test';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { startReceiver, type Receiver } from '../../support/receiver';
import { adminDialogs, createApiKey, webhookWithAttempts } from '../admin-ui';
import { signIn } from '../support';

// Keyboard use: focus goes back to the control that opened a dialog, a refused save focuses the
// first invalid field, and the webhook page's tabs follow the ARIA tabs pattern.
const database = testDb();
let org: TestOrg;
let receiver: Receiver;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Keyboard');
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
  await database.close();
});

test('closing each dialog, by Escape or by its Close button, returns focus to the control that opened it', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, org.admin);
  const hook = await webhookWithAttempts(page, receiver, 'UI Keyboard hook');
  await createApiKey(page, 'focus key');

  for (const dialog of adminDialogs(hook.webhookId)) {
    await page.goto(dialog.path);
    // Keys pressed before the page has hydrated open nothing.
    await page.waitForLoadState('networkidle');
    // Found even while an open dialog hides the page from assistive technology.
    const opener = page.getByRole('button', { name: dialog.opener, includeHidden: true }).first();
    for (const close of ['Escape', 'Close'] as const) {
      await opener.focus();
      await page.keyboard.press('Enter');
      const open = page.getByRole('dialog');
      await expect(open.getByRole('heading', { name: dialog.title })).toBeVisible();
      await expect(opener).not.toBeFocused();
      if (close === 'Escape') await page.keyboard.press('Escape');
      else await open.getByRole('button', { name: 'Close', exact: true }).first().click();
      await expect(open).toBeHidden();
      await expect(opener, `${String(dialog.title)} closed by ${close}`).toBeFocused();
    }
  }
});

test('a refused save focuses the first invalid field', async ({ page }) => {
  await signIn(page, org.admin);
  await page.getByRole('button', { name: 'New Webhook' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await expect(dialog.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');

  await dialog.getByLabel('Name').fill('Focus check');
  await dialog.getByLabel('Endpoint URL').fill('not a url');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByLabel('Endpoint URL')).toBeFocused();

  // A refusal from the server (a name already taken) focuses its field too.
  await page.keyboard.press('Escape');
  await page.goto('/settings/api-keys');
  await page.getByRole('button', { name: 'New API Key' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByRole('dialog').getByLabel('Name')).toBeFocused();
});

test('the webhook page tabs are ARIA tabs: one tab stop, arrow keys, Home and End, panels', async ({ page }) => {
  await signIn(page, org.admin);
  const hook = await webhookWithAttempts(page, receiver, 'UI Tabs hook');
  await page.goto(`/settings/webhooks/${hook.webhookId}`);
  const tablist = page.getByRole('tablist', { name: 'Webhook' });
  const settings = tablist.getByRole('tab', { name: 'Settings' });
  const log = tablist.getByRole('tab', { name: 'Delivery Log' });
  await expect(settings).toHaveAttribute('aria-selected', 'true');
  await expect(log).toHaveAttribute('aria-selected', 'false');
  await expect(settings).toHaveAttribute('tabindex', '0');
  await expect(log).toHaveAttribute('tabindex', '-1');
  for (const tab of [settings, log]) {
    const panelId = (await tab.getAttribute('aria-controls'))!;
    await expect(page.locator(`[id="${panelId}"]`)).toHaveAttribute('role', 'tabpanel');
  }
  const panel = page.getByRole('tabpanel', { name: 'Settings' });
  await expect(panel.getByRole('heading', { name: 'Event Subscriptions' })).toBeVisible();

  await settings.focus();
  await page.keyboard.press('ArrowRight');
  await expect(log).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(settings).toBeFocused();
  await page.keyboard.press('End');
  await expect(log).toBeFocused();
  await page.keyboard.press('Home');
  await expect(settings).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(log).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/tab=log/);
  await expect(log).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Delivery Log' }).getByRole('table', { name: 'Delivery Log' })).toBeVisible();
  await expect(log).toHaveAttribute('tabindex', '0');

  await log.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press(' ');
  await expect(page).toHaveURL(new RegExp(`/settings/webhooks/${hook.webhookId}$`));
  await expect(settings).toHaveAttribute('aria-selected', 'true');
});
