import { getTableColumns, and, eq, ne, sql } from 'drizzle-orm';
import { getDb, pgErrorCode } from '@/db/client';
import { organisations, users, type Role, type User } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import type { UserBody } from './schema';

/** A user as the API answers: never the password or its hash, only whether password sign-in is possible. */
export type UserRecord = {
  id: string;
  organisation_id: string;
  email: string;
  name: string;
  role: Role;
  password_sign_in: boolean;
  created_at: string;
  updated_at: string;
};

const userRecord = (u: User): UserRecord => ({
  id: u.id,
  organisation_id: u.organisationId,
  email: u.email,
  name: u.name,
  role: u.role,
  password_sign_in: u.passwordHash !== null,
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString(),
});

export type PutUserResult =
  | { ok: true; created: boolean; record: UserRecord }
  | { ok: false; reason: 'organisation_not_found' | 'user_of_another_organisation' | 'email_taken' };

/**
 * Creates or replaces the user. The body is the whole user: without `password` the user signs in
 * only through single sign-on (a password set before is removed). A new role applies on the
 * user's next request (lib/auth/session.ts reads it fresh).
 */
export async function putUser(organisationId: string, id: string, body: UserBody): Promise<PutUserResult> {
  const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
  try {
    return await getDb().transaction(async (tx) => {
      const [organisation] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).for('share');
      if (!organisation) return { ok: false, reason: 'organisation_not_found' } as const;
      const [taken] = await tx.select({ id: users.id }).from(users).where(and(eq(users.email, body.email), ne(users.id, id)));
      if (taken) return { ok: false, reason: 'email_taken' } as const;
      const values = { email: body.email, name: body.name, role: body.role, passwordHash };
      const [row] = await tx
        .insert(users)
        .values({ id, organisationId, ...values })
        .onConflictDoUpdate({ target: users.id, set: { ...values, updatedAt: sql`now()` }, setWhere: eq(users.organisationId, organisationId) })
        .returning({ ...getTableColumns(users), created: sql<boolean>`(xmax = 0)` });
      if (!row) return { ok: false, reason: 'user_of_another_organisation' } as const;
      return { ok: true, created: row.created, record: userRecord(row) } as const;
    });
  } catch (err) {
    // Another request took the email between the check and the write.
    if (pgErrorCode(err) === '23505') return { ok: false, reason: 'email_taken' };
    throw err;
  }
}

/** Removes the user; their sessions go with them, so they are signed out on their next request. */
export async function deleteUser(organisationId: string, id: string): Promise<void> {
  await getDb().delete(users).where(and(eq(users.id, id), eq(users.organisationId, organisationId)));
}
