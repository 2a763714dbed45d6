import { expect, test } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { DEV_PORT, origin } from '../ports';
import { signIn } from '../support';

const database = testDb();
let org: TestOrg;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Identity');
});
test.afterAll(() => database.close());

async function tryPassword(page: import('@playwright/test').Page, baseURL: string, email: string, password: string) {
  await page.goto(`${baseURL}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page.getByTestId('sign-in-error');
}

test('after 5 wrong passwords the 6th attempt is refused with the wait, even with the right password on another web instance', async ({ page, baseURL }) => {
  const { email, password } = (await createTestOrg(database.db, 'Throttle')).admin;
  for (let i = 1; i <= 5; i++) {
    await expect(await tryPassword(page, baseURL!, email, `wrong-password-${i}`)).toHaveText('The email or password is not correct.');
  }
  // The second instance shares the count through PostgreSQL.
  await expect(await tryPassword(page, origin(DEV_PORT), email, password)).toHaveText('Too many attempts, try again in 15 minutes.');
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto(`${origin(DEV_PORT)}/settings/webhooks`);
  await expect(page).toHaveURL(/\/sign-in/);
});

test('an unknown email is answered exactly like a known one, throttled included', async ({ page, baseURL }) => {
  const email = `nobody-${Date.now()}@example.test`;
  for (let i = 1; i <= 5; i++) {
    await expect(await tryPassword(page, baseURL!, email, `wrong-password-${i}`)).toHaveText('The email or password is not correct.');
  }
  await expect(await tryPassword(page, baseURL!, email, 'wrong-password-6')).toHaveText('Too many attempts, try again in 15 minutes.');
});

test('a copied session cookie stops working once its session signs out', async ({ page, browser }) => {
  await signIn(page, org.admin);
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.name.includes('session-token'))).toBe(true);

  const copy = await browser.newContext();
  await copy.addCookies(cookies);
  const copyPage = await copy.newPage();
  await copyPage.goto('/settings/webhooks');
  await expect(copyPage.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await copyPage.goto('/settings/webhooks');
  await expect(copyPage).toHaveURL(/\/sign-in/);
  // The cookie itself is still there and unexpired: the server refused it.
  expect((await copy.cookies()).some((c) => c.name.includes('session-token'))).toBe(true);
  await copy.close();
});

test('a demoted Org Admin loses the admin pages on the next request', async ({ page, request }) => {
  const demoted = await createTestOrg(database.db, 'Demoted');
  await signIn(page, demoted.admin);
  await expect(page.getByRole('button', { name: 'New Webhook' })).toBeVisible();

  const [admin] = await database.db.select().from(users).where(eq(users.email, demoted.admin.email));
  const response = await request.put(`/api/v1/organisations/${demoted.organisationId}/users/${admin!.id}`, {
    headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}` },
    data: { email: demoted.admin.email, name: admin!.name, role: 'member', password: demoted.admin.password },
  });
  expect(response.status()).toBe(200);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Org Admin role needed' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New Webhook' })).toHaveCount(0);
  await expect(page.getByText(`${demoted.admin.email} · Member`)).toBeVisible();
});

test('a removed user is signed out on the next request', async ({ page, request }) => {
  const removed = await createTestOrg(database.db, 'Removed');
  await signIn(page, removed.member);
  const [member] = await database.db.select().from(users).where(eq(users.email, removed.member.email));
  const response = await request.delete(`/api/v1/organisations/${removed.organisationId}/users/${member!.id}`, {
    headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}` },
  });
  expect(response.status()).toBe(204);
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in/);
});

test('without single sign-on configured the sign-in page offers no SSO button', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with SSO' })).toHaveCount(0);
});
