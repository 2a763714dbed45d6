import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import * as schema from './schema';

export const DEMO_ORGANISATION_ID = 'org_demo';
export const DEMO_PROJECT_ID = 'proj_demo';
export const DEMO_MEMBER = { email: 'member@example.com', password: 'kazinex-member' };

export type SeedOptions = { adminEmail: string; adminPassword: string };

async function ensureUser(
  db: ReturnType<typeof drizzle<typeof schema>>,
  user: { id: string; email: string; name: string; password: string; role: schema.Role },
) {
  const [existing] = await db.select().from(schema.users).where(eq(schema.users.email, user.email));
  if (existing) {
    // A changed SEED_ADMIN_PASSWORD applies to the existing demo user too.
    if (!existing.passwordHash || !(await verifyPassword(user.password, existing.passwordHash))) {
      await db.update(schema.users).set({ passwordHash: await hashPassword(user.password), updatedAt: new Date() }).where(eq(schema.users.id, existing.id));
    }
    return;
  }
  await db
    .insert(schema.users)
    .values({
      id: user.id,
      organisationId: DEMO_ORGANISATION_ID,
      email: user.email,
      name: user.name,
      role: user.role,
      passwordHash: await hashPassword(user.password),
    })
    .onConflictDoNothing();
}

/**
 * Creates the demo organisation, its project, an Org Admin and a Member (only with KAZINEX_DEMO, see
 * scripts/start.ts); running it again changes nothing but a changed demo password.
 */
export async function seedDemo(databaseUrl: string, opts: SeedOptions): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const db = drizzle(sql, { schema });
  try {
    await db.insert(schema.organisations).values({ id: DEMO_ORGANISATION_ID, name: 'Demo Engineering Ltd' }).onConflictDoNothing();
    await db
      .insert(schema.projects)
      .values({ id: DEMO_PROJECT_ID, organisationId: DEMO_ORGANISATION_ID, name: 'Harbour Bridge Upgrade' })
      .onConflictDoNothing();
    await ensureUser(db, { id: 'usr_demo_admin', email: opts.adminEmail.toLowerCase(), name: 'Demo Org Admin', password: opts.adminPassword, role: 'org_admin' });
    await ensureUser(db, { id: 'usr_demo_member', email: DEMO_MEMBER.email, name: 'Demo Member', password: DEMO_MEMBER.password, role: 'member' });
  } finally {
    await sql.end();
  }
}
