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
