import { randomBytes } from 'node:crypto';
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { deliveries, deliveryAttempts, events, organisations, projects, sessions, users, webhooks, webhookSubscriptions } from '@/db/schema';
import { startSession, userOfSession } from '@/lib/auth/sessions';
import { findUserByCredentials } from '@/lib/auth/users';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { waitForAttempts } from '../support/deliveries';
import { callEventsApi } from '../support/events-api';
import { completedData, createWebhook } from '../support/fixtures';
import { callProvisioningApi as call } from '../support/provisioning-api';
import { startReceiver, type Receiver } from '../support/receiver';
import { startWorker, type RunningWorker } from '../support/worker';

let receiver: Receiver;
let worker: RunningWorker;

beforeAll(async () => {
  receiver = await startReceiver();
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await closePublisher();
  await closeDb();
});

const unique = () => randomBytes(5).toString('hex');
const body = async (response: Response) => (await response.json()) as Record<string, unknown>;

async function newOrganisation() {
  const id = `org_${unique()}`;
  expect((await call('PUT', `/organisations/${id}`, { name: 'Harbour Engineering' })).status).toBe(201);
  return id;
}

describe('provisioning organisations', () => {
  it('creates with 201, answers 200 with the same record when repeated, and renames', async () => {
    const id = `org_${unique()}`;
    const first = await call('PUT', `/organisations/${id}`, { name: 'Harbour Engineering' });
    expect(first.status).toBe(201);
    const created = await body(first);
    expect(created).toMatchObject({ id, name: 'Harbour Engineering' });

    const again = await call('PUT', `/organisations/${id}`, { name: 'Harbour Engineering' });
    expect(again.status).toBe(200);
    expect(await body(again)).toEqual(created);

    const renamed = await call('PUT', `/organisations/${id}`, { name: 'Harbour Engineering Ltd' });
    expect(renamed.status).toBe(200);
    const [row] = await getDb().select().from(organisations).where(eq(organisations.id, id));
    expect(row!.name).toBe('Harbour Engineering Ltd');
  });

  it('refuses a request without the service token with 401 and changes nothing', async () => {
    const id = `org_${unique()}`;
    for (const authorization of ['', 'Bearer wrong-token-wrong-token-wrong', `Basic ${randomBytes(8).toString('hex')}`]) {
      const response = await call('PUT', `/organisations/${id}`, { name: 'Intruder' }, { authorization });
      expect(response.status).toBe(401);
      expect(await body(response)).toMatchObject({ error: 'unauthorized' });
    }
    expect((await call('DELETE', `/organisations/${id}`, undefined, { authorization: '' })).status).toBe(401);
    expect(await getDb().select().from(organisations).where(eq(organisations.id, id))).toEqual([]);
  });

  it('answers 422 with the issues for a bad body or id, and 400 for malformed JSON', async () => {
    const id = `org_${unique()}`;
    const missing = await call('PUT', `/organisations/${id}`, {});
    expect(missing.status).toBe(422);
    const issues = (await body(missing)).issues as { path: string[] }[];
    expect(issues.map((i) => i.path)).toContainEqual(['name']);

    const extra = await call('PUT', `/organisations/${id}`, { name: 'X', owner: 'someone' });
    expect(extra.status).toBe(422);

    const badId = await call('PUT', `/organisations/${encodeURIComponent('org 1/..')}`, { name: 'X' });
    expect(badId.status).toBe(422);
    expect(((await body(badId)).issues as { path: string[] }[])[0]!.path).toEqual(['organisationId']);

    const malformed = await call('PUT', `/organisations/${id}`, '{"name":');
    expect(malformed.status).toBe(400);
    expect(await body(malformed)).toMatchObject({ error: 'invalid_json' });
    expect(await getDb().select().from(organisations).where(eq(organisations.id, id))).toEqual([]);
  });
});

describe('provisioning projects', () => {
  it('creates, repeats and renames a project; 404 for an unknown organisation; 409 for another organisation\'s project', async () => {
    const org = await newOrganisation();
    const other = await newOrganisation();
    const project = `proj_${unique()}`;
    const created = await call('PUT', `/organisations/${org}/projects/${project}`, { name: 'Harbour Bridge Upgrade' });
    expect(created.status).toBe(201);
    expect(await body(created)).toMatchObject({ id: project, organisation_id: org, name: 'Harbour Bridge Upgrade' });
    expect((await call('PUT', `/organisations/${org}/projects/${project}`, { name: 'Harbour Bridge Upgrade' })).status).toBe(200);

    const unknownOrg = await call('PUT', `/organisations/org_${unique()}/projects/proj_${unique()}`, { name: 'X' });
    expect(unknownOrg.status).toBe(404);
    expect(await body(unknownOrg)).toMatchObject({ error: 'not_found' });

    const stolen = await call('PUT', `/organisations/${other}/projects/${project}`, { name: 'Taken over' });
    expect(stolen.status).toBe(409);
    // Deleting it through the other organisation's path changes nothing either.
    expect((await call('DELETE', `/organisations/${other}/projects/${project}`)).status).toBe(204);
    const [row] = await getDb().select().from(projects).where(eq(projects.id, project));
    expect(row).toMatchObject({ organisationId: org, name: 'Harbour Bridge Upgrade' });

    expect((await call('DELETE', `/organisations/${org}/projects/${project}`)).status).toBe(204);
    expect((await call('DELETE', `/organisations/${org}/projects/${project}`)).status).toBe(204);
    expect(await getDb().select().from(projects).where(eq(projects.id, project))).toEqual([]);
  });
});

describe('provisioning users', () => {
  it('stores a user with a password that can sign in, and never answers with the password or its hash', async () => {
    const org = await newOrganisation();
    const id = `usr_${unique()}`;
    const email = `Alex.${unique()}@Example.com`;
    const password = `correct horse ${unique()}`;
    const response = await call('PUT', `/organisations/${org}/users/${id}`, { email, name: 'Alex Admin', role: 'org_admin', password });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(password);
    expect(text).not.toContain('scrypt');
    expect(JSON.parse(text)).toMatchObject({ id, organisation_id: org, email: email.toLowerCase(), role: 'org_admin', password_sign_in: true });

    const signedIn = await findUserByCredentials(email, password);
    expect(signedIn).toMatchObject({ id, organisationId: org, role: 'org_admin' });
    expect(await findUserByCredentials(email, 'not the password at all')).toBeNull();
  });

  it('without a password the user signs in only through single sign-on, and a new role applies to their live session', async () => {
    const org = await newOrganisation();
    const id = `usr_${unique()}`;
    const email = `sam.${unique()}@example.com`;
    const password = `first password ${unique()}`;
    await call('PUT', `/organisations/${org}/users/${id}`, { email, name: 'Sam', role: 'org_admin', password });
    const sessionId = await startSession(id);
    expect(await userOfSession(sessionId)).toMatchObject({ role: 'org_admin' });

    const replaced = await call('PUT', `/organisations/${org}/users/${id}`, { email, name: 'Sam', role: 'member' });
    expect(replaced.status).toBe(200);
    expect(await body(replaced)).toMatchObject({ role: 'member', password_sign_in: false });
    expect(await findUserByCredentials(email, password)).toBeNull();
    expect(await userOfSession(sessionId)).toMatchObject({ role: 'member' });

    expect((await call('DELETE', `/organisations/${org}/users/${id}`)).status).toBe(204);
    expect(await userOfSession(sessionId)).toBeNull();
    expect(await getDb().select().from(sessions).where(eq(sessions.userId, id))).toEqual([]);
    expect((await call('DELETE', `/organisations/${org}/users/${id}`)).status).toBe(204);
  });

  it('answers 409 for an email of another user or a user id of another organisation, 404 for an unknown organisation, 422 for bad fields', async () => {
    const org = await newOrganisation();
    const other = await newOrganisation();
    const email = `kim.${unique()}@example.com`;
    const kim = `usr_${unique()}`;
    expect((await call('PUT', `/organisations/${org}/users/${kim}`, { email, name: 'Kim', role: 'member' })).status).toBe(201);

    const sameEmail = await call('PUT', `/organisations/${other}/users/usr_${unique()}`, { email: email.toUpperCase(), name: 'Imposter', role: 'org_admin' });
    expect(sameEmail.status).toBe(409);
    expect(await body(sameEmail)).toMatchObject({ error: 'conflict' });

    const movedId = await call('PUT', `/organisations/${other}/users/${kim}`, { email: `x.${unique()}@example.com`, name: 'Kim', role: 'org_admin' });
    expect(movedId.status).toBe(409);
    const [row] = await getDb().select().from(users).where(eq(users.id, kim));
    expect(row).toMatchObject({ organisationId: org, role: 'member', email });

    expect((await call('PUT', `/organisations/org_${unique()}/users/usr_${unique()}`, { email: `y.${unique()}@example.com`, name: 'Y', role: 'member' })).status).toBe(404);

    const bad = await call('PUT', `/organisations/${org}/users/usr_${unique()}`, { email: 'not-an-email', name: '', role: 'owner', password: 'short' });
    expect(bad.status).toBe(422);
    const paths = ((await body(bad)).issues as { path: string[] }[]).map((i) => i.path[0]).sort();
    expect(paths).toEqual(['email', 'name', 'password', 'role']);
  });
});

describe('deleting an organisation', () => {
  it('removes its webhooks, events, deliveries, attempts, users and sessions, and nothing of another organisation', async () => {
    const org = await newOrganisation();
    const kept = await newOrganisation();
    const created: Record<string, { userId: string; sessionId: string; webhookId: string }> = {};
    for (const [o, p] of [[org, 'proj_a'], [kept, 'proj_b']] as const) {
      const project = `${p}_${unique()}`;
      await call('PUT', `/organisations/${o}/projects/${project}`, { name: 'Project' });
      const user = `usr_${unique()}`;
      await call('PUT', `/organisations/${o}/users/${user}`, { email: `${user}@example.com`, name: 'Admin', role: 'org_admin', password: `password ${unique()}` });
      const sessionId = await startSession(user);
      const webhook = await createWebhook(o, { url: `${receiver.url}/${o}`, events: ['workflow.completed'] });
      created[o] = { userId: user, sessionId, webhookId: webhook.id };
      const published = await callEventsApi({ event: 'workflow.completed', organisation_id: o, project_id: project, data: completedData });
      expect(published.status).toBe(202);
      const { ids } = (await published.json()) as { ids: string[] };
      const [delivery] = await getDb().select().from(deliveries).where(inArray(deliveries.eventId, ids));
      await waitForAttempts(delivery!.id);
    }

    expect((await call('DELETE', `/organisations/${org}`)).status).toBe(204);

    const countOf = async (table: typeof webhooks | typeof events | typeof deliveries | typeof deliveryAttempts | typeof users | typeof projects, o: string) => {
      const [row] = await getDb().select({ n: count() }).from(table).where(eq(table.organisationId, o));
      return row!.n;
    };
    for (const table of [webhooks, events, deliveries, deliveryAttempts, users, projects]) {
      expect(await countOf(table, org)).toBe(0);
      expect(await countOf(table, kept)).toBeGreaterThan(0);
    }
    const subscriptionsOf = (o: string) => getDb().select().from(webhookSubscriptions).where(eq(webhookSubscriptions.webhookId, created[o]!.webhookId));
    const sessionsOf = (o: string) => getDb().select().from(sessions).where(eq(sessions.userId, created[o]!.userId));
    expect(await subscriptionsOf(org)).toEqual([]);
    expect(await sessionsOf(org)).toEqual([]);
    expect(await userOfSession(created[org]!.sessionId)).toBeNull();
    expect(await subscriptionsOf(kept)).toHaveLength(1);
    expect(await sessionsOf(kept)).toHaveLength(1);
    expect(await userOfSession(created[kept]!.sessionId)).not.toBeNull();
    expect(await getDb().select().from(organisations).where(eq(organisations.id, org))).toEqual([]);

    // Deleting again is no error.
    expect((await call('DELETE', `/organisations/${org}`)).status).toBe(204);
  });
});
