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

export async function closeDb(): Promise<void> {
  const current = globalForDb.kazinexDb;
  globalForDb.kazinexDb = undefined;
  await current?.sql.end({ timeout: 5 });
}
