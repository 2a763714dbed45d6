import { expect, test } from '@playwright/test';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { startReceiver, type Receiver } from '../../support/receiver';
import { adminDialogs, adminPages, createApiKey, openPage, seriousViolations, webhookWithAttempts } from '../admin-ui';
import { signIn } from '../support';

// axe-core on every page of the admin UI and on every dialog while it is open: no serious or
// critical violation (WCAG 2.1 A/AA and axe's best practices).
const database = testDb();
let org: TestOrg;
let receiver: Receiver;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Accessibility');
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
  await database.close();
});

test('the sign-in page has no serious or critical axe violation', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('every admin page and every open dialog has no serious or critical axe violation', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, org.admin);
  const hook = await webhookWithAttempts(page, receiver, 'UI Accessibility hook');
  await createApiKey(page, 'axe key');

  const found: Record<string, string[]> = {};
  for (const target of adminPages(hook)) {
    await openPage(page, target);
    const violations = await seriousViolations(page);
    if (violations.length > 0) found[target.name] = violations;
  }
  for (const dialog of adminDialogs(hook.webhookId)) {
    await page.goto(dialog.path);
    await page.getByRole('button', { name: dialog.opener }).first().click();
    const open = page.getByRole('dialog');
    await expect(open.getByRole('heading', { name: dialog.title })).toBeVisible();
    const violations = await seriousViolations(page);
    if (violations.length > 0) found[`dialog ${String(dialog.title)}`] = violations;
    await page.keyboard.press('Escape');
    await expect(open).toBeHidden();
  }
  expect(found).toEqual({});
});
