import { and, count, eq, gt, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, webhooks } from '@/db/schema';

/**
 * The deliveries *Retry failed since …* re-sends: the webhook's failed deliveries created after
 * `since`, test events excluded. Counted here, re-sent by retryFailedSince (manage/retry.ts).
 */
export function failedSince(organisationId: string, webhookId: string, since: Date): SQL | undefined {
  return and(
    eq(deliveries.organisationId, organisationId),
    eq(deliveries.webhookId, webhookId),
    eq(deliveries.status, 'failed'),
    eq(deliveries.isTest, false),
    gt(deliveries.createdAt, since),
  );
}

/**
 * How many deliveries *Retry failed since …* would re-send now: the webhook's failed deliveries
 * created after `since`, test events excluded (the same rows as retryFailedSince in manage/retry.ts).
 * Null when the webhook is not in this organisation.
 */
export async function countFailedSince(organisationId: string, webhookId: string, since: Date): Promise<number | null> {
  const db = getDb();
  const [webhook] = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, webhookId)));
  if (!webhook) return null;
  const [row] = await db.select({ n: count() }).from(deliveries).where(failedSince(organisationId, webhookId, since));
  return row?.n ?? 0;
}
