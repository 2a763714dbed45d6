import { apiRoute } from '@/lib/api/operation';
import { retryFailedSinceOp } from '@/lib/api/management/recovery';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(retryFailedSinceOp);
