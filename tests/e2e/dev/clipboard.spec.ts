import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { startReceiver, type Receiver } from '../../support/receiver';
import { webhookWithAttempts } from '../admin-ui';
import { signIn } from '../support';

// Copy buttons put exactly the right text on the clipboard: ids, the payload, the request headers,
// a cURL command that re-sends the same request, and the new secret after Roll secret.
test.use({ permissions: ['clipboard-read', 'clipboard-write'], timezoneId: 'UTC' });

const database = testDb();
let org: TestOrg;
let receiver: Receiver;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Clipboard');
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver.close();
  await database.close();
});

async function copied(page: Page, button: string): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.getByRole('button', { name: button, exact: true }).click();
  await expect(page.getByRole('button', { name: button, exact: true })).toHaveText('Copied');
  return page.evaluate(() => navigator.clipboard.readText());
}

test('the attempt page copies its ids, payload, headers and a cURL command that re-sends the request', async ({ page }) => {
  await signIn(page, org.admin);
  const hook = await webhookWithAttempts(page, receiver, 'UI Clipboard hook');
  const sent = receiver.requests.filter((r) => r.path.startsWith('/ui-')).at(0)!;
  const deliveryId = sent.headers['x-kazinex-delivery'] as string;

  await page.goto(`/settings/webhooks/${hook.webhookId}`);
  expect(await copied(page, 'Copy webhook id')).toBe(hook.webhookId);

  await page.goto(hook.successAttempt);
  const attemptId = hook.successAttempt.split('/').at(-1)!;
  expect(await copied(page, 'Copy delivery id')).toBe(deliveryId);
  expect(await copied(page, 'Copy attempt id')).toBe(attemptId);
  const [delivery] = await database.sql<{ event_id: string }[]>`select event_id from deliveries where id = ${deliveryId}`;
  expect(await copied(page, 'Copy event id')).toBe(delivery!.event_id);
  expect(await copied(page, 'Copy payload')).toBe(sent.body.toString('utf8'));
  const headers = await copied(page, 'Copy request headers');
  expect(headers).toMatch(new RegExp(`^x-kazinex-signature: ${sent.headers['x-kazinex-signature']}$`, 'im'));
  expect(headers).toMatch(new RegExp(`^webhook-id: ${deliveryId}$`, 'im'));

  // The copied command, run by a real shell and curl, delivers the same bytes and signature again.
  const command = await copied(page, 'Copy as cURL');
  expect(command.startsWith('curl')).toBe(true);
  const before = receiver.requests.length;
  // Asynchronously: the receiver answering curl runs in this process.
  await promisify(execFile)('/bin/sh', ['-c', `${command} --silent --show-error --max-time 20 --output /dev/null`]);
  const [again] = (await receiver.waitFor((r) => r.length > before)).slice(before);
  expect(again!.path).toBe(sent.path);
  expect(again!.body.equals(sent.body)).toBe(true);
  for (const name of ['x-kazinex-signature', 'webhook-signature', 'webhook-id', 'webhook-timestamp', 'x-kazinex-event', 'content-type']) {
    expect(again!.headers[name], name).toBe(sent.headers[name]);
  }
});

test('after Roll secret the page shows the new secret at once, labelled Current, and the dialog copies it', async ({ page }) => {
  await signIn(page, org.admin);
  const hook = await webhookWithAttempts(page, receiver, 'UI Rolling hook');
  await page.goto(`/settings/webhooks/${hook.webhookId}`);
  await expect(page.getByTestId('previous-secret-note')).toBeHidden();
  await page.getByRole('button', { name: 'Roll secret' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Roll secret now' }).click();
  const newSecret = (await dialog.getByTestId('new-secret').textContent())!.trim();
  expect(newSecret).toMatch(/^wh_[0-9a-f]{64}$/);
  expect(await copied(page, 'Copy new secret')).toBe(newSecret);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();

  // No reload: the secret row shows the new secret and when the previous one stops being accepted.
  await expect(page.getByTestId('webhook-secret')).toHaveText(newSecret);
  await expect(page.getByText('Current', { exact: true })).toBeVisible();
  const note = page.getByTestId('previous-secret-note');
  await expect(note).toContainText('Previous (valid until');
  const until = await note.locator('time').getAttribute('datetime');
  // Relative on the page; the exact UTC and local time on hover and focus.
  await expect(note.locator('time')).toHaveText(/^in \d+ (h|d)$/);
  await expect(note.locator('time')).toHaveAttribute('title', /UTC · Local: /);
  await note.locator('time').focus();
  await expect(page.getByRole('tooltip')).toContainText('UTC');
  const [row] = await database.sql<{ expires: Date | string }[]>`select previous_secret_expires_at as expires from webhooks where id = ${hook.webhookId}`;
  expect(until).toBe(new Date(row!.expires).toISOString());
  expect(await copied(page, 'Copy secret')).toBe(newSecret);

  // What the page shows is what Reveal fetches from the server after a reload.
  await page.reload();
  await page.getByRole('button', { name: 'Reveal' }).click();
  await expect(page.getByTestId('webhook-secret')).toHaveText(newSecret);
});
