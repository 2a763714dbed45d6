import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '@/db/schema';
import { freePort, scratchDatabase, type ScratchDatabase } from '../../../scripts/lib/scratch-database';
import { startAppInstance, type AppInstance } from '../../support/app-instance';
import { signIn } from '../support';

// KAZINEX_DEMO=true on a database of the operator's: the demo is seeded and its sign-in details
// printed, but a service token the operator configured is still not printed.
const token = randomBytes(32).toString('base64url');
let database: ScratchDatabase;
let app: AppInstance;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await scratchDatabase('kazinex_demo');
  app = await startAppInstance(
    {
      DATABASE_URL: database.url,
      KAZINEX_DEMO: 'true',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      KAZINEX_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      KAZINEX_SERVICE_TOKEN: token,
    },
    await freePort(),
  );
});

test.afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

test('KAZINEX_DEMO=true seeds the demo and prints its sign-in details, but not a configured token', async ({ page }) => {
  expect(app.output()).toContain('Org Admin:         admin@example.com / kazinex-admin');
  expect(app.output()).toContain('Member:            member@example.com / kazinex-member');
  expect(app.output()).not.toContain(token);

  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const users = await drizzle(sql, { schema }).select().from(schema.users).where(eq(schema.users.organisationId, 'org_demo'));
  await sql.end();
  expect(users.map((u) => `${u.email} ${u.role}`).sort()).toEqual(['admin@example.com org_admin', 'member@example.com member']);

  await signIn(page, { email: 'admin@example.com', password: 'kazinex-admin' }, app.url);
  await expect(page.getByText('admin@example.com · Org Admin')).toBeVisible();
});
