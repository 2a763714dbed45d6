import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { createApiKey } from '@/lib/api/keys';
import * as manage from '@/lib/webhooks/manage/webhooks';
import { createOrganisation } from '../support/fixtures';
import { callApi } from '../support/management-api';

// Production settings: endpoint URLs are vetted, and a small limit per key so the test reaches it.
const saved = { ...process.env };
delete process.env.WEBHOOKS_ALLOW_PRIVATE_URLS;
process.env.API_RATE_LIMIT = '5';
process.env.API_RATE_LIMIT_WINDOW_SECONDS = '3600';

afterAll(async () => {
  await closeDb();
  for (const name of ['WEBHOOKS_ALLOW_PRIVATE_URLS', 'API_RATE_LIMIT', 'API_RATE_LIMIT_WINDOW_SECONDS']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

async function orgWithKey() {
  const org = await createOrganisation();
  return { ...org, ...(await createApiKey(org.organisationId, null, 'Limits')) };
}

describe('the per-key rate limit', () => {
  it('answers 429 with Retry-After past the limit, for that key only', async () => {
    const org = await orgWithKey();
    for (let i = 0; i < 5; i++) expect((await callApi(org.key, 'GET', '/webhooks')).status).toBe(200);
    const limited = await callApi(org.key, 'GET', '/webhooks');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(limited.body.detail).toContain('5 requests every 3600 s');

    const second = await createApiKey(org.organisationId, null, 'Another key');
    expect((await callApi(second.key, 'GET', '/webhooks')).status).toBe(200);
  });

  it('counts concurrent requests one by one in PostgreSQL: exactly the limit get through', async () => {
    const org = await orgWithKey();
    const answers = await Promise.all(Array.from({ length: 12 }, () => callApi(org.key, 'GET', '/webhooks')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, org.id));
    expect(row!.rateWindowCount).toBe(12);
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it('lets the key in again once its window has passed', async () => {
    const org = await orgWithKey();
    for (let i = 0; i < 6; i++) await callApi(org.key, 'GET', '/webhooks');
    expect((await callApi(org.key, 'GET', '/webhooks')).status).toBe(429);
    // The window opened an hour and a second ago, as if the test had waited.
    await getDb().update(apiKeys).set({ rateWindowStart: sql`now() - interval '3601 seconds'` }).where(eq(apiKeys.id, org.id));
    expect((await callApi(org.key, 'GET', '/webhooks')).status).toBe(200);
  });
});

describe('endpoint URL vetting through the API', () => {
  it('refuses a private or metadata address with the same message as the New Webhook dialog', async () => {
    const org = await orgWithKey();
    for (const url of ['https://169.254.169.254/latest/meta-data', 'https://127.0.0.1/kazinex-webhook', 'https://10.1.2.3/hook', 'http://93.184.215.14/plain-http']) {
      const input = { name: `Hook ${url}`, url, secret: 'wh_prod_a8f3x9d2k7q4m1z6', active: true };
      const ui = await manage.createWebhook(org.organisationId, input); // what the dialog's server action returns
      expect(ui.ok).toBe(false);
      const uiMessage = !ui.ok ? ui.fieldErrors?.url?.[0] : undefined;
      expect(uiMessage).toEqual(expect.any(String));
      const api = await callApi(org.key, 'POST', '/webhooks', input);
      expect(api.status).toBe(422);
      expect(api.body.issues).toEqual([{ code: 'custom', path: ['url'], message: uiMessage }]);
    }
    expect((await callApi(org.key, 'GET', '/webhooks')).body.webhooks).toEqual([]);
  });
});
