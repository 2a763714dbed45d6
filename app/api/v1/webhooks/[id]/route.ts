import { apiRoute } from '@/lib/api/operation';
import { deleteWebhookOp, getWebhookOp, updateWebhookOp } from '@/lib/api/management/webhooks';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getWebhookOp);
export const PUT = apiRoute(updateWebhookOp);
export const DELETE = apiRoute(deleteWebhookOp);
