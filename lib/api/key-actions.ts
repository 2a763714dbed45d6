'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, notFound } from '@/lib/auth/admin-action';
import { createApiKey, revokeApiKey } from './keys';

/** Settings → API Keys: thin wrappers over lib/api/keys.ts for the signed-in Org Admin. */

const nameSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name').max(100, 'The name can be at most 100 characters'),
});

/** The key is in the result this once; only its hash is stored. */
export const createApiKeyAction = adminAction(nameSchema, async ({ name }, { organisationId, userId }) => {
  const created = await createApiKey(organisationId, userId, name);
  revalidatePath('/settings/api-keys');
  return { ok: true, data: created };
});

export const revokeApiKeyAction = adminAction(z.object({ id: z.string().min(1).max(64) }), async ({ id }, { organisationId }) => {
  if (!(await revokeApiKey(organisationId, id))) return notFound;
  revalidatePath('/settings/api-keys');
  return { ok: true, data: undefined };
});
