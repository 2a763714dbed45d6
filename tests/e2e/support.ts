import { expect, type Page, type Request } from '@playwright/test';

export async function signIn(page: Page, user: { email: string; password: string }, baseUrl = '') {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings\/webhooks$/);
}

export async function openWebhooks(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
}

export type WebhookInput = { name: string; url: string; secret: string; active?: boolean };

export async function fillWebhookDialog(page: Page, input: WebhookInput) {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(input.name);
  await dialog.getByLabel('Endpoint URL').fill(input.url);
  await dialog.getByLabel('Secret').fill(input.secret);
  const active = dialog.getByLabel('Active');
  if (input.active === false) await active.uncheck();
  else await active.check();
}

/** Creates a webhook through the New Webhook dialog and waits for its page. Returns its id. */
export async function createWebhook(page: Page, input: WebhookInput): Promise<string> {
  await page.getByRole('button', { name: 'New Webhook' }).click();
  await fillWebhookDialog(page, input);
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Event Subscriptions' })).toBeVisible();
  const id = /\/settings\/webhooks\/(wh_[a-z0-9]+)$/.exec(page.url())?.[1];
  if (!id) throw new Error(`Unexpected URL after Save: ${page.url()}`);
  return id;
}

export async function subscribe(page: Page, eventTypes: string[]) {
  await page.getByRole('button', { name: 'Add Subscription' }).click();
  const dialog = page.getByRole('dialog');
  for (const type of eventTypes) await dialog.getByLabel(type).check();
  await dialog.getByRole('button', { name: 'Save Subscriptions' }).click();
  await expect(dialog).toBeHidden();
}

export type CapturedAction = { url: string; headers: Record<string, string>; body: string };

/** Records the next server action request the page sends, so a test can replay it as another user. */
export function captureServerAction(page: Page): Promise<CapturedAction> {
  return new Promise((resolve) => {
    const listener = (request: Request) => {
      const headers = request.headers();
      if (request.method() !== 'POST' || !headers['next-action']) return;
      page.off('request', listener);
      resolve({ url: request.url(), headers, body: request.postData() ?? '' });
    };
    page.on('request', listener);
  });
}
