import { z } from 'zod';

/** Ids are Kazinex's own (e.g. `org_abc123`); kept to characters that are safe in a URL path and a log line. */
export const kazinexIdSchema = z
  .string()
  .min(1)
  .max(64, 'Use at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Use letters, digits, "_", "-" and "." (starting with a letter or digit)');

const nameSchema = z.string().trim().min(1, 'Enter a name').max(200, 'Use at most 200 characters');

export const organisationBodySchema = z.strictObject({ name: nameSchema });
export const projectBodySchema = z.strictObject({ name: nameSchema });

export const PASSWORD_MIN_LENGTH = 12;

/** A user as Kazinex sends it. Without `password` the user signs in only through single sign-on. */
export const userBodySchema = z.strictObject({
  email: z
    .email('Enter a valid email address')
    .max(254)
    .transform((e) => e.toLowerCase()),
  name: nameSchema,
  role: z.enum(['org_admin', 'member']),
  password: z.string().min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`).max(1024).optional(),
});

export type OrganisationBody = z.infer<typeof organisationBodySchema>;
export type ProjectBody = z.infer<typeof projectBodySchema>;
export type UserBody = z.infer<typeof userBodySchema>;
