import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type APIResponse } from '@playwright/test';
import { closeDb } from '@/db/client';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { createWebhook } from '../../support/fixtures';
import { signIn } from '../support';

const database = testDb();
let org: TestOrg;
let webhookId: string;

test.beforeAll(async () => {
  org = await createTestOrg(database.db, 'Headers');
  webhookId = (await createWebhook(org.organisationId, { url: 'https://93.184.215.14/hook' })).id;
});
test.afterAll(async () => {
  await closeDb();
  await database.close();
});

function expectFixedHeaders(response: APIResponse) {
  const headers = response.headers();
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['permissions-policy']).toContain('camera=()');
  expect(headers['strict-transport-security']).toBeUndefined(); // plain http here
}

/** The policy's directives, e.g. { 'script-src': ["'self'", "'nonce-…'", …] }. */
function directives(policy: string | undefined): Record<string, string[]> {
  return Object.fromEntries((policy ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

test('every page sends a nonce-based Content-Security-Policy that refuses framing, and the fixed security headers', async ({ page }) => {
  const signInPage = await page.request.get('/sign-in');
  const nonces = new Set<string>();
  await signIn(page, org.admin);
  const paths = ['/settings', '/settings/webhooks', `/settings/webhooks/${webhookId}`, `/settings/webhooks/${webhookId}?tab=log`, '/settings/webhooks/events', '/settings/webhooks/wh_missing', '/no-such-page'];
  for (const response of [signInPage, ...(await Promise.all(paths.map((p) => page.request.get(p))))]) {
    expectFixedHeaders(response);
    const policy = directives(response.headers()['content-security-policy']);
    expect(policy['frame-ancestors'], response.url()).toEqual(["'none'"]);
    expect(policy['default-src']).toEqual(["'self'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['base-uri']).toEqual(["'self'"]);
    expect(policy['form-action']).toEqual(["'self'"]);
    const scripts = policy['script-src']!;
    expect(scripts).toContain("'strict-dynamic'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain("'unsafe-inline'");
    const nonce = scripts.find((s) => s.startsWith("'nonce-"));
    expect(nonce).toBeDefined();
    nonces.add(nonce!);
    // Next stamped the nonce on its own scripts.
    expect(await response.text()).toContain(`nonce="${nonce!.slice(7, -1)}"`);
  }
  expect(nonces.size).toBe(paths.length + 1); // a fresh nonce for every response
});

test('the API and static files carry the fixed security headers too', async ({ request, page }) => {
  expectFixedHeaders(await request.post('/api/v1/events', { data: '{}' }));
  await page.goto('/sign-in');
  const script = await page.locator('script[src^="/_next/static/"]').first().getAttribute('src');
  expectFixedHeaders(await request.get(script!));
});

test('HSTS is sent when the request came over https through a proxy', async ({ request }) => {
  const response = await request.get('/sign-in', { headers: { 'x-forwarded-proto': 'https' } });
  expect(response.headers()['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  expect(directives(response.headers()['content-security-policy'])['upgrade-insecure-requests']).toEqual([]);
});

test('a page framed from another origin is refused, while that origin can frame its own page', async ({ page, baseURL }) => {
  const other: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    if (req.url === '/own') return res.end('<p>framed content of the other origin</p>');
    res.end(`<iframe id="own" src="/own"></iframe><iframe id="app" src="${baseURL}/sign-in"></iframe>`);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const messages: string[] = [];
  page.on('console', (m) => messages.push(m.text()));
  try {
    // "load" waits for both frames, the refused one included, so the checks below see their final state.
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`, { waitUntil: 'load' });
    await expect(page.frameLocator('#own').getByText('framed content of the other origin')).toBeVisible();
    const app = page.frames().find((frame) => frame !== page.mainFrame() && !frame.url().endsWith('/own'));
    expect(app, 'the app frame').toBeDefined();
    await expect(page.frameLocator('#app').getByLabel('Email')).toHaveCount(0);
    expect(app!.url()).toBe('chrome-error://chromewebdata/'); // Chromium's page for a refused frame
    expect(messages.some((m) => m.includes(`"frame-ancestors 'none'"`) && m.includes('blocked'))).toBe(true);
  } finally {
    other.close();
  }
});
