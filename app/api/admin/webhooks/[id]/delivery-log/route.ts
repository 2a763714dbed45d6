import { z } from 'zod';
import { adminRoute } from '@/lib/auth/admin-route';
import { eventTypeSchema } from '@/lib/webhooks/core/events';
import { listDeliveryAttempts } from '@/lib/webhooks/read/delivery-log';

export const dynamic = 'force-dynamic';

const filters = z.object({ status: z.enum(['success', 'failed']).optional(), event: eventTypeSchema.optional() });

/** The Delivery Log's newest page with the given filters: what the open log refreshes itself from. */
export const GET = adminRoute(filters, async ({ status, event }, { organisationId, params }: { organisationId: string; params: { id: string } }) => {
  const page = await listDeliveryAttempts(organisationId, params.id, { status, eventType: event });
  return page ?? undefined;
});
