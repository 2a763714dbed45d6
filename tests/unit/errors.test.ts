import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportUnexpected, unexpectedMessage } from '@/lib/errors';

function captureStderr() {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('reportUnexpected', () => {
  it('writes one JSON line with an error id and the error codes, never the query parameters or message', () => {
    const lines = captureStderr();
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00 near "hunter2-secret"'), {
      code: '22021',
      routine: 'report_invalid_encoding',
    });
    const err = new DrizzleQueryError('insert into "webhooks" ("name", "secret_ciphertext") values ($1, $2)', ['evil\u0000\nname', 'sealed:hunter2-secret'], cause);
    const errorId = reportUnexpected(err, { action: 'createWebhook' });

    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.slice(0, -1)).not.toMatch(/[\u0000-\u001f]/);
    const logged = JSON.parse(lines[0]!);
    expect(logged).toMatchObject({ level: 'error', errorId, action: 'createWebhook', error: { name: 'DrizzleQueryError', cause: { code: '22021', routine: 'report_invalid_encoding' } } });
    expect(logged.error.frames.length).toBeGreaterThan(0);
    for (const secret of ['hunter2', 'evil', 'sealed', 'insert into', 'Failed query']) expect(lines[0]).not.toContain(secret);
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('copes with thrown values that are not errors, and ids are unique', () => {
    const lines = captureStderr();
    const a = reportUnexpected('a string with a token abc123', { route: 'POST /api/v1/events' });
    const b = reportUnexpected(undefined, { route: 'POST /api/v1/events' });
    expect(a).not.toBe(b);
    expect(lines.join('')).not.toContain('abc123');
    expect(JSON.parse(lines[0]!)).toMatchObject({ route: 'POST /api/v1/events', error: { type: 'string' } });
  });

  it('tells the client only that something failed, with the id', () => {
    expect(unexpectedMessage('1234')).toBe('Something went wrong on our side. If it happens again, quote error id 1234.');
  });
});
