import { and, desc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, deliveryAttempts } from '@/db/schema';

export type DeliveryOutcome = {
  attemptId: string;
  status: 'success' | 'failed';
  responseCode: number | null;
  durationMs: number;
  error: string | null;
};

/** The latest attempt of a delivery, for the Send Test Event dialog to wait on; null until one is recorded (or if not found). */
export async function getDeliveryOutcome(organisationId: string, deliveryId: string): Promise<DeliveryOutcome | null> {
  const [row] = await getDb()
    .select({
      attemptId: deliveryAttempts.id,
      success: deliveryAttempts.success,
      responseCode: deliveryAttempts.responseStatus,
      durationMs: deliveryAttempts.durationMs,
      error: deliveryAttempts.error,
    })
    .from(deliveryAttempts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
    .where(and(eq(deliveries.organisationId, organisationId), eq(deliveryAttempts.deliveryId, deliveryId)))
    .orderBy(desc(deliveryAttempts.attemptNumber))
    .limit(1);
  if (!row) return null;
  const { success, ...rest } = row;
  return { ...rest, status: success ? 'success' : 'failed' };
}
