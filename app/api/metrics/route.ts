/**
 * `GET /api/metrics`: this web instance's Prometheus metrics (events published, process figures)
 * and the database-wide backlog gauges. Expose it to the scraper only (see docs/operations.md).
 */
import { renderMetrics } from '@/lib/observability/metrics';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(): Promise<Response> {
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
}
