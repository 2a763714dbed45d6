import http from 'node:http';
import { expect, test, type APIRequestContext, type Browser } from '@playwright/test';
import { eq, sql } from 'drizzle-orm';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, webhooks, type DeliveryStatus } from '@/db/schema';
import { encodeCursor } from '@/lib/webhooks/read/delivery-log';
import { createTestOrg, testDb, type TestOrg } from '../../support/db';
import { createWebhook } from '../../support/fixtures';
import { hostileEventRequests } from '../../support/hostile-events';
import { unqueuedDelivery } from '../../support/unqueued';
import { callAction } from '../server-actions';
import { signIn } from '../support';

// Hostile input against the built app as production runs it (URL vetting on). Every input must be
// refused with a 4xx or the action's refusal, never a 5xx, and must leave the database as it was.

const database = testDb();
const SECRET = 'wh_hostile_secret_5b2e9c1d7a';
const OTHER_SECRET = 'wh_other_org_secret_93kd02jx';
let orgA: TestOrg;
let orgB: TestOrg;
let f: {
  webhookId: string;
  otherWebhookId: string;
  inactiveWebhookId: string;
  disabledWebhookId: string;
  succeeded: string;
  skipped: string;
  pending: string;
  failedToInactive: string;
  failedToDisabled: string;
  otherFailed: string;
};

async function deliveryIn(org: TestOrg, webhookId: string, status: DeliveryStatus) {
  const id = await unqueuedDelivery(org, webhookId);
  await getDb().update(deliveries).set({ status, attemptCount: status === 'pending' ? 0 : 1 }).where(eq(deliveries.id, id));
  return id;
}

test.beforeAll(async () => {
  orgA = await createTestOrg(database.db, 'Hostile');
  orgB = await createTestOrg(database.db, 'Bystander');
  const url = 'https://93.184.215.14/hook';
  const webhookId = (await createWebhook(orgA.organisationId, { url, secret: SECRET, events: ['workflow.completed'] })).id;
  const inactiveWebhookId = (await createWebhook(orgA.organisationId, { url, active: false })).id;
  const disabledWebhookId = (await createWebhook(orgA.organisationId, { url })).id;
  await getDb().update(webhooks).set({ disabledReason: 'Failing for 5 days', disabledAt: new Date() }).where(eq(webhooks.id, disabledWebhookId));
  const otherWebhookId = (await createWebhook(orgB.organisationId, { url, secret: OTHER_SECRET })).id;
  f = {
    webhookId,
    otherWebhookId,
    inactiveWebhookId,
    disabledWebhookId,
    succeeded: await deliveryIn(orgA, webhookId, 'succeeded'),
    skipped: await deliveryIn(orgA, webhookId, 'skipped'),
    pending: await deliveryIn(orgA, webhookId, 'pending'),
    failedToInactive: await deliveryIn(orgA, inactiveWebhookId, 'failed'),
    failedToDisabled: await deliveryIn(orgA, disabledWebhookId, 'failed'),
    otherFailed: await deliveryIn(orgB, otherWebhookId, 'failed'),
  };
});

test.afterAll(async () => {
  await closeDb();
  await database.close();
});

/** Everything of both organisations an input could create or change, as counts and row digests. */
async function snapshot() {
  const orgs = sql`${sql.param([orgA.organisationId, orgB.organisationId])}::text[]`;
  const [row] = await getDb().execute(sql`
    select
      (select count(*)::int from webhooks where organisation_id = any(${orgs})) as webhooks,
      (select count(*)::int from webhook_subscriptions s join webhooks w on w.id = s.webhook_id where w.organisation_id = any(${orgs})) as subscriptions,
      (select count(*)::int from events where organisation_id = any(${orgs})) as events,
      (select count(*)::int from deliveries where organisation_id = any(${orgs})) as deliveries,
      (select count(*)::int from delivery_attempts where organisation_id = any(${orgs})) as attempts,
      (select count(*)::int from pgboss.job j where j.data->'deliveryIds' ?| array(select id from deliveries where organisation_id = any(${orgs}))) as jobs,
      (select md5(coalesce(string_agg(w::text, ',' order by w.id), '')) from webhooks w where organisation_id = any(${orgs})) as webhook_rows,
      (select md5(coalesce(string_agg(d::text, ',' order by d.id), '')) from deliveries d where organisation_id = any(${orgs})) as delivery_rows,
      (select count(*)::int from events) as all_events,
      (select count(*)::int from idempotency_keys) as idempotency_keys`);
  return row;
}

let adminRequest: APIRequestContext | undefined;

/** The Org Admin's session, signed in through the UI once for the whole file. */
async function signedInRequest(browser: Browser, baseURL: string): Promise<APIRequestContext> {
  if (adminRequest) return adminRequest;
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, orgA.admin);
  await page.close();
  adminRequest = context.request;
  return adminRequest;
}

test.describe('the events API over HTTP', () => {
  const names = hostileEventRequests({ organisationId: 'x', projectId: 'y' }).map((c) => c.name);
  for (const name of names) {
    test(`refuses ${name}`, async ({ request }) => {
      const hostile = hostileEventRequests(orgA).find((c) => c.name === name)!;
      const before = await snapshot();
      const response = await request.post('/api/v1/events', {
        headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json', ...hostile.headers },
        data: Buffer.from(hostile.body), // a string would be JSON-encoded once more
      });
      expect(response.status(), (await response.text()).slice(0, 300)).toBe(hostile.status);
      expect(await snapshot()).toEqual(before);
    });
  }

  test('cuts off a chunked body at 10 MB instead of reading it whole', async ({ baseURL }) => {
    const before = await snapshot();
    const url = new URL('/api/v1/events', baseURL);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const { status, sentMegabytes } = await new Promise<{ status: number; sentMegabytes: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${process.env.KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentMegabytes: sent });
        req.destroy();
      });
      req.on('error', (err) => (answered ? undefined : reject(err)));
      const pump = () => {
        while (!answered && sent < 200) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(sentMegabytes).toBeLessThan(200);
    expect(await snapshot()).toEqual(before);
  });
});

type ActionCase = { action: string; label: string; input: () => unknown; rawBody?: () => string; says?: string };

const validWebhook = { name: 'Hostile probe', url: 'https://93.184.215.14/hook', secret: 'wh_hostile_probe_secret_0001', active: true };
const create = (label: string, overrides: Record<string, unknown>, says?: string): ActionCase => ({
  action: 'createWebhook',
  label,
  input: () => ({ ...validWebhook, ...overrides }),
  says,
});
/** Arguments as React's reply encoding writes them, with a `$`-reference the browser never sends for a plain string. */
const replyWith = (action: string, label: string, body: () => string): ActionCase => ({ action, label, input: () => null, rawBody: body });

const actionCases: ActionCase[] = [
  create('a name with a NUL byte', { name: 'a\u0000b' }, 'must not contain NUL characters'),
  create('a name that is a NUL byte', { name: '\u0000' }, 'must not contain NUL characters'),
  create('a name with a line break', { name: 'line\nbreak' }, 'must not contain line breaks'),
  create('a name with an ANSI escape', { name: '\u001b[2Jcleared' }, 'must not contain control characters'),
  create('a name with a lone surrogate', { name: 'x\ud800' }, 'must be valid Unicode text'),
  create('a name of 101 characters', { name: 'n'.repeat(101) }, 'at most 100 characters'),
  create('an empty name', { name: '' }, 'Enter a name'),
  create('a numeric name', { name: 123 }),
  create('a name that is an array', { name: ['a'] }),
  create('a name that is an object', { name: { toString: 'x' } }),
  create('a URL with a NUL byte', { url: 'https://exa\u0000mple.com/' }, 'must not contain NUL characters'),
  create('a URL with a header-splitting line break', { url: 'https://example.com/\r\nX-Forged: 1' }, 'must not contain line breaks'),
  create('a javascript: URL', { url: 'javascript:alert(1)' }),
  create('a file: URL', { url: 'file:///etc/passwd' }),
  create('an http URL', { url: 'http://93.184.215.14/hook' }, 'The URL must start with https://'),
  create('a URL of 2,100 characters', { url: `https://93.184.215.14/${'a'.repeat(2100)}` }, 'at most 2,048 characters'),
  create('a URL with credentials', { url: 'https://user:pw@93.184.215.14/' }, 'must not contain a user name or password'),
  create('a secret with a NUL byte', { secret: `wh_${'s'.repeat(20)}\u0000` }),
  create('a secret with a line break', { secret: `wh_${'s'.repeat(20)}\n` }),
  create('a secret of 257 characters', { secret: 's'.repeat(257) }),
  create('a short secret', { secret: 'short' }, 'at least 16 characters'),
  create('active as a string', { active: 'yes' }),
  create('active as null', { active: null }),
  { action: 'createWebhook', label: 'null instead of the form', input: () => null },
  { action: 'createWebhook', label: 'a string instead of the form', input: () => 'webhook' },
  { action: 'createWebhook', label: 'an array instead of the form', input: () => [validWebhook] },
  { action: 'createWebhook', label: 'a number instead of the form', input: () => 42 },
  { action: 'createWebhook', label: 'an empty object', input: () => ({}) },
  replyWith('createWebhook', 'a name the reply encoding turns into a Date', () => JSON.stringify([{ ...validWebhook, name: '$D275760-09-13T00:00:00.000Z' }])),
  replyWith('createWebhook', 'a name the reply encoding turns into a BigInt', () => JSON.stringify([{ ...validWebhook, name: '$n123' }])),
  replyWith('createWebhook', 'a name the reply encoding turns into undefined', () => JSON.stringify([{ ...validWebhook, name: '$undefined' }])),
  replyWith('createWebhook', 'a name the reply encoding turns into Infinity', () => JSON.stringify([{ ...validWebhook, name: '$Infinity' }])),

  { action: 'updateWebhook', label: 'an id with a NUL byte', input: () => ({ ...validWebhook, id: 'wh_\u0000' }), says: 'must not contain NUL characters' },
  { action: 'updateWebhook', label: 'an id of 65 characters', input: () => ({ ...validWebhook, id: 'w'.repeat(65) }) },
  { action: 'updateWebhook', label: "another organisation's webhook", input: () => ({ ...validWebhook, id: f.otherWebhookId, secret: '' }), says: 'Not found' },
  { action: 'updateWebhook', label: 'a name with a NUL byte', input: () => ({ ...validWebhook, id: f.webhookId, name: 'x\u0000' }), says: 'must not contain NUL characters' },
  { action: 'updateWebhook', label: 'a private URL', input: () => ({ ...validWebhook, id: f.webhookId, url: 'https://10.0.0.1/hook', secret: '' }), says: 'is not a public address' },

  { action: 'setWebhookActive', label: 'an id with a NUL byte', input: () => ({ id: '\u0000', active: false }), says: 'must not contain NUL characters' },
  { action: 'setWebhookActive', label: 'active as the string "false"', input: () => ({ id: f.webhookId, active: 'false' }) },
  { action: 'setWebhookActive', label: "another organisation's webhook", input: () => ({ id: f.otherWebhookId, active: false }), says: 'Not found' },

  { action: 'deleteWebhook', label: 'an id with a NUL byte', input: () => ({ id: 'wh_\u0000' }), says: 'must not contain NUL characters' },
  { action: 'deleteWebhook', label: 'a path-like id', input: () => ({ id: '../../etc/passwd' }), says: 'Not found' },
  { action: 'deleteWebhook', label: 'an SQL-like id', input: () => ({ id: "' or '1'='1" }), says: 'Not found' },
  { action: 'deleteWebhook', label: "another organisation's webhook", input: () => ({ id: f.otherWebhookId }), says: 'Not found' },
  { action: 'deleteWebhook', label: 'an id that is an array', input: () => ({ id: [f.webhookId] }) },

  { action: 'revealSecret', label: 'an id with a NUL byte', input: () => ({ id: '\u0000' }), says: 'must not contain NUL characters' },
  { action: 'revealSecret', label: "another organisation's webhook", input: () => ({ id: f.otherWebhookId }), says: 'Not found' },

  { action: 'saveSubscriptions', label: 'an event type with a NUL byte', input: () => ({ id: f.webhookId, eventTypes: ['workflow.completed\u0000'] }) },
  { action: 'saveSubscriptions', label: 'an unknown event type', input: () => ({ id: f.webhookId, eventTypes: ['workflow.deleted'] }) },
  { action: 'saveSubscriptions', label: 'event types as a string', input: () => ({ id: f.webhookId, eventTypes: 'workflow.completed' }) },
  { action: 'saveSubscriptions', label: 'eight event types', input: () => ({ id: f.webhookId, eventTypes: new Array(8).fill('workflow.completed') }) },
  { action: 'saveSubscriptions', label: 'an id with a NUL byte', input: () => ({ id: 'wh_\u0000', eventTypes: [] }), says: 'must not contain NUL characters' },
  { action: 'saveSubscriptions', label: "another organisation's webhook", input: () => ({ id: f.otherWebhookId, eventTypes: [] }), says: 'Not found' },

  { action: 'removeSubscription', label: 'an unknown event type', input: () => ({ id: f.webhookId, eventType: 'x' }) },
  { action: 'removeSubscription', label: 'an id with a NUL byte', input: () => ({ id: '\u0000', eventType: 'workflow.completed' }), says: 'must not contain NUL characters' },

  { action: 'sendTestEventAction', label: 'an id with a NUL byte', input: () => ({ id: '\u0000', eventType: 'workflow.completed' }), says: 'must not contain NUL characters' },
  { action: 'sendTestEventAction', label: 'an unknown event type', input: () => ({ id: f.webhookId, eventType: 'nope' }) },
  { action: 'sendTestEventAction', label: "another organisation's webhook", input: () => ({ id: f.otherWebhookId, eventType: 'workflow.completed' }) },

  { action: 'retryDeliveryAction', label: 'a delivery id with a NUL byte', input: () => ({ deliveryId: 'dlv_\u0000' }), says: 'must not contain NUL characters' },
  { action: 'retryDeliveryAction', label: 'a delivery id of 70 characters', input: () => ({ deliveryId: `dlv_${'x'.repeat(66)}` }) },
  { action: 'retryDeliveryAction', label: 'a succeeded delivery', input: () => ({ deliveryId: f.succeeded }), says: 'This delivery succeeded' },
  { action: 'retryDeliveryAction', label: 'a skipped delivery', input: () => ({ deliveryId: f.skipped }), says: 'was skipped while the webhook was disabled' },
  { action: 'retryDeliveryAction', label: 'a pending delivery', input: () => ({ deliveryId: f.pending }), says: 'already waiting to be sent' },
  { action: 'retryDeliveryAction', label: 'a failed delivery to an inactive webhook', input: () => ({ deliveryId: f.failedToInactive }), says: 'The webhook is inactive' },
  { action: 'retryDeliveryAction', label: 'a failed delivery to a disabled webhook', input: () => ({ deliveryId: f.failedToDisabled }), says: 'The webhook is disabled' },
  { action: 'retryDeliveryAction', label: "another organisation's failed delivery", input: () => ({ deliveryId: f.otherFailed }), says: 'Not found' },
  replyWith('retryDeliveryAction', 'a Date from the reply encoding instead of the input', () => JSON.stringify(['$D275760-09-13T00:00:00.000Z'])),


  { action: 'retryFailedSinceAction', label: '"failed since" year 0', input: () => ({ id: f.webhookId, since: '0000-01-01T00:00:00Z' }), says: 'Choose a date and time' },
  { action: 'retryFailedSinceAction', label: '"failed since" past year 9999 by its offset', input: () => ({ id: f.webhookId, since: '9999-12-31T23:59:59-23:59' }), says: 'Choose a date and time' },
  { action: 'retryFailedSinceAction', label: '"failed since" year 275760', input: () => ({ id: f.webhookId, since: '+275760-09-13T00:00:00Z' }) },
  { action: 'retryFailedSinceAction', label: '"failed since" as a word', input: () => ({ id: f.webhookId, since: 'yesterday' }), says: 'Choose a date and time' },
  { action: 'retryFailedSinceAction', label: 'an empty "failed since"', input: () => ({ id: f.webhookId, since: '' }), says: 'Choose a date and time' },
  { action: 'retryFailedSinceAction', label: '"failed since" in the future', input: () => ({ id: f.webhookId, since: '2999-01-01T00:00:00Z' }), says: 'Choose a time in the past' },
  { action: 'retryFailedSinceAction', label: 'an id with a NUL byte', input: () => ({ id: '\u0000', since: '2024-01-01T00:00:00Z' }), says: 'must not contain NUL characters' },
  { action: 'retryFailedSinceAction', label: 'an inactive webhook', input: () => ({ id: f.inactiveWebhookId, since: '2000-01-01T00:00:00Z' }), says: 'The webhook is inactive' },
  { action: 'retryFailedSinceAction', label: 'a disabled webhook', input: () => ({ id: f.disabledWebhookId, since: '2000-01-01T00:00:00Z' }), says: 'The webhook is disabled' },
  replyWith('retryFailedSinceAction', 'a Date object from the reply encoding', () => JSON.stringify([{ id: f.webhookId, since: '$D0000-01-01T00:00:00.000Z' }])),

  { action: 'reEnableWebhookAction', label: 'an id with a NUL byte', input: () => ({ id: '\u0000' }), says: 'must not contain NUL characters' },
  { action: 'reEnableWebhookAction', label: "another organisation's webhook", input: () => ({ id: f.otherWebhookId }), says: 'Not found' },
  { action: 'replaySkippedAction', label: 'an id with a NUL byte', input: () => ({ id: 'wh\u0000' }), says: 'must not contain NUL characters' },
  { action: 'replaySkippedAction', label: 'an id of 65 characters', input: () => ({ id: 'w'.repeat(65) }) },
  { action: 'rollSecretAction', label: 'an id with a NUL byte', input: () => ({ id: '\u0000' }), says: 'must not contain NUL characters' },
  { action: 'rollSecretAction', label: "another organisation's webhook", input: () => ({ id: f.otherWebhookId }), says: 'Not found' },
  { action: 'rollSecretAction', label: 'an id that is an object', input: () => ({ id: {} }) },
];

/** URL vetting through the real Save: each URL reaches a private, loopback or reserved address. */
const privateUrls = [
  'https://localhost/hook',
  'https://127.0.0.1/hook',
  'https://127.1/hook',
  'https://0x7f000001/hook',
  'https://2130706433/hook',
  'https://0/hook',
  'https://10.0.0.1/hook',
  'https://172.16.0.1/hook',
  'https://192.168.1.1/hook',
  'https://169.254.169.254/latest/meta-data/',
  'https://100.64.0.1/hook',
  'https://[::1]/hook',
  'https://[::]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:a9fe:a9fe]/hook',
  'https://[::127.0.0.1]/hook',
  'https://[::ffff:0:10.0.0.1]/hook',
  'https://[64:ff9b::10.0.0.1]/hook',
  'https://[64:ff9b::7f00:1]/hook',
  'https://[64:ff9b:1::a00:1]/hook',
  'https://[2002:a00:1::1]/hook',
  'https://[2002:7f00:1::]/hook',
  'https://[2002:a9fe:a9fe::1]/hook',
  'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook',
  'https://[2001::a00:1]/hook',
  'https://[2606:4700::5efe:10.0.0.1]/hook',
  'https://[fe80::1]/hook',
  'https://[fd00::1]/hook',
  'https://[fc00::1]/hook',
  'https://[ff02::1]/hook',
  'https://[2001:db8::1]/hook',
  'https://[100::1]/hook',
];

test.describe('server actions through the action protocol', () => {
  for (const c of actionCases) {
    test(`${c.action} refuses ${c.label}`, async ({ browser, baseURL }) => {
      const request = await signedInRequest(browser, baseURL!);
      const before = await snapshot();
      const answer = await callAction(request, baseURL!, c.action, c.input(), c.rawBody?.());
      expect(answer.status, answer.raw.slice(0, 300)).toBeLessThan(500);
      expect(answer.result, answer.raw.slice(0, 300)).toMatchObject({ ok: false });
      if (c.says) expect(JSON.stringify(answer.result)).toContain(c.says);
      expect(answer.raw).not.toContain(OTHER_SECRET);
      expect(await snapshot()).toEqual(before);
    });
  }

  for (const url of privateUrls) {
    test(`createWebhook refuses ${url} as not a public address`, async ({ browser, baseURL }) => {
      const request = await signedInRequest(browser, baseURL!);
      const before = await snapshot();
      const answer = await callAction(request, baseURL!, 'createWebhook', { ...validWebhook, url });
      expect(answer.status).toBeLessThan(500);
      expect(answer.result).toMatchObject({ ok: false, fieldErrors: { url: [expect.stringMatching(/is not a public address$/)] } });
      // The refusal names no resolved address: "localhost" must not come back as 127.0.0.1.
      if (url.includes('localhost')) expect(answer.raw).not.toContain('127.0.0.1');
      expect(await snapshot()).toEqual(before);
    });
  }
});

// The admin UI's live reads are GET routes (Send Test Event's outcome, the Delivery Log's refresh).
test.describe('live reads through GET routes', () => {
  const reads: [string, () => string, 400 | 404][] = [
    ['a delivery id with a NUL byte', () => '/api/admin/deliveries/dlv_%00/outcome', 404],
    ['a delivery id of 70 characters', () => `/api/admin/deliveries/dlv_${'x'.repeat(66)}/outcome`, 404],
    ['a webhook id with a NUL byte', () => '/api/admin/webhooks/%00/delivery-log', 404],
    ['an unknown status filter', () => `/api/admin/webhooks/${f.webhookId}/delivery-log?status=pending`, 400],
    ['an event filter with a NUL byte', () => `/api/admin/webhooks/${f.webhookId}/delivery-log?event=%00`, 400],
    ['a status filter with a newline', () => `/api/admin/webhooks/${f.webhookId}/delivery-log?status=failed%0A`, 400],
    ["another organisation's webhook", () => `/api/admin/webhooks/${f.otherWebhookId}/delivery-log`, 404],
  ];
  for (const [label, path, status] of reads) {
    test(`refuses ${label} with ${status}`, async ({ browser, baseURL }) => {
      const request = await signedInRequest(browser, baseURL!);
      const before = await snapshot();
      const response = await request.get(path());
      expect(response.status()).toBe(status);
      expect(await response.text()).not.toContain(OTHER_SECRET);
      expect(await snapshot()).toEqual(before);
    });
  }
});

test.describe('page parameters', () => {
  const cursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
  const pages: [string, () => string, 200 | 400 | 404][] = [
    ['a webhook id with a NUL byte', () => '/settings/webhooks/%00', 404],
    ['a webhook id with a NUL byte, log tab', () => '/settings/webhooks/wh_%00?tab=log', 404],
    ['a webhook id with a line feed', () => '/settings/webhooks/wh_%0Ax', 404],
    ['a webhook id with an escape character', () => '/settings/webhooks/%1B%5B2J', 404],
    ['a webhook id of 65 characters', () => `/settings/webhooks/${'w'.repeat(65)}`, 404],
    ['a webhook id with a right-to-left override', () => '/settings/webhooks/%E2%80%AEwh', 404],
    ['a webhook id with a lone surrogate', () => '/settings/webhooks/%ED%A0%80', 400],
    ['a webhook id that is not UTF-8', () => '/settings/webhooks/%FF%FE', 400],
    ['an attempt id with a truncated UTF-8 sequence', () => `/settings/webhooks/${f.webhookId}/deliveries/%E2%82`, 400],
    ['an SQL-like webhook id', () => "/settings/webhooks/'%20or%20'1'%3D'1", 404],
    ["another organisation's webhook", () => `/settings/webhooks/${f.otherWebhookId}`, 404],
    ['an attempt id with a NUL byte', () => `/settings/webhooks/${f.webhookId}/deliveries/att_%00`, 404],
    ['an attempt id of 65 characters', () => `/settings/webhooks/${f.webhookId}/deliveries/${'a'.repeat(65)}`, 404],
    ['a webhook id with a NUL byte above an attempt', () => '/settings/webhooks/%00/deliveries/att_x', 404],
    ['a cursor from year 275760', () => `/settings/webhooks/${f.webhookId}?tab=log&before=${cursor('+275760-09-13T00:00:00.000Z', 'att_x')}`, 200],
    ['a cursor from year 0', () => `/settings/webhooks/${f.webhookId}?tab=log&before=${cursor('0000-01-01T00:00:00.000Z', 'att_x')}`, 200],
    ['a cursor with a NUL id', () => `/settings/webhooks/${f.webhookId}?tab=log&before=${cursor('2024-01-01T00:00:00.000Z', 'att_\u0000')}`, 200],
    ['a cursor with an object id', () => `/settings/webhooks/${f.webhookId}?tab=log&before=${Buffer.from('["2024-01-01T00:00:00Z",{"a":1}]').toString('base64url')}`, 200],
    ['a cursor with a nested array', () => `/settings/webhooks/${f.webhookId}?tab=log&before=${Buffer.from('[[[[[[[[[[1]]]]]]]]]]').toString('base64url')}`, 200],
    ['a cursor that is not base64', () => `/settings/webhooks/${f.webhookId}?tab=log&before=%00%FF%FE`, 200],
    ['a cursor of 10,000 characters', () => `/settings/webhooks/${f.webhookId}?tab=log&before=${'A'.repeat(10_000)}`, 200],
    ['a cursor made for the right place but another organisation', () => `/settings/webhooks/${f.webhookId}?tab=log&before=${encodeCursor(new Date(), f.otherFailed)}`, 200],
    ['a status filter with a NUL byte', () => `/settings/webhooks/${f.webhookId}?tab=log&status=%00`, 200],
    ['a repeated status filter', () => `/settings/webhooks/${f.webhookId}?tab=log&status=failed&status=success`, 200],
    ['an event filter with a NUL byte', () => `/settings/webhooks/${f.webhookId}?tab=log&event=%00`, 200],
    ['a repeated cursor', () => `/settings/webhooks/${f.webhookId}?tab=log&before=a&before=b`, 200],
    ['a tab with a NUL byte', () => `/settings/webhooks/${f.webhookId}?tab=%00`, 200],
    ['a NUL byte in the events reference query', () => '/settings/webhooks/events?x=%00', 200],
    ['a NUL byte in an unknown path', () => '/%00', 404],
  ];

  for (const [label, path, status] of pages) {
    test(`answers ${label} with ${status}`, async ({ browser, baseURL }) => {
      const request = await signedInRequest(browser, baseURL!);
      const before = await snapshot();
      const response = await request.get(path(), { maxRedirects: 0 });
      expect(response.status()).toBe(status);
      expect(await snapshot()).toEqual(before);
    });
  }

  for (const callback of ['/%00', '//evil.example/', '/\\evil.example/', 'https://evil.example/', '/%0D%0ALocation:%20https://evil.example/', 'javascript:alert(1)']) {
    test(`sign-in does not carry the callback ${callback}`, async ({ page }) => {
      await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(decodeURIComponent(callback))}`);
      await expect(page.locator('input[name="callbackUrl"]')).toHaveCount(0);
      await page.getByLabel('Email').fill(orgA.admin.email);
      await page.getByLabel('Password').fill(orgA.admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page).toHaveURL(/\/settings\/webhooks$/);
    });
  }
});

test('an Org Admin cannot read attempts of another organisation through a crafted cursor', async ({ browser, baseURL }) => {
  await getDb().insert(deliveryAttempts).values({
    id: 'att_hostile_other_org',
    deliveryId: f.otherFailed,
    organisationId: orgB.organisationId,
    webhookId: f.otherWebhookId,
    eventType: 'workflow.completed',
    attemptNumber: 1,
    trigger: 'automatic',
    startedAt: new Date(),
    completedAt: new Date(),
    durationMs: 1,
    success: false,
    requestUrl: 'https://93.184.215.14/hook',
    requestUserAgent: OTHER_SECRET,
  });
  const request = await signedInRequest(browser, baseURL!);
  const response = await request.get(`/settings/webhooks/${f.otherWebhookId}/deliveries/att_hostile_other_org`);
  expect(response.status()).toBe(404);
  expect(await response.text()).not.toContain(OTHER_SECRET);
});
