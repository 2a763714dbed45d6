import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { sessions, users, type User } from '@/db/schema';

/** How long a sign-in lasts; the cookie and the server-side row expire together. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

const rowId = (sessionId: string) => createHash('sha256').update(sessionId, 'utf8').digest('hex');

/** Records a new session for the user and returns its id, which goes into the session cookie only. */
export async function startSession(userId: string): Promise<string> {
  const sessionId = randomBytes(32).toString('base64url');
  const db = getDb();
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  await db.insert(sessions).values({ id: rowId(sessionId), userId, expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000) });
  return sessionId;
}

/** Ends the session for every copy of its cookie. */
export async function endSession(sessionId: string): Promise<void> {
  await getDb().delete(sessions).where(eq(sessions.id, rowId(sessionId)));
}

/** The user of a live session, read fresh so a changed role or a removed user applies on the next request. */
export async function userOfSession(sessionId: string): Promise<User | null> {
  const [row] = await getDb()
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, rowId(sessionId)), gt(sessions.expiresAt, new Date())));
  return row?.user ?? null;
}
