import { sql } from 'drizzle-orm';
import { getDb, runPrepared } from '@/db/client';

/**
 * What an attempt costs on disk: the table with its TOAST (all rows), its indexes, and the stored
 * response bodies, per attempt. VACUUM first so dead row versions are not counted.
 */
export async function attemptStorage(): Promise<{ attempts: number; tableBytes: number; indexBytes: number; responseBodyBytes: number }> {
  await runPrepared(getDb(), sql`vacuum delivery_attempts`);
  const [row] = await runPrepared<{ attempts: number; table_bytes: string; index_bytes: string; body_bytes: string }>(
    getDb(),
    sql`select (select count(*)::int from delivery_attempts) as attempts,
               pg_table_size('delivery_attempts') as table_bytes,
               pg_indexes_size('delivery_attempts') as index_bytes,
               (select coalesce(sum(pg_column_size(response_body)), 0) from delivery_attempts) as body_bytes`,
  );
  const per = (n: string) => Math.round(Number(n) / Math.max(1, row!.attempts));
  return { attempts: row!.attempts, tableBytes: per(row!.table_bytes), indexBytes: per(row!.index_bytes), responseBodyBytes: per(row!.body_bytes) };
}
