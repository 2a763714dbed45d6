'use server';

import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { getDb, type Database, type Transaction } from '@/db/client';
import { webhooks, webhookSubscriptions } from '@/db/schema';
import { adminAction, notFound } from '@/lib/auth/admin-action';
import { subscriptionRemovalSchema, subscriptionsSchema } from '@/lib/webhooks/core/webhook-form';

async function ownsWebhook(organisationId: string, id: string, tx: Database | Transaction = getDb()): Promise<boolean> {
  const [row] = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)))
    .for('update');
  return Boolean(row);
}

/** Stores the ticked events as the webhook's whole subscription set. */
export const saveSubscriptions = adminAction(subscriptionsSchema, async ({ id, eventTypes }, { organisationId }) => {
  const found = await getDb().transaction(async (tx) => {
    if (!(await ownsWebhook(organisationId, id, tx))) return false;
    const keep = [...new Set(eventTypes)];
    await tx
      .delete(webhookSubscriptions)
      .where(
        keep.length > 0
          ? and(eq(webhookSubscriptions.webhookId, id), notInArray(webhookSubscriptions.eventType, keep))
          : eq(webhookSubscriptions.webhookId, id),
      );
    if (keep.length > 0) {
      await tx
        .insert(webhookSubscriptions)
        .values(keep.map((eventType) => ({ webhookId: id, eventType })))
        .onConflictDoNothing();
    }
    return true;
  });
  if (!found) return notFound;
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: undefined };
});

export const removeSubscription = adminAction(subscriptionRemovalSchema, async ({ id, eventType }, { organisationId }) => {
  if (!(await ownsWebhook(organisationId, id))) return notFound;
  await getDb()
    .delete(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.webhookId, id), inArray(webhookSubscriptions.eventType, [eventType])));
  revalidatePath('/settings/webhooks', 'layout');
  return { ok: true, data: undefined };
});
