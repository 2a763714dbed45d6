import { apiRoute } from '@/lib/api/operation';
import { createWebhookOp, listWebhooksOp } from '@/lib/api/management/webhooks';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listWebhooksOp);
export const POST = apiRoute(createWebhookOp);
