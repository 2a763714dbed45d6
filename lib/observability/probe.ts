import postgres from 'postgres';
import { describeError } from './log';

/**
 * A connection of its own for health checks and scrape-time metrics: they must answer within a
 * second even when PostgreSQL hangs, and must neither wait behind the product's own queries in its
 * pool nor leave stuck queries there. A probe that runs out of time throws its connection away, so
 * the next one starts afresh instead of queueing behind it.
 */
const globalForProbe = globalThis as unknown as { kazinexProbe?: postgres.Sql };

export class ProbeTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

function client(url: string): postgres.Sql {
  globalForProbe.kazinexProbe ??= postgres(url, { max: 1, connect_timeout: 2, idle_timeout: 60, onnotice: () => {} });
  return globalForProbe.kazinexProbe;
}

function discard(sql: postgres.Sql): void {
  if (globalForProbe.kazinexProbe === sql) globalForProbe.kazinexProbe = undefined;
  void sql.end({ timeout: 0 }).catch(() => {});
}

/** Runs `work` on the probe connection, giving up after `timeoutMs`. */
export async function probe<T>(url: string, timeoutMs: number, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = client(url);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(sql),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeout(timeoutMs)), timeoutMs);
      }),
    ]);
  } catch (err) {
    discard(sql);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export type CheckResult = { ok: true } | { ok: false; reason: string };

/** Health endpoints answer within a second; this leaves room for the reply. */
export const CHECK_TIMEOUT_MS = 800;

/**
 * Why a check failed, in words safe for an unauthenticated caller: no host, port, user or
 * statement, only the kind of failure and PostgreSQL's error code.
 */
export function publicReason(err: unknown): string {
  if (err instanceof ProbeTimeout) return err.message;
  const code = (err as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'CONNECT_TIMEOUT') return 'connection timed out';
  if (code === 'CONNECTION_CLOSED' || code === 'CONNECTION_ENDED' || code === 'ECONNRESET') return 'connection closed';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `PostgreSQL error ${code}`;
  return 'unavailable';
}

/** Does PostgreSQL answer a trivial query now? */
export async function checkDatabase(url: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult & { detail?: string }> {
  try {
    await probe(url, timeoutMs, (sql) => sql`select 1`);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: publicReason(err), detail: describeError(err) };
  }
}
