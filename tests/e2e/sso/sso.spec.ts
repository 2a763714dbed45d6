import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { sessions, users } from '@/db/schema';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { OIDC_PORT, origin } from '../ports';

// Runs against the instance configured with AUTH_OIDC_*, pointing at the real OpenID Connect
// provider (tests/support/oidc-provider.ts) that Playwright starts on loopback.
const database = testDb();
let org: TestOrg;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Sso');
});
test.afterAll(() => database.close());

/** Starts single sign-on and signs in at the identity provider's own login form as `login`. */
async function signInWithSso(page: Page, login: string) {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await expect(page).toHaveURL(new RegExp(`^${origin(OIDC_PORT)}/interaction/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The provider asks once to authorise the application.
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function sessionsOf(email: string) {
  const [user] = await database.db.select().from(users).where(eq(users.email, email));
  return user ? database.db.select().from(sessions).where(eq(sessions.userId, user.id)) : [];
}

test('a provisioned user signs in through SSO with their provisioned role and organisation', async ({ page }) => {
  await signInWithSso(page, org.admin.email);
  await expect(page).toHaveURL(/\/settings\/webhooks$/);
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await expect(page.getByText(`${org.admin.email} · Org Admin`)).toBeVisible();
  expect(await sessionsOf(org.admin.email)).toHaveLength(1);

  // Signed in as the organisation's Org Admin: the webhook list is this organisation's.
  await expect(page.getByText('No webhooks yet')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await sessionsOf(org.admin.email)).toHaveLength(0);
});

test('a provisioned Member gets the Member role through SSO', async ({ page }) => {
  await signInWithSso(page, org.member.email);
  await expect(page.getByText(`${org.member.email} · Member`)).toBeVisible();
});

test('an SSO identity that was never provisioned is refused', async ({ page }) => {
  const stranger = `stranger-${randomBytes(4).toString('hex')}@example.test`;
  await signInWithSso(page, stranger);
  await expect(page).toHaveURL(/\/sign-in\?.*error=AccessDenied/);
  await expect(page.getByTestId('sso-error')).toHaveText(/has no access to Kazinex Webhooks/);
  await page.goto('/settings/webhooks');
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await database.db.select().from(users).where(eq(users.email, stranger))).toEqual([]);
});

test('an SSO identity whose email the provider has not verified is refused, even when it is provisioned', async ({ page }) => {
  await signInWithSso(page, `unverified:${org.admin.email}`);
  await expect(page).toHaveURL(/\/sign-in\?.*error=AccessDenied/);
  await page.goto('/settings/webhooks');
  await expect(page).toHaveURL(/\/sign-in/);
});
