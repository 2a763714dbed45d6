import { adminRoute } from '@/lib/auth/admin-route';
import { deliveryLogQuerySchema } from '@/lib/webhooks/core/delivery-log-query';
import { listDeliveryAttempts } from '@/lib/webhooks/read/delivery-log';
import { getWebhookHealth } from '@/lib/webhooks/read/webhook-health';

export const dynamic = 'force-dynamic';

const filters = deliveryLogQuerySchema.omit({ before: true, limit: true });

/**
 * The Delivery Log's newest page with the given filters, and the webhook's health state: what the
 * open log refreshes itself from (a changed state refreshes the page header too).
 */
export const GET = adminRoute(filters, async ({ event, ...query }, { organisationId, params }: { organisationId: string; params: { id: string } }) => {
  const [page, health] = await Promise.all([listDeliveryAttempts(organisationId, params.id, { ...query, eventType: event }), getWebhookHealth(organisationId, [params.id])]);
  const state = health[params.id];
  return page && state ? { ...page, health: state.health } : undefined;
});
