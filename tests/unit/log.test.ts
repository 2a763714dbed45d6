import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError, serializeError } from '@/lib/observability/log';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Runs `code` in a fresh process (the logger reads LOG_FORMAT once) and returns what it printed. */
function logsOf(code: string, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    encoding: 'utf8',
  });
}

/** What drizzle throws for a failed query: its message repeats the statement's parameters. */
class FailedQuery extends Error {
  constructor(readonly params: unknown[], cause: Error) {
    super(`Failed query: insert into delivery_attempts values ($1)\nparams: ${params.join(',')}`, { cause });
  }
}

describe('the logger', () => {
  it('writes one JSON object a line with level, time, msg and the ids, and redacts secret-shaped fields', () => {
    const out = logsOf(`
      const { componentLog } = await import('@/lib/observability/log');
      const log = componentLog('worker', { organisationId: 'org_1', webhookId: 'wh_1' });
      log.info({ deliveryId: 'dlv_1', secret: 'whsec-abc', webhook: { url: 'https://erp.example/hook?token=qtok' }, request: { headers: { authorization: 'Bearer tok123' }, body: '{"data":"payload-marker"}' } }, 'delivery attempt failed');
      log.error({ password: 'pw-marker' }, 'something broke');
    `);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    const [info, error] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(info).toMatchObject({ level: 'info', msg: 'delivery attempt failed', component: 'worker', organisationId: 'org_1', webhookId: 'wh_1', deliveryId: 'dlv_1' });
    expect(Number.isNaN(Date.parse(String(info!.time)))).toBe(false);
    expect(error).toMatchObject({ level: 'error', msg: 'something broke', errorId: expect.stringMatching(/^err_[0-9a-f]{12}$/) });
    for (const secret of ['whsec-abc', 'qtok', 'tok123', 'payload-marker', 'pw-marker']) expect(out).not.toContain(secret);
  });

  it("logs a failed delivery attempt as one line of ids, status and error, never the attempt's URL or bodies", () => {
    const out = logsOf(`
      const { logAttempts } = await import('./worker/job-data.ts');
      const request = { sent: true, held: false, timedOut: false, retryAfterMs: null, endpointSlowed: false, endpointLagging: false };
      const attempt = {
        id: 'att_1', deliveryId: 'dlv_1', organisationId: 'org_1', webhookId: 'wh_1', eventType: 'workflow.completed', trigger: 'automatic',
        requestUrl: 'https://erp.example/hook?token=qtok', responseStatus: 500, responseBody: 'response-marker', responseHeaders: { 'set-cookie': 'sid=cookie-marker' },
        success: false, error: 'HTTP 500 Internal Server Error', durationMs: 12, startedAt: new Date(), completedAt: new Date(),
        deliveryStatus: 'retrying', nextAttemptAt: new Date('2026-01-02T03:04:05Z'), automaticAttempt: 1, request,
      };
      logAttempts({ id: 'job_1', name: 'webhook-deliveries', data: {} }, [attempt, { ...attempt, id: 'att_2', success: true, responseStatus: 200 }]);
    `);
    const lines = out.trim().split('\n');
    expect(lines, 'a line for the failure; a success is logged at debug').toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'info',
      time: expect.any(String),
      pid: expect.any(Number),
      component: 'worker',
      msg: 'delivery attempt failed',
      jobId: 'job_1',
      organisationId: 'org_1',
      webhookId: 'wh_1',
      deliveryId: 'dlv_1',
      attemptId: 'att_1',
      trigger: 'automatic',
      eventType: 'workflow.completed',
      responseStatus: 500,
      durationMs: 12,
      error: { message: 'HTTP 500 Internal Server Error' },
      nextAttemptAt: '2026-01-02T03:04:05.000Z',
    });
    for (const secret of ['qtok', 'erp.example', 'response-marker', 'cookie-marker']) expect(out).not.toContain(secret);
  });

  it('pretty format prints readable lines instead', () => {
    const out = logsOf(`const { componentLog } = await import('@/lib/observability/log'); componentLog('launcher').info('Embedded PostgreSQL running');`, { LOG_FORMAT: 'pretty' });
    expect(out).toMatch(/INFO.*\[launcher\] Embedded PostgreSQL running/);
    expect(() => JSON.parse(out)).toThrow();
  });

  it('describes a failed query by the database error, never by the parameters the wrapper repeats', () => {
    const dbError = Object.assign(new Error('relation "x" does not exist'), { code: '42P01', name: 'PostgresError' });
    const err = new FailedQuery(['{"event":"body-marker"}', 'sealed-secret'], dbError);
    expect(describeError(err)).toBe('relation "x" does not exist (42P01)');
    const serialized = JSON.stringify(serializeError(err));
    expect(serialized).toContain('42P01');
    expect(serialized).not.toContain('body-marker');
    expect(serialized).not.toContain('sealed-secret');
  });
});
