import { apiRoute } from '@/lib/api/operation';
import { rollSecretOp } from '@/lib/api/management/recovery';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(rollSecretOp);
