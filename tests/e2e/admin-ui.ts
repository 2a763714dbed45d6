import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { Receiver } from '../support/receiver';
import { createWebhook, subscribe } from './support';

/** Every page of the admin UI an Org Admin reaches, for the accessibility and small-screen specs. */
export type AdminPage = { name: string; path: string; heading: string | RegExp };

/**
 * A webhook with one successful and one failed test delivery (the receiver answers 500 on this
 * webhook's path), so its Delivery Log has a Retry button and both attempt pages exist.
 */
export async function webhookWithAttempts(page: Page, receiver: Receiver, name: string) {
  const path = `/ui-${Date.now().toString(36)}`;
  const failing = new Set<string>();
  receiver.reply((req) => (failing.has(req.path) ? { status: 500, body: 'Internal Server Error' } : { status: 200, body: 'ok' }));
  const webhookId = await createWebhook(page, { name, url: `${receiver.url}${path}`, secret: 'wh_admin_ui_0123456789abcdef' });
  await subscribe(page, ['document.created']);
  for (const outcome of ['success', 'failed']) {
    if (outcome === 'failed') failing.add(path);
    await page.getByRole('button', { name: 'Send Test Event' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(dialog.getByLabel('Test event outcome')).toContainText(outcome);
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
    await expect(dialog).toBeHidden();
  }
  await page.goto(`/settings/webhooks/${webhookId}?tab=log`);
  const rows = page.getByRole('table', { name: 'Delivery Log' }).getByRole('row');
  await expect(rows).toHaveCount(3);
  const hrefOf = async (status: string) => (await rows.filter({ hasText: status }).first().getByRole('link').first().getAttribute('href'))!;
  return { webhookId, successAttempt: await hrefOf('success'), failedAttempt: await hrefOf('failed') };
}

export function adminPages(hook: { webhookId: string; successAttempt: string; failedAttempt: string }): AdminPage[] {
  return [
    { name: 'webhooks list', path: '/settings/webhooks', heading: 'Webhooks' },
    { name: 'webhook, Settings tab', path: `/settings/webhooks/${hook.webhookId}`, heading: /UI / },
    { name: 'webhook, Delivery Log tab', path: `/settings/webhooks/${hook.webhookId}?tab=log`, heading: /UI / },
    { name: 'attempt detail (success)', path: hook.successAttempt, heading: 'workflow.completed' },
    { name: 'attempt detail (failed)', path: hook.failedAttempt, heading: 'workflow.completed' },
    { name: 'events catalogue', path: '/settings/webhooks/events', heading: 'Webhook Events Reference' },
    { name: 'guide', path: '/settings/webhooks/guide', heading: 'Webhooks Guide' },
    { name: 'API keys', path: '/settings/api-keys', heading: 'API Keys' },
    { name: 'API reference', path: '/settings/api-reference', heading: /API Reference/ },
    { name: 'settings (opens the webhooks list)', path: '/settings', heading: 'Webhooks' },
  ];
}

/** Opens a page and waits until it has hydrated (relative times switch from UTC text once it has). */
export async function openPage(page: Page, target: AdminPage) {
  await page.goto(target.path);
  await expect(page.getByRole('heading', { level: 1, name: target.heading }).first()).toBeVisible();
  await page.waitForLoadState('networkidle');
}

/** axe-core on the page as it is now: the serious and critical violations, one line each. */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The dialogs an Org Admin opens, each from the control named here, on the page given. */
export function adminDialogs(webhookId: string) {
  const webhookPath = `/settings/webhooks/${webhookId}`;
  return [
    { opener: 'New Webhook', path: '/settings/webhooks', title: 'New Webhook' },
    { opener: 'Send Test Event', path: webhookPath, title: 'Send Test Event' },
    { opener: 'Edit', path: webhookPath, title: 'Edit webhook' },
    { opener: 'Delete', path: webhookPath, title: 'Delete webhook?' },
    { opener: 'Roll secret', path: webhookPath, title: 'Roll secret' },
    { opener: 'Add Subscription', path: webhookPath, title: 'Add Subscription' },
    { opener: 'New API Key', path: '/settings/api-keys', title: 'New API Key' },
    { opener: /^Revoke /, path: '/settings/api-keys', title: /^Revoke/ },
  ];
}

/** An API key, so the API keys page has a Revoke button. */
export async function createApiKey(page: Page, name: string) {
  await page.goto('/settings/api-keys');
  await page.getByRole('button', { name: 'New API Key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await expect(dialog.getByTestId('new-api-key')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
}
