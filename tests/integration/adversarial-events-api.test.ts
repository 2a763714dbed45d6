import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/v1/events/route';
import { closeDb, getDb } from '@/db/client';
import { env } from '@/lib/env';
import { closePublisher } from '@/lib/webhooks/queue/boss';
import { callEventsApi } from '../support/events-api';
import { createOrganisation, createWebhook, UNREACHABLE_LOOPBACK } from '../support/fixtures';
import { hostileEventRequests } from '../support/hostile-events';

/** Everything a publish could store: events, their deliveries, queued jobs and idempotency keys. */
async function storedRows() {
  const [row] = await getDb().execute<{ events: number; deliveries: number; jobs: number; keys: number }>(sql`
    select (select count(*)::int from events) as events, (select count(*)::int from deliveries) as deliveries,
           (select count(*)::int from pgboss.job) as jobs, (select count(*)::int from idempotency_keys) as keys`);
  return row!;
}

let ids: { organisationId: string; projectId: string };

beforeAll(async () => {
  ids = await createOrganisation('Hostile Events Ltd');
  // A subscribed webhook, so a request that slipped through would also create deliveries and jobs.
  await createWebhook(ids.organisationId, { url: UNREACHABLE_LOOPBACK, events: ['workflow.completed'] });
});

afterAll(async () => {
  await closePublisher();
  await closeDb();
});

describe('the events API under hostile input', () => {
  const cases = hostileEventRequests({ organisationId: 'org_placeholder', projectId: 'proj_placeholder' });

  it.each(cases.map((c) => [c.name, c.status] as const))('answers %s with %i and stores nothing', async (name, status) => {
    const request = hostileEventRequests(ids).find((c) => c.name === name)!;
    const before = await storedRows();
    const response = await callEventsApi(request.body, request.headers);
    const answer = (await response.json()) as { error?: string; message?: string };
    expect(response.status, JSON.stringify(answer).slice(0, 300)).toBe(status);
    expect(answer.message).toEqual(expect.any(String));
    expect(await storedRows()).toEqual(before);
  });

  it('stops reading a chunked body at the limit instead of buffering all of it', async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`"${'x'.repeat(1024 * 1024 - 2)}"`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 100) controller.close(); // 100 MB if read whole
        else controller.enqueue(chunk);
      },
    });
    const before = await storedRows();
    const response = await POST(
      new Request('http://localhost/api/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${env().KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(15);
    expect(await storedRows()).toEqual(before);
  });

  it('answers an unexpected failure with 500, an error id and a log line without the request data', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    // A database that refuses every query stands in for any failure nobody planned for.
    const failing = vi.spyOn(getDb(), 'transaction').mockRejectedValue(Object.assign(new Error(`Failed query: insert … params: secret-${ids.projectId}`), { code: '57P01' }));
    try {
      const response = await callEventsApi({
        event: 'workflow.completed',
        organisation_id: ids.organisationId,
        project_id: ids.projectId,
        data: { workflow_id: 'wf_1', document_id: 'doc_1', document_number: 'N-1', status: 'completed', outcome: 'approved' },
      });
      expect(response.status).toBe(500);
      const answer = (await response.json()) as { error: string; error_id: string; message: string };
      expect(answer.error).toBe('internal_error');
      expect(answer.message).toContain(answer.error_id);
      expect(answer.message).not.toContain('Failed query');
      const logged = lines.map((l) => JSON.parse(l) as { errorId: string; route: string; error: { code: string } });
      expect(logged).toEqual([expect.objectContaining({ errorId: answer.error_id, route: 'POST /api/v1/events', error: expect.objectContaining({ code: '57P01' }) })]);
      expect(lines.join('')).not.toContain(ids.projectId);
    } finally {
      failing.mockRestore();
      vi.restoreAllMocks();
    }
  });
});
