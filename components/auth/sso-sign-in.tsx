import { Button } from '@/components/ui/button';
import { ssoSignInAction } from '@/lib/auth/actions';

/** Shown on the sign-in page only when an OpenID Connect provider is configured. */
export function SsoSignIn({ callbackUrl }: { callbackUrl?: string }) {
  return (
    <form action={ssoSignInAction} className="mt-4 border-t border-slate-200 pt-4">
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <Button type="submit" variant="secondary" className="w-full">
        Sign in with SSO
      </Button>
    </form>
  );
}
