'use server';

import { and, eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { getDb, pgErrorCode } from '@/db/client';
import { webhooks } from '@/db/schema';
import { adminAction, notFound, type ActionResult } from '@/lib/auth/admin-action';
import { open, seal } from '@/lib/crypto/secret-box';
import { env } from '@/lib/env';
import { newId } from '@/lib/ids';
import { webhookEditFormSchema, webhookFormSchema, webhookActiveSchema, webhookIdSchema } from '@/lib/webhooks/core/webhook-form';
import { vetEndpointUrl } from '@/lib/webhooks/core/url-guard';

const uniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';
const duplicateName: ActionResult<never> = {
  ok: false,
  fieldErrors: { name: ['A webhook with this name already exists in your organisation'] },
};

async function vetUrl(url: string): Promise<ActionResult<never> | null> {
  const vetted = await vetEndpointUrl(url, { allowPrivate: env().WEBHOOKS_ALLOW_PRIVATE_URLS });
  return vetted.ok ? null : { ok: false, fieldErrors: { url: [vetted.error] } };
}

export const createWebhook = adminAction(webhookFormSchema, async (input, { organisationId }) => {
  const refused = await vetUrl(input.url);
  if (refused) return refused;
  const id = newId('wh');
  try {
    await getDb().insert(webhooks).values({
      id,
      organisationId,
      name: input.name,
      url: input.url,
      secretCiphertext: seal(input.secret, env().KAZINEX_ENCRYPTION_KEY),
      active: input.active,
    });
  } catch (err) {
    if (uniqueViolation(err)) return duplicateName;
    throw err;
  }
  revalidatePath('/settings/webhooks');
  return { ok: true, data: { id } };
});

export const updateWebhook = adminAction(webhookEditFormSchema, async (input, { organisationId }) => {
  const refused = await vetUrl(input.url);
  if (refused) return refused;
  try {
    const updated = await getDb()
      .update(webhooks)
      .set({
        name: input.name,
        url: input.url,
        active: input.active,
        updatedAt: new Date(),
        // A secret typed in by the admin replaces any rolled-out one still in its overlap, too.
        ...(input.secret
          ? { secretCiphertext: seal(input.secret, env().KAZINEX_ENCRYPTION_KEY), previousSecretCiphertext: null, previousSecretExpiresAt: null }
          : {}),
      })
      .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, input.id)))
      .returning({ id: webhooks.id });
    if (updated.length === 0) return notFound;
  } catch (err) {
    if (uniqueViolation(err)) return duplicateName;
    throw err;
  }
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: { id: input.id } };
});

export const setWebhookActive = adminAction(webhookActiveSchema, async ({ id, active }, { organisationId }) => {
  const updated = await getDb()
    .update(webhooks)
    .set({ active, updatedAt: new Date() })
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  if (updated.length === 0) return notFound;
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: undefined };
});

export const deleteWebhook = adminAction(webhookIdSchema, async ({ id }, { organisationId }) => {
  const deleted = await getDb()
    .delete(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  if (deleted.length === 0) return notFound;
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: undefined };
});

export const revealSecret = adminAction(webhookIdSchema, async ({ id }, { organisationId }) => {
  const [row] = await getDb()
    .select({ secretCiphertext: webhooks.secretCiphertext })
    .from(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)));
  if (!row) return notFound;
  return { ok: true, data: { secret: open(row.secretCiphertext, env().KAZINEX_ENCRYPTION_KEY) } };
});
