import { z } from 'zod';
import { adminRoute } from '@/lib/auth/admin-route';
import { getDeliveryOutcome } from '@/lib/webhooks/read/delivery-outcome';

export const dynamic = 'force-dynamic';

/** The latest attempt of a delivery (null until one is recorded): what Send Test Event waits on. */
export const GET = adminRoute(z.object({}), async (_input, { organisationId, params }: { organisationId: string; params: { deliveryId: string } }) => ({
  outcome: await getDeliveryOutcome(organisationId, params.deliveryId),
}));
