import { runMigrations } from '@/db/migrate';
import { scratchDatabase, type ScratchDatabase } from '../scripts/lib/scratch-database';

export type BenchDatabase = ScratchDatabase;

/** A migrated scratch database for one benchmark run, removed afterwards. */
export async function benchDatabase(): Promise<BenchDatabase> {
  const db = await scratchDatabase('kazinex_bench');
  await runMigrations(db.url);
  return db;
}
