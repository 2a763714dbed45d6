import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

const globalForDb = globalThis as unknown as { kazinexDb?: { db: Database; sql: postgres.Sql } };

function connect() {
  const sql = postgres(env().DATABASE_URL, { max: 10, onnotice: () => {} });
  return { db: drizzle(sql, { schema }), sql };
}

/** One pool per process, kept across Next's module reloads. */
export function getDb(): Database {
  globalForDb.kazinexDb ??= connect();
  return globalForDb.kazinexDb.db;
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
