import { adminRoute } from '@/lib/auth/admin-route';
import { deliveryLogQuerySchema } from '@/lib/webhooks/core/delivery-log-query';
import { countDeliveryAttempts, listDeliveryAttempts } from '@/lib/webhooks/read/delivery-log';
import { getWebhookHealth } from '@/lib/webhooks/read/webhook-health';

export const dynamic = 'force-dynamic';

const filters = deliveryLogQuerySchema.omit({ before: true, limit: true });

/**
 * The Delivery Log's newest page with the given filters, its totals and the webhook's health state: what the
 * open log refreshes itself from (a changed state refreshes the page header too).
 */
export const GET = adminRoute(filters, async ({ event, ...query }, { organisationId, params }: { organisationId: string; params: { id: string } }) => {
  const filters = { ...query, eventType: event };
  const [page, totals, health] = await Promise.all([
    listDeliveryAttempts(organisationId, params.id, filters),
    countDeliveryAttempts(organisationId, params.id, filters),
    getWebhookHealth(organisationId, [params.id]),
  ]);
  const state = health[params.id];
  return page && state ? { ...page, totals, health: state.health } : undefined;
});
