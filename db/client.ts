import { AsyncLocalStorage } from 'node:async_hooks';
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
/** Connections in the worker's pool for slowed-down endpoints' work (see `onSlowedPool`). */
const SLOWED_POOL_SIZE = 4;

type Pool = { db: Database; sql: postgres.Sql };

const globalForDb = globalThis as unknown as { kazinexDb?: Pool; kazinexSlowedDb?: Pool; kazinexDbClients?: WeakMap<Database, postgres.Sql> };

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

function connect(max: number): Pool {
  const sql = postgres(env().DATABASE_URL, { max, onnotice: () => {} });
  const db = handle(sql);
  // `getDb().transaction(…)` everywhere runs through transactionOn, so its handle is known too.
  Object.assign(db, { transaction: transactionOn(sql) });
  return { db, sql };
}

const onSlowed = new AsyncLocalStorage<boolean>();

/**
 * Runs `work` with `getDb()` handing out a pool of its own: for the worker's work on slowed-down
 * endpoints (their lane of the pump, the parked release, the moves of their waiting jobs, the
 * lagging marks). That work holds webhook rows that a wave of time-outs has locked, and runs long
 * statements; on the shared pool, a query that finds every connection busy is queued behind one of
 * them (postgres.js pipelines it), and an answering endpoint's delivery waits for a dead one's.
 */
export function onSlowedPool<T>(work: () => Promise<T>): Promise<T> {
  return onSlowed.run(true, work);
}

/** Runs `work` on the shared pool, even when called from work on the slowed pool. */
export function onSharedPool<T>(work: () => Promise<T>): Promise<T> {
  return onSlowed.run(false, work);
}

const sharedPool = () => (globalForDb.kazinexDb ??= connect(POOL_SIZE));
const slowedPool = () => (globalForDb.kazinexSlowedDb ??= connect(SLOWED_POOL_SIZE));

/** One pool per process, kept across Next's module reloads; inside `onSlowedPool`, that one. */
export function getDb(): Database {
  return (onSlowed.getStore() ? slowedPool() : sharedPool()).db;
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
  const { unlisten } = await sharedPool().sql.listen(channel, onNotify, onListen);
  return unlisten;
}

export async function closeDb(): Promise<void> {
  const pools = [globalForDb.kazinexDb, globalForDb.kazinexSlowedDb];
  globalForDb.kazinexDb = undefined;
  globalForDb.kazinexSlowedDb = undefined;
  await Promise.all(pools.map((pool) => pool?.sql.end({ timeout: 5 })));
}
