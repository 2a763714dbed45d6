import { apiRoute } from '@/lib/api/operation';
import { reEnableOp } from '@/lib/api/management/recovery';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(reEnableOp);
