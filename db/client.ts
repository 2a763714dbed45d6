import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle, PostgresJsDatabase, PostgresJsSession } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';

/**
 * A database handle: the pool's, or one transaction's. Both have the same type, since a
 * transaction's handle is made the same way (below); the relational `db.query` API is not used.
 */
export type Database = PostgresJsDatabase;
export type Transaction = Database;

/** Connections in a process's pool. */
export const POOL_SIZE = 10;

const globalForDb = globalThis as unknown as { kazinexDb?: { db: Database; sql: postgres.Sql }; kazinexDbClients?: WeakMap<Database, postgres.Sql> };

/**
 * The postgres.js client behind each handle made here: the pool's, or a transaction's own
 * connection. Kept on globalThis like the pool, since Next.js may load this module once per bundle.
 */
const clients = (globalForDb.kazinexDbClients ??= new WeakMap<Database, postgres.Sql>());

function handle(sql: postgres.Sql): Database {
  const db = drizzle(sql);
  clients.set(db, sql);
  return db;
}

const dialect = new PgDialect();

/** A handle on one transaction's connection; its type parsers are the pool's, set up by `drizzle()`. */
function transactionHandle(txSql: postgres.TransactionSql): Transaction {
  const tx = new PostgresJsDatabase(dialect, new PostgresJsSession(txSql as unknown as postgres.Sql, dialect, undefined), undefined);
  clients.set(tx, txSql as unknown as postgres.Sql);
  return tx;
}

/**
 * Runs `work` in a transaction on a connection of the pool. It is postgres.js's `begin` with a
 * Drizzle handle on that connection, so code that needs the connection itself (prepared
 * statements, pg-boss inserts) finds it through `clientOf` without reaching into Drizzle.
 */
function transactionOn(sql: postgres.Sql) {
  return <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => sql.begin((txSql) => work(transactionHandle(txSql))) as Promise<T>;
}

function connect() {
  const sql = postgres(env().DATABASE_URL, { max: POOL_SIZE, onnotice: () => {} });
  const db = handle(sql);
  // `getDb().transaction(…)` everywhere runs through transactionOn, so its handle is known too.
  Object.assign(db, { transaction: transactionOn(sql) });
  return { db, sql };
}

/** One pool per process, kept across Next's module reloads. */
export function getDb(): Database {
  globalForDb.kazinexDb ??= connect();
  return globalForDb.kazinexDb.db;
}

/** The postgres.js client behind a handle from getDb() or one of its transactions. */
export function clientOf(db: Database | Transaction): postgres.Sql {
  const client = clients.get(db);
  if (!client) throw new Error('clientOf: not a database handle made by db/client.ts (use getDb() and getDb().transaction())');
  return client;
}

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

/**
 * Runs a statement planned for this call: for its parameters and the tables as they are now. A
 * prepared statement settles on a generic plan after a few calls and keeps it until the next
 * ANALYZE; one settled while a table was nearly empty (a new deployment, the first minute of a
 * burst) scans the whole table for every batch long after it has grown to many thousands of rows.
 * For the delivery path's look-ups and updates of a batch of ids in fast-growing tables: planning
 * costs a fraction of a millisecond, a wrong plan tens to hundreds. Timestamps come back as text.
 */
export function runPlanned<T extends Record<string, unknown>>(db: Database | Transaction, query: SQL): Promise<T[]> {
  const { sql, params } = dialect.sqlToQuery(query);
  return clientOf(db).unsafe<T[]>(sql, params as postgres.ParameterOrJSON<never>[], { prepare: false });
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
