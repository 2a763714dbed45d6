'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useState, useTransition } from 'react';
import type { ActionResult, FieldErrors } from '@/lib/result';

export type ActionState = { pending: boolean; error?: string; fieldErrors: FieldErrors };

type Options<T> = {
  /** Runs after a result that is ok, before the page refreshes. */
  onSuccess?: (data: T) => void;
  /** Refresh the server components after success (default true). */
  refresh?: boolean;
  /** Shown when the action throws or the network fails. */
  failure?: string;
};

/**
 * The one way a client component calls a server action: pending while it runs (never stuck, even
 * when the action throws), the form and field errors of a refusal, and a page refresh on success.
 * `run` resolves to the result (null when the call itself failed).
 */
export function useAction<I, T>(action: (input: I) => Promise<ActionResult<T>>, { onSuccess, refresh = true, failure = 'That did not work; please try again.' }: Options<T> = {}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  const reset = useCallback(() => {
    setError(undefined);
    setFieldErrors({});
  }, []);

  const run = useCallback(
    (input: I) =>
      new Promise<ActionResult<T> | null>((resolve) => {
        startTransition(async () => {
          reset();
          let result: ActionResult<T> | null;
          try {
            result = await action(input);
          } catch {
            result = null;
          }
          if (result?.ok) {
            onSuccess?.(result.data);
            if (refresh) router.refresh();
          } else {
            const fields = result?.fieldErrors ?? {};
            setFieldErrors(fields);
            setError(result?.formError ?? (Object.keys(fields).length > 0 ? undefined : failure));
          }
          resolve(result);
        });
      }),
    [action, onSuccess, refresh, failure, router, reset],
  );

  /** The form error, or else the first field error: for controls without fields of their own. */
  const message = error ?? Object.values(fieldErrors).find((v) => v?.[0])?.[0];
  return { run, pending, error, fieldErrors, message, reset };
}
