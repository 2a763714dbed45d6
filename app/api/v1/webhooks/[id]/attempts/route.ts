import { apiRoute } from '@/lib/api/operation';
import { listAttemptsOp } from '@/lib/api/management/deliveries';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(listAttemptsOp);
