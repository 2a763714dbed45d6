import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { runMigrations } from '@/db/migrate';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres';

export type BenchDatabase = { url: string; description: string; drop: () => Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A scratch database for one run: a fresh database on the DATABASE_URL server when it is set,
 * otherwise an embedded PostgreSQL in a temporary folder. Migrated, and removed afterwards.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const name = `kazinex_bench_${randomBytes(4).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL;
  let db: BenchDatabase;
  if (serverUrl) {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    db = {
      url: url.toString(),
      description: `database ${name} on ${url.host} (dropped afterwards)`,
      drop: async () => {
        const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop database if exists ${name} with (force)`);
        await sql.end();
      },
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'kazinex-bench-pg-'));
    // Run as root, PostgreSQL runs as its own user and must be able to enter the folder (mkdtemp makes it 0700).
    chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await freePort(), database: name, persistent: false });
    db = {
      url: pg.url,
      description: 'embedded PostgreSQL in a temporary folder',
      drop: async () => {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  await runMigrations(db.url);
  return db;
}
