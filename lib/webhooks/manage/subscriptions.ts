import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { getDb, type Database, type Transaction } from '@/db/client';
import { webhooks, webhookSubscriptions } from '@/db/schema';
import { notFound, type ActionResult } from '@/lib/result';
import type { EventType } from '@/lib/webhooks/core/events';

async function ownsWebhook(organisationId: string, id: string, tx: Database | Transaction = getDb()): Promise<boolean> {
  const [row] = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id)))
    .for('update');
  return Boolean(row);
}

/** Stores the ticked events as the webhook's whole subscription set. */
export async function replaceSubscriptions(organisationId: string, { id, eventTypes }: { id: string; eventTypes: readonly EventType[] }): Promise<ActionResult> {
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
  return found ? { ok: true, data: undefined } : notFound;
}

export async function removeSubscription(organisationId: string, { id, eventType }: { id: string; eventType: EventType }): Promise<ActionResult> {
  if (!(await ownsWebhook(organisationId, id))) return notFound;
  await getDb()
    .delete(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.webhookId, id), inArray(webhookSubscriptions.eventType, [eventType])));
  return { ok: true, data: undefined };
}
