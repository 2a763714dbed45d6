import { adminRoute } from '@/lib/auth/admin-route';
import { deliveryLogQuerySchema } from '@/lib/webhooks/core/delivery-log-query';
import { listDeliveryAttempts } from '@/lib/webhooks/read/delivery-log';

export const dynamic = 'force-dynamic';

const filters = deliveryLogQuerySchema.omit({ before: true, limit: true });

/** The Delivery Log's newest page with the given filters: what the open log refreshes itself from. */
export const GET = adminRoute(filters, async ({ event, ...query }, { organisationId, params }: { organisationId: string; params: { id: string } }) => {
  const page = await listDeliveryAttempts(organisationId, params.id, { ...query, eventType: event });
  return page ?? undefined;
});
