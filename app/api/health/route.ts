/**
 * `GET /api/health` for load balancers and orchestrators: 200 `{"status":"ok"}` while PostgreSQL
 * answers, 503 naming the failing check otherwise. Answers within a second even when PostgreSQL
 * hangs (the check has its own connection and time limit).
 */
import { componentLog } from '@/lib/observability/log';
import { checkDatabase } from '@/lib/observability/probe';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const logger = componentLog('web');
/** Logged when the outcome changes, not on every probe. */
let lastReason: string | null = null;

export async function GET(): Promise<Response> {
  const url = process.env.DATABASE_URL;
  const database = url ? await checkDatabase(url) : { ok: false as const, reason: 'DATABASE_URL is not set', detail: undefined };
  const headers = { 'Cache-Control': 'no-store' };
  if (database.ok) {
    if (lastReason !== null) logger.info({ check: 'database' }, 'health check passes again');
    lastReason = null;
    return Response.json({ status: 'ok' }, { headers });
  }
  if (lastReason !== database.reason) logger.warn({ check: 'database', reason: database.reason, error: database.detail }, 'health check failing');
  lastReason = database.reason;
  return Response.json({ status: 'unavailable', failing: ['database'], checks: { database: database.reason } }, { status: 503, headers });
}
