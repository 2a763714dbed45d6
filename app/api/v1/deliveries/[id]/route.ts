import { apiRoute } from '@/lib/api/operation';
import { getDeliveryOp } from '@/lib/api/management/deliveries';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDeliveryOp);
