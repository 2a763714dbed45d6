import { apiRoute } from '@/lib/api/operation';
import { sendTestEventOp } from '@/lib/api/management/deliveries';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(sendTestEventOp);
