import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users, type User } from '@/db/schema';
import { hashPassword, verifyPassword } from './password';

// Verifying against a dummy hash when the email is unknown keeps response times from revealing which emails exist.
let dummyHash: Promise<string> | undefined;

export async function findUserByCredentials(email: string, password: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  if (!user) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(password, await dummyHash);
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

export async function findUserById(id: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.id, id));
  return user ?? null;
}
