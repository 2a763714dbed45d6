import { expect, test } from '@playwright/test';
import { closeDb } from '@/db/client';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { waitForAttempts } from '../../support/deliveries';
import { createWebhook } from '../../support/fixtures';
import { HOSTILE_DATA_MARKER, hostileEventRequests, LOGGED_NOWHERE } from '../../support/hostile-events';
import { startReceiver, type Receiver } from '../../support/receiver';

// Traffic for the log check (tests/e2e/logs): the instance with the worker gets the hostile events
// too, a delivery whose event data and receiver answer carry markers fails and is retried, and a
// sign-in fails with a marked password. None of the markers may reach a log.

const database = testDb();
let org: TestOrg;
let receiver: Receiver;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Log check');
  receiver = await startReceiver({ status: 500, body: `${LOGGED_NOWHERE.receiverBody} ${HOSTILE_DATA_MARKER}` });
});
test.afterAll(async () => {
  await receiver.close();
  await closeDb();
  await database.close();
});

const auth = () => ({ authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json' });

test('the worker fails and retries a delivery whose event data and answer carry markers', async ({ request }) => {
  await createWebhook(org.organisationId, { url: `${receiver.url}/log-check`, secret: LOGGED_NOWHERE.webhookSecret, events: ['workflow.completed'] });
  const response = await request.post('/api/v1/events', {
    headers: auth(),
    data: {
      event: 'workflow.completed',
      organisation_id: org.organisationId,
      project_id: org.projectId,
      data: { workflow_id: 'wf_001', document_id: 'doc_001', document_number: 'STR-DWG-ZA-0001', status: 'completed', outcome: 'approved', note: HOSTILE_DATA_MARKER },
    },
  });
  expect(response.status()).toBe(202);
  const { ids } = (await response.json()) as { ids: string[] };
  const [delivery] = await database.sql<{ id: string }[]>`select id from deliveries where event_id = ${ids[0]!}`;
  const attempts = await waitForAttempts(delivery!.id, 2);
  expect(attempts.map((a) => a.success)).toEqual([false, false]);
});

test('the instance with the worker refuses the hostile events as well', async ({ request }) => {
  for (const hostile of hostileEventRequests(org)) {
    const response = await request.post('/api/v1/events', { headers: { ...auth(), ...hostile.headers }, data: Buffer.from(hostile.body) });
    expect(response.status(), hostile.name).toBe(hostile.status);
  }
});

test('a failed sign-in with a marked password', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(org.admin.email);
  await page.getByLabel('Password').fill(LOGGED_NOWHERE.wrongPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-error')).toHaveText('The email or password is not correct.');
});
