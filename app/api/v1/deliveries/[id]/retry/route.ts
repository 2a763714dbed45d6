import { apiRoute } from '@/lib/api/operation';
import { retryDeliveryOp } from '@/lib/api/management/deliveries';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(retryDeliveryOp);
