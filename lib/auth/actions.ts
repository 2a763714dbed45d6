'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { DEFAULT_AFTER_SIGN_IN, safeCallbackPath } from './callback-url';
import { signIn, signOut, TooManySignInAttempts } from './config';
import { SSO_PROVIDER_ID, ssoSettings } from './sso';

const signInSchema = z.object({
  email: z.email('Enter your email address'),
  password: z.string().min(1, 'Enter your password').max(1024, 'The password can be at most 1,024 characters'),
  callbackUrl: z.string().optional(),
});

export type SignInState = { error?: string; email?: string };

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = signInSchema.safeParse(Object.fromEntries(formData));
  const email = String(formData.get('email') ?? '');
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? 'Check your details', email };
  try {
    await signIn('credentials', {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallbackPath(parsed.data.callbackUrl) ?? DEFAULT_AFTER_SIGN_IN,
    });
    return {};
  } catch (err) {
    // signIn redirects by throwing; anything that is not an AuthError must propagate for that to work.
    if (err instanceof TooManySignInAttempts) {
      const minutes = err.retryAfterMinutes;
      return { error: `Too many attempts, try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`, email };
    }
    if (err instanceof AuthError) return { error: 'The email or password is not correct.', email };
    throw err;
  }
}

/** Starts single sign-on at the configured identity provider; it redirects back to /api/auth/callback/oidc. */
export async function ssoSignInAction(formData: FormData): Promise<void> {
  if (!ssoSettings()) return;
  const callbackUrl = formData.get('callbackUrl');
  await signIn(SSO_PROVIDER_ID, { redirectTo: safeCallbackPath(callbackUrl) ?? DEFAULT_AFTER_SIGN_IN });
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in' });
}
