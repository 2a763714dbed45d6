import { describe, expect, it } from 'vitest';
import { firstUnsafeString, isRecordId, isStorableDate, jsonProblem, readBodyWithin, safeString, storableDateTime, unsafeStringReason } from '@/lib/validation';

describe('safe strings', () => {
  it.each([
    ['a\u0000b', 'must not contain NUL characters'],
    ['bell\u0007', 'must not contain control characters'],
    ['esc\u001b[31m', 'must not contain control characters'],
    ['del\u007f', 'must not contain control characters'],
    ['two\nlines', 'must not contain line breaks'],
    ['cr\rlf', 'must not contain line breaks'],
    ['lone \ud800 high', 'must be valid Unicode text'],
    ['lone \udc00 low', 'must be valid Unicode text'],
  ])('refuses %j', (value, reason) => {
    expect(unsafeStringReason(value)).toBe(reason);
  });

  it('accepts ordinary text, tabs and paired surrogates, and line breaks where allowed', () => {
    expect(unsafeStringReason('ERP Integration — Workflow Events\t😀')).toBeNull();
    expect(unsafeStringReason('two\nlines', { allowNewlines: true })).toBeNull();
  });

  it('bounds the length and names the field in the message', () => {
    const name = safeString({ min: 1, max: 5, label: 'The name' });
    expect(name.safeParse('abcdef').error?.issues[0]?.message).toBe('The name can be at most 5 characters');
    expect(name.safeParse('').error?.issues[0]?.message).toBe('The name is required');
    expect(name.safeParse('a\u0000').error?.issues[0]?.message).toBe('The name must not contain NUL characters');
    expect(name.safeParse('abc').success).toBe(true);
  });
});

describe('record ids', () => {
  it('accepts minted and seeded ids only', () => {
    expect(isRecordId('wh_3k9x0000000000000000')).toBe(true);
    expect(isRecordId('org_demo')).toBe(true);
    for (const bad of ['', 'wh_\u0000', "x' or 1=1", 'a'.repeat(65), 'wh/../x', 42]) expect(isRecordId(bad), String(bad)).toBe(false);
  });
});

describe('dates PostgreSQL can store', () => {
  it.each(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z'])('refuses %s', (value) => {
    expect(isStorableDate(new Date(value))).toBe(false);
  });
  it('refuses an invalid date and accepts the ends of the range', () => {
    expect(isStorableDate(new Date('nope'))).toBe(false);
    expect(isStorableDate(new Date('0001-01-01T00:00:00Z'))).toBe(true);
    expect(isStorableDate(new Date('9999-12-31T23:59:59Z'))).toBe(true);
  });
  it('gives the schema message for a year outside the range', () => {
    const schema = storableDateTime('Choose a date');
    expect(schema.safeParse('0000-01-01T00:00:00Z').error?.issues[0]?.message).toBe('Choose a date');
    expect(schema.safeParse('2024-03-15T10:30:00+02:00').success).toBe(true);
  });
});

describe('JSON limits', () => {
  function nested(depth: number): unknown {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
    return value;
  }

  it('refuses a value nested beyond the limit without overflowing the stack', () => {
    expect(jsonProblem(JSON.parse(JSON.stringify(nested(50))), { maxDepth: 64 })).toBeNull();
    expect(jsonProblem(nested(100_000), { maxDepth: 64 })?.message).toBe('is nested more than 64 levels deep');
  });

  it('refuses NUL and lone surrogates in strings and keys, too many values and overlong strings', () => {
    expect(jsonProblem({ a: [0, 'x\u0000'] }, { maxDepth: 8 })).toEqual({ path: ['a', 1], message: 'contains a NUL character' });
    expect(jsonProblem({ d: { 'k\u0000': 1 } }, { maxDepth: 8 })).toEqual({ path: ['d'], message: 'contains a NUL character in a key' });
    expect(jsonProblem(['\ud800'], { maxDepth: 8 })).toEqual({ path: [0], message: 'contains text that is not valid Unicode' });
    expect(jsonProblem(Array(11).fill(1), { maxDepth: 8, maxKeys: 10 })?.message).toBe('has more than 10 values');
    expect(jsonProblem('x'.repeat(11), { maxDepth: 8, maxStringLength: 10 })?.message).toBe('contains a string longer than 10 characters');
    expect(jsonProblem({ ok: ['fine', 1, null, { deeper: true }] }, { maxDepth: 8 })).toBeNull();
  });
});

describe('firstUnsafeString', () => {
  it('names the top-level key the bad string came in', () => {
    expect(firstUnsafeString({ id: 'wh_1', name: 'a\u0000' })).toEqual({ key: 'name', reason: 'must not contain NUL characters' });
    expect(firstUnsafeString({ eventTypes: ['ok', 'x\u0001'] })).toEqual({ key: 'eventTypes', reason: 'must not contain control characters' });
    expect(firstUnsafeString('\u0000')).toEqual({ key: undefined, reason: 'must not contain NUL characters' });
    expect(firstUnsafeString({ note: 'two\nlines', n: 3, on: true })).toBeNull();
  });
});

describe('readBodyWithin', () => {
  function chunked(chunks: number, size: number, onPull: () => void) {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        onPull();
        if (sent++ >= chunks) controller.close();
        else controller.enqueue(new Uint8Array(size).fill(0x61));
      },
    });
    return new Request('http://localhost/', { method: 'POST', body, duplex: 'half' } as RequestInit);
  }

  it('stops reading as soon as a streamed body passes the limit', async () => {
    let pulls = 0;
    const read = await readBodyWithin(chunked(1000, 1024, () => pulls++), 10 * 1024);
    expect(read).toEqual({ ok: false });
    expect(pulls).toBeLessThan(20);
  });

  it('reads a body within the limit whole, and refuses a declared length over it unread', async () => {
    expect(await readBodyWithin(chunked(3, 4, () => {}), 100)).toEqual({ ok: true, text: 'aaaaaaaaaaaa' });
    const declared = new Request('http://localhost/', { method: 'POST', body: 'x', headers: { 'content-length': '999999' } });
    expect(await readBodyWithin(declared, 100)).toEqual({ ok: false });
  });
});
