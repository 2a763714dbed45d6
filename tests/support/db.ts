import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { newId } from '@/lib/ids';

/** Direct database access for tests: the suite's DATABASE_URL, already migrated by scripts/test.ts. */
export function testDb() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the suite with `npm test`.');
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end() };
}

export type TestOrg = { organisationId: string; projectId: string; admin: { email: string; password: string }; member: { email: string; password: string } };

/** A fresh organisation with a project, an Org Admin and a Member, so tests never share rows. */
export async function createTestOrg(db: ReturnType<typeof testDb>['db'], label = 'Test'): Promise<TestOrg> {
  const organisationId = newId('org');
  const projectId = newId('proj');
  const suffix = organisationId.slice(-8);
  const password = `pw-${suffix}-secret`;
  const admin = { email: `admin-${suffix}@example.test`, password };
  const member = { email: `member-${suffix}@example.test`, password };
  const passwordHash = await hashPassword(password);
  await db.insert(schema.organisations).values({ id: organisationId, name: `${label} Org ${suffix}` });
  await db.insert(schema.projects).values({ id: projectId, organisationId, name: `${label} Project` });
  await db.insert(schema.users).values([
    { id: newId('usr'), organisationId, email: admin.email, name: 'Test Admin', passwordHash, role: 'org_admin' },
    { id: newId('usr'), organisationId, email: member.email, name: 'Test Member', passwordHash, role: 'member' },
  ]);
  return { organisationId, projectId, admin, member };
}
