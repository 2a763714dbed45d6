import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { renderMetrics } from '@/lib/observability/metrics';
import { checkDatabase } from '@/lib/observability/probe';

/** The worker's default health and metrics port (Prometheus exporters' usual range). */
export const DEFAULT_HEALTH_PORT = 9464;

export type HealthCheck = () => Promise<{ ok: true } | { ok: false; reason: string }>;

/**
 * `GET /health`: 200 `{"status":"ok"}` while PostgreSQL answers and every pump is fetching, 503
 * with the failing checks otherwise (also while stopping). `GET /metrics`: Prometheus text.
 * Answers within a second: the database check has its own connection and time limit.
 */
export function createHealthServer(opts: { databaseUrl: string; fetching: HealthCheck; logger: Logger }): Server {
  let lastFailing = '{}';
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/health') {
      void Promise.all([checkDatabase(opts.databaseUrl), opts.fetching()]).then(([database, fetching]) => {
        const checks: Record<string, string> = {};
        if (!database.ok) checks.database = database.reason;
        if (!fetching.ok) checks.fetching = fetching.reason;
        const failing = Object.keys(checks);
        const key = JSON.stringify(checks);
        if (key !== lastFailing) {
          if (failing.length > 0) opts.logger.warn({ checks, error: database.ok ? undefined : database.detail }, 'health check failing');
          else opts.logger.info('health check passes again');
          lastFailing = key;
        }
        const body = failing.length === 0 ? { status: 'ok' } : { status: 'unavailable', failing, checks };
        res.writeHead(failing.length === 0 ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(body));
      });
      return;
    }
    if (path === '/metrics') {
      renderMetrics().then(
        ({ body, contentType }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: try /health or /metrics\n');
  });
}

/**
 * Listens on the configured port. An explicitly configured port that is taken stops the worker
 * (an operator asked for that port); the default one, taken (by a second worker on this machine,
 * say), gives way to a free port, logged, so `npm start` still runs.
 */
export async function listenHealthServer(server: Server, configured: number | undefined, logger: Logger): Promise<number> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(port, () => {
        server.off('error', onError);
        resolve((server.address() as AddressInfo).port);
      });
    });
  if (configured !== undefined) return listen(configured);
  try {
    return await listen(DEFAULT_HEALTH_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const port = await listen(0);
    logger.warn({ healthPort: port }, `port ${DEFAULT_HEALTH_PORT} is taken: health and metrics are on port ${port} instead (set WORKER_HEALTH_PORT to choose)`);
    return port;
  }
}
