import { sql, type SQL } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb, runPlanned, runPrepared, type Transaction } from '@/db/client';

afterAll(() => closeDb());

/**
 * Runs a statement six times (past the five calls after which PostgreSQL may settle on a generic
 * plan) and reports whether its connection keeps it as a prepared statement, whose plan could
 * then outlive the table sizes it was made for.
 */
async function keptPrepared(run: (tx: Transaction, query: SQL) => Promise<unknown[]>, marker: string): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    for (let i = 0; i < 6; i++) await run(tx, sql`select ${i}::int as ${sql.identifier(marker)}`);
    const kept = await tx.execute(sql`select 1 from pg_prepared_statements where statement like ${`%${marker}%`} and not from_sql`);
    return kept.length > 0;
  });
}

describe('runPlanned', () => {
  it('plans every call afresh: its statement is never kept prepared on the connection', async () => {
    expect(await keptPrepared(runPlanned, 'planned_each_call')).toBe(false);
  });

  it('differs from runPrepared, whose statement the connection keeps', async () => {
    expect(await keptPrepared(runPrepared, 'kept_prepared')).toBe(true);
  });
});
