import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { reportUnexpected, unexpectedMessage } from '@/lib/errors';
import type { ActionResult, FieldErrors } from '@/lib/result';
import { firstUnsafeString } from '@/lib/validation';
import { currentUser } from './session';

export { notFound, type ActionResult, type FieldErrors } from '@/lib/result';

export type AdminContext = { organisationId: string; userId: string };

/**
 * Wraps a server action: validates the input with zod, requires a signed-in Org Admin and hands the
 * action their organisation id, which every query must use. Members get the same refusal as a
 * signed-out caller would, whatever they send. Strings PostgreSQL cannot store are refused before
 * the schema runs, beside the field they came in; a failure nobody expected answers with an error
 * id instead of reaching Next's error log with the query and its parameters.
 */
export function adminAction<S extends z.ZodType, T>(
  schema: S,
  action: (input: z.output<S>, ctx: AdminContext) => Promise<ActionResult<T>>,
  name = action.name || 'adminAction',
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (input) => {
    try {
      const user = await currentUser();
      if (!user) return { ok: false, formError: 'You are not signed in.' };
      if (user.role !== 'org_admin') return { ok: false, formError: 'The Org Admin role is needed to manage webhooks.' };
      const unsafe = firstUnsafeString(input);
      if (unsafe) {
        const message = `This value ${unsafe.reason}`;
        return unsafe.key ? { ok: false, fieldErrors: { [unsafe.key]: [message] } } : { ok: false, formError: message };
      }
      const parsed = await schema.safeParseAsync(input);
      if (!parsed.success) {
        const fieldErrors: FieldErrors = {};
        let formError: string | undefined;
        for (const issue of parsed.error.issues) {
          const key = issue.path.length > 0 ? String(issue.path[0]) : undefined;
          if (key) (fieldErrors[key] ??= []).push(issue.message);
          else formError ??= issue.message;
        }
        return { ok: false, fieldErrors, formError };
      }
      return await action(parsed.data, { organisationId: user.organisationId, userId: user.id });
    } catch (err) {
      unstable_rethrow(err); // redirects and Next's own control flow pass through
      return { ok: false, formError: unexpectedMessage(reportUnexpected(err, { action: name })) };
    }
  };
}
