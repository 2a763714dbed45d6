import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Connections in a process's pool. */
export const POOL_SIZE = 10;

const globalForDb = globalThis as unknown as { kazinexDb?: { db: Database; sql: postgres.Sql } };

function connect() {
  const sql = postgres(env().DATABASE_URL, { max: POOL_SIZE, onnotice: () => {} });
  return { db: drizzle(sql, { schema }), sql };
}

/** One pool per process, kept across Next's module reloads. */
export function getDb(): Database {
  globalForDb.kazinexDb ??= connect();
  return globalForDb.kazinexDb.db;
}

/** The postgres.js client behind a database handle or a transaction (its own connection). */
export function clientOf(db: Database | Transaction): postgres.Sql {
  return (db._.session as unknown as { client: postgres.Sql }).client;
}

const dialect = new PgDialect();

/**
 * Runs a statement as a prepared statement of its connection: parsed and planned once, then one
 * round trip per call. Drizzle sends its queries unprepared, which costs a describe round trip and
 * a parse every time; the delivery path runs the same few statements thousands of times a second.
 * For statements whose text does not vary (pass batches as one array or JSON parameter).
 */
export function runPrepared<T extends Record<string, unknown>>(db: Database | Transaction, query: SQL): Promise<T[]> {
  const { sql, params } = dialect.sqlToQuery(query);
  return clientOf(db).unsafe<T[]>(sql, params as postgres.ParameterOrJSON<never>[], { prepare: true });
}

/** The PostgreSQL error code, looking through drizzle's wrapper (which keeps the driver's error as `cause`). */
export function pgErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * LISTENs on a channel over a connection of its own, which reconnects by itself; `onListen` runs
 * on every (re)connect, when notifications sent while it was down may have been missed.
 */
export async function listen(channel: string, onNotify: (payload: string) => void, onListen: () => void): Promise<() => Promise<void>> {
  getDb();
  const { unlisten } = await globalForDb.kazinexDb!.sql.listen(channel, onNotify, onListen);
  return unlisten;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.kazinexDb;
  globalForDb.kazinexDb = undefined;
  await current?.sql.end({ timeout: 5 });
}
