import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { SsoSignIn } from '@/components/auth/sso-sign-in';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { currentUser } from '@/lib/auth/session';
import { ssoSettings } from '@/lib/auth/sso';

export const metadata: Metadata = { title: 'Sign in' };

/** What a failed single sign-on comes back with (Auth.js's `error` parameter), in words. */
function ssoError(error: string | undefined): string | undefined {
  if (!error || error === 'CredentialsSignin') return undefined;
  if (error === 'AccessDenied') return 'This single sign-on account has no access to Kazinex Webhooks. Ask your Kazinex administrator to add you.';
  return 'Single sign-on did not complete. Try again, or ask your Kazinex administrator.';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[]; error?: string }> }) {
  if (await currentUser()) redirect('/settings/webhooks');
  const { callbackUrl, error } = await searchParams;
  const ssoConfigured = ssoSettings() !== null;
  const ssoMessage = ssoError(error);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Kazinex</p>
        <h1 className="mt-1 text-xl font-semibold">Sign in</h1>
        <p className="mt-1 text-sm text-slate-600">Document control for engineering projects.</p>
        {ssoMessage ? (
          <p className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="sso-error">
            {ssoMessage}
          </p>
        ) : null}
        <div className="mt-6">
          <SignInForm callbackUrl={safeCallbackPath(callbackUrl)} />
        </div>
        {ssoConfigured ? <SsoSignIn callbackUrl={safeCallbackPath(callbackUrl)} /> : null}
      </div>
    </main>
  );
}
