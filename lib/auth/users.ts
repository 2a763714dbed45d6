import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users, type User } from '@/db/schema';
import { hashPassword, verifyPassword } from './password';

// Verifying against a dummy hash when the email is unknown (or has no password) keeps response
// times from revealing which emails exist.
let dummyHash: Promise<string> | undefined;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function findUserByCredentials(email: string, password: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.email, normaliseEmail(email)));
  if (!user?.passwordHash) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(password, await dummyHash);
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

/** The provisioned user a single sign-on identity stands for: matched by email, and only a verified one. */
export async function findUserBySsoProfile(profile: { email?: unknown; email_verified?: unknown } | undefined): Promise<User | null> {
  if (!profile || profile.email_verified !== true || typeof profile.email !== 'string' || profile.email.length === 0) return null;
  const [user] = await getDb().select().from(users).where(eq(users.email, normaliseEmail(profile.email)));
  return user ?? null;
}

export async function findUserById(id: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.id, id));
  return user ?? null;
}
