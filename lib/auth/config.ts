import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { endSession, SESSION_MAX_AGE_SECONDS, startSession } from './sessions';
import { SSO_PROVIDER_ID, ssoProvider, ssoSettings } from './sso';
import { beginSignInAttempt, clientAddressOf, signInSucceeded } from './throttle';
import { findUserByCredentials, findUserBySsoProfile } from './users';

const credentialsSchema = z.object({ email: z.email(), password: z.string().min(1).max(1024) });

/** A password sign-in refused unchecked because of too many recent failures (lib/auth/throttle.ts). */
export class TooManySignInAttempts extends CredentialsSignin {
  code = 'throttled';
  constructor(readonly retryAfterMinutes: number) {
    super();
  }
}

declare module 'next-auth' {
  interface Session {
    /** The server-side session (lib/auth/sessions.ts) this cookie belongs to. */
    sessionId?: string;
  }
}

// Configured per request, so the single sign-on provider follows the environment the server runs with.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const sso = ssoSettings();
  return {
    trustHost: true,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    logger: {
      // A refused sign-in is an expected outcome: one line without a stack, and never who tried.
      error(error) {
        const type = (error as { type?: string }).type;
        if (type === 'CredentialsSignin' || type === 'AccessDenied') console.warn(`[auth] sign-in refused (${type})`);
        else console.error(error);
      },
    },
    providers: [
      Credentials({
        credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
        authorize: async (raw, request) => {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const decision = await beginSignInAttempt(parsed.data.email, clientAddressOf(request.headers));
          if (!decision.allowed) throw new TooManySignInAttempts(decision.retryAfterMinutes);
          const user = await findUserByCredentials(parsed.data.email, parsed.data.password);
          if (!user) return null;
          await signInSucceeded(decision.ticket);
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...(sso ? [ssoProvider(sso)] : []),
    ],
    callbacks: {
      // Single sign-on lets in only provisioned users, matched by verified email.
      async signIn({ account, profile }) {
        if (account?.provider !== SSO_PROVIDER_ID) return true;
        return (await findUserBySsoProfile(profile)) !== null;
      },
      async jwt({ token, user, account, profile }) {
        if (!account) return token;
        // Signing in: the cookie gets the provisioned user's id and a new server-side session.
        const userId = account.provider === SSO_PROVIDER_ID ? (await findUserBySsoProfile(profile))?.id : user?.id;
        if (!userId) throw new Error('Signed in without a provisioned user');
        return { ...token, sub: userId, sid: await startSession(userId) };
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        if (typeof token.sid === 'string') session.sessionId = token.sid;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const sid = 'token' in message ? message.token?.sid : undefined;
        if (typeof sid === 'string') await endSession(sid);
      },
    },
  };
});
