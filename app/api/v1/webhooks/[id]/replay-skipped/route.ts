import { apiRoute } from '@/lib/api/operation';
import { replaySkippedOp } from '@/lib/api/management/recovery';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(replaySkippedOp);
