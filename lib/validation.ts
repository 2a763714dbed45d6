import { z } from 'zod';

/**
 * Checks every input boundary (events API, server actions, page parameters, cursors) makes before a
 * value reaches PostgreSQL or JSON.stringify, so hostile input gets a clear 4xx instead of a crash.
 * PostgreSQL refuses NUL in text and jsonb, years outside 1–9999 as JavaScript writes them, lone
 * UTF-16 surrogates in jsonb; JSON.stringify overflows the stack on deeply nested values.
 */

/** C0 control characters and DEL, except tab, line feed and carriage return. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as PostgreSQL text, or null when it can. */
export function unsafeStringReason(value: string, { allowNewlines = false } = {}): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (CONTROL_CHARACTER.test(value)) return 'must not contain control characters';
  if (!allowNewlines && /[\r\n]/.test(value)) return 'must not contain line breaks';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text';
  return null;
}

/** A string PostgreSQL can store and a log line cannot be forged with: no control characters, bounded length. */
export function safeString({ min = 0, max, label = 'This value', allowNewlines = false }: { min?: number; max: number; label?: string; allowNewlines?: boolean }) {
  return z
    .string()
    .min(min, min === 1 ? `${label} is required` : `${label} must be at least ${min} characters`)
    .max(max, `${label} can be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const reason = unsafeStringReason(value, { allowNewlines });
      if (reason) ctx.addIssue({ code: 'custom', message: `${label} ${reason}` });
    });
}

/** The ids this product mints (`wh_…`, `dlv_…`) and those other Kazinex services send: letters, digits, `_` and `-`. */
export const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isRecordId(value: unknown): value is string {
  return typeof value === 'string' && RECORD_ID.test(value);
}

/** A record id from a client: anything else cannot name a row, so it is refused before any query. */
export const recordId = z.string().regex(RECORD_ID, 'Not found');

// JavaScript writes years outside 0001–9999 as "0000-…" or "+010000-…", which PostgreSQL refuses.
const FIRST_STORABLE = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_STORABLE = Date.parse('9999-12-31T23:59:59.999Z');

/** True for a valid Date whose UTC year is 1–9999: the range PostgreSQL accepts from `toISOString()`. */
export function isStorableDate(date: Date): boolean {
  const t = date.getTime();
  return Number.isFinite(t) && t >= FIRST_STORABLE && t <= LAST_STORABLE;
}

/** An ISO 8601 date-time with an offset, within the range PostgreSQL stores. */
export function storableDateTime(message = 'Enter a date and time between the years 1 and 9999') {
  return z.iso.datetime({ offset: true, message }).refine((value) => isStorableDate(new Date(value)), message);
}

export type JsonLimits = { maxDepth: number; maxKeys?: number; maxStringLength?: number };

export type JsonProblem = { path: (string | number)[]; message: string };

/**
 * Why a parsed JSON value cannot be stored or serialized safely, with where in it, or null. Walks
 * iteratively, so a value nested far deeper than the limit is refused without overflowing the stack.
 */
export function jsonProblem(value: unknown, { maxDepth, maxKeys = 10_000, maxStringLength = 1_000_000 }: JsonLimits): JsonProblem | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  let keys = 0;
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.length > maxStringLength) return { path, message: `contains a string longer than ${maxStringLength} characters` };
      if (current.includes('\u0000')) return { path, message: 'contains a NUL character' };
      if (LONE_SURROGATE.test(current)) return { path, message: 'contains text that is not valid Unicode' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= maxDepth) return { path: path.slice(0, 8), message: `is nested more than ${maxDepth} levels deep` };
    const entries: [string | number, unknown][] = Array.isArray(current) ? current.map((v, i) => [i, v]) : Object.entries(current as Record<string, unknown>);
    keys += entries.length;
    if (keys > maxKeys) return { path, message: `has more than ${maxKeys} values` };
    for (const [key, child] of entries) {
      if (typeof key === 'string' && key.includes('\u0000')) return { path, message: 'contains a NUL character in a key' };
      if (typeof key === 'string' && LONE_SURROGATE.test(key)) return { path, message: 'contains a key that is not valid Unicode' };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/**
 * Finds the first string anywhere in a value (an action's input) that PostgreSQL cannot store,
 * and names its top-level key. Newlines are allowed here; fields that forbid them say so in their schema.
 */
export function firstUnsafeString(value: unknown): { key: string | undefined; reason: string } | null {
  const stack: { value: unknown; key: string | undefined; depth: number }[] = [{ value, key: undefined, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, key, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const reason = unsafeStringReason(current, { allowNewlines: true });
      if (reason) return { key, reason };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= 16) return { key, reason: 'is nested too deeply' };
    for (const [childKey, child] of Object.entries(current as Record<string, unknown>)) {
      const reason = unsafeStringReason(childKey, { allowNewlines: false });
      if (reason) return { key, reason };
      stack.push({ value: child, key: key ?? (Array.isArray(current) ? undefined : childKey), depth: depth + 1 });
    }
  }
  return null;
}

/** Reads a request body while it streams, stopping as soon as it passes `maxBytes`. */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false }> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) return { ok: false };
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}
