import { apiRoute } from '@/lib/api/operation';
import { replaceSubscriptionsOp } from '@/lib/api/management/webhooks';

export const dynamic = 'force-dynamic';

export const PUT = apiRoute(replaceSubscriptionsOp);
