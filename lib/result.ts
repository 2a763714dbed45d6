/**
 * What an admin command returns to a form or an API call: data, or errors to show beside fields
 * and above the form. A row of another organisation is "not found", never "forbidden".
 */
export type FieldErrors = Record<string, string[] | undefined>;
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; formError?: string; fieldErrors?: FieldErrors };

export const notFound = { ok: false, formError: 'Not found' } as const;
