import { redirect } from 'next/navigation';
import type { User } from '@/db/schema';
import { auth } from './config';
import { userOfSession } from './sessions';

/**
 * The signed-in user: the cookie must belong to a live server-side session (signing out ends it for
 * every copy of the cookie), and the user is read fresh so role changes and removals apply at once.
 */
export async function currentUser(): Promise<User | null> {
  const session = await auth();
  const sessionId = session?.sessionId;
  return sessionId ? userOfSession(sessionId) : null;
}

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<User> {
  const user = await currentUser();
  if (!user) redirect('/sign-in');
  return user;
}

/**
 * For admin pages: the signed-in Org Admin, or null for a Member (the page then shows that the
 * role is needed). Each page calls this itself: a layout's check does not guard a page's data.
 */
export async function requireOrgAdmin(): Promise<User | null> {
  const user = await requireUser();
  return user.role === 'org_admin' ? user : null;
}
