import { and, eq, sql } from 'drizzle-orm';
import { getDb, pgErrorCode } from '@/db/client';
import { webhooks } from '@/db/schema';
import { open, seal } from '@/lib/crypto/secret-box';
import { env } from '@/lib/env';
import { newId } from '@/lib/ids';
import { systemResolver } from '@/lib/net/system-resolver';
import { notFound, type ActionResult } from '@/lib/result';
import { vetEndpointUrl } from '@/lib/webhooks/core/url-guard';
import type { WebhookEditForm, WebhookForm } from '@/lib/webhooks/core/webhook-form';

/*
 * Webhook commands for an Org Admin, behind both the server actions and the API. Input is already
 * validated by the shared zod schemas; every statement is scoped to the caller's organisation.
 */

const uniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';
const duplicateName: ActionResult<never> = {
  ok: false,
  fieldErrors: { name: ['A webhook with this name already exists in your organisation'] },
};

/** The URL must be publicly reachable (SPEC §6); it is vetted again before every attempt. */
async function refusedUrl(url: string): Promise<ActionResult<never> | null> {
  const vetted = await vetEndpointUrl(url, { allowPrivate: env().WEBHOOKS_ALLOW_PRIVATE_URLS, resolver: systemResolver });
  return vetted.ok ? null : { ok: false, fieldErrors: { url: [vetted.error] } };
}

export async function createWebhook(organisationId: string, input: WebhookForm): Promise<ActionResult<{ id: string }>> {
  const refused = await refusedUrl(input.url);
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
  return { ok: true, data: { id } };
}

export async function updateWebhook(organisationId: string, input: WebhookEditForm): Promise<ActionResult<{ id: string }>> {
  const refused = await refusedUrl(input.url);
  if (refused) return refused;
  try {
    const updated = await getDb()
      .update(webhooks)
      .set({
        name: input.name,
        url: input.url,
        // Another URL may be another endpoint: its slow start begins again (worker/slow-start.ts).
        answeredAt: sql`case when ${webhooks.url} = ${input.url} then ${webhooks.answeredAt} end`,
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
  return { ok: true, data: { id: input.id } };
}

export async function setWebhookActive(organisationId: string, { id, active }: { id: string; active: boolean }): Promise<ActionResult> {
  const updated = await getDb()
    .update(webhooks)
    .set({ active, updatedAt: new Date() })
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  return updated.length === 0 ? notFound : { ok: true, data: undefined };
}

export async function deleteWebhook(organisationId: string, id: string): Promise<ActionResult> {
  const deleted = await getDb()
    .delete(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  return deleted.length === 0 ? notFound : { ok: true, data: undefined };
}

export async function revealSecret(organisationId: string, id: string): Promise<ActionResult<{ secret: string }>> {
  const [row] = await getDb()
    .select({ secretCiphertext: webhooks.secretCiphertext })
    .from(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)));
  if (!row) return notFound;
  return { ok: true, data: { secret: open(row.secretCiphertext, env().KAZINEX_ENCRYPTION_KEY) } };
}
