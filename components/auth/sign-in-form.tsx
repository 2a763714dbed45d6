'use client';

import { useActionState } from 'react';
import { signInAction, type SignInState } from '@/lib/auth/actions';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="space-y-4">
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <TextField id="email" name="email" type="email" label="Email" autoComplete="username" required defaultValue={state.email} />
      <TextField id="password" name="password" type="password" label="Password" autoComplete="current-password" required />
      {state.error ? (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="sign-in-error">
          {state.error}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
