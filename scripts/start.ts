/**
 * `npm start`: runs the whole product on this machine. Without DATABASE_URL it starts an embedded
 * PostgreSQL in .data/, keeps generated demo secrets there, migrates, seeds the demo organisation,
 * builds the app if needed, then runs the web app and the delivery worker as two processes.
 *
 * Flags: --no-worker (web app only), --no-build (run the existing build as it is).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runMigrations } from '@/db/migrate';
import { DEMO_MEMBER, seedDemo } from '@/db/seed';
import { startDetachedPostgres, type RunningPostgres } from './lib/embedded-postgres';

const root = path.resolve(import.meta.dirname, '..');
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
const dataDir = path.join(root, '.data');
const args = new Set(process.argv.slice(2));

if (existsSync(path.join(root, '.env'))) process.loadEnvFile(path.join(root, '.env'));

const SECRET_NAMES = ['AUTH_SECRET', 'KAZINEX_ENCRYPTION_KEY', 'KAZINEX_SERVICE_TOKEN'] as const;

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

/** Demo secrets are generated once and kept in .data/secrets.json so sessions and sealed secrets survive restarts. */
function demoSecrets(): Record<(typeof SECRET_NAMES)[number], string> {
  const file = path.join(dataDir, 'secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of SECRET_NAMES) {
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return stored as Record<(typeof SECRET_NAMES)[number], string>;
}

function run(command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

/** KAZINEX_LOG_FILE: a copy of the web app's and the worker's output, e.g. for tests that read the logs. */
const logCopy = process.env.KAZINEX_LOG_FILE ? createWriteStream(process.env.KAZINEX_LOG_FILE, { flags: 'w' }) : undefined;

function spawnLogged(command: string, argv: string[], env: NodeJS.ProcessEnv): ChildProcess {
  if (!logCopy) return spawn(command, argv, { cwd: root, env, stdio: 'inherit' });
  const child = spawn(command, argv, { cwd: root, env, stdio: ['inherit', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    logCopy.write(chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    logCopy.write(chunk);
  });
  return child;
}

/** The app needs a build when none exists or a source file changed since the last one. */
function needsBuild(): boolean {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? newer(full) : statSync(full).mtimeMs > builtAt;
    });
  return ['app', 'components', 'lib', 'db'].some((dir) => existsSync(path.join(root, dir)) && newer(path.join(root, dir)));
}

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const adminEmail = process.env.SEED_ADMIN_EMAIL ?? 'admin@example.com';
  const adminPassword = process.env.SEED_ADMIN_PASSWORD ?? 'kazinex-admin';
  let database: RunningPostgres | undefined;

  if (!process.env.DATABASE_URL) {
    const secrets = demoSecrets();
    for (const name of SECRET_NAMES) process.env[name] ||= secrets[name];
    database = await startDetachedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329),
      database: 'kazinex',
      persistent: true,
    });
    process.env.DATABASE_URL = database.url;
    console.log(`Embedded PostgreSQL running (data in ${path.relative(root, dataDir)}/postgres)`);
  } else {
    const missing = SECRET_NAMES.filter((name) => !process.env[name]);
    if (missing.length > 0) {
      fail(`${missing.join(', ')} must be set when DATABASE_URL is set (see .env.example).`);
    }
  }

  const stopDatabase = async () => {
    await database?.stop().catch((err: unknown) => console.error('Stopping PostgreSQL failed:', err));
  };

  try {
    await runMigrations(process.env.DATABASE_URL!);
    await seedDemo(process.env.DATABASE_URL!, { adminEmail, adminPassword });
  } catch (err) {
    await stopDatabase();
    fail(`Preparing the database failed: ${(err as Error).message}`);
  }

  if (!args.has('--no-build') && needsBuild()) {
    console.log('Building the web app…');
    const code = await run(bin('next'), ['build'], { ...process.env, NODE_ENV: 'production' });
    if (code !== 0) {
      await stopDatabase();
      fail('The build failed.');
    }
  }

  const env = { ...process.env, NODE_ENV: 'production' as const, AUTH_TRUST_HOST: 'true' };
  const children: ChildProcess[] = [spawnLogged(bin('next'), ['start', '-p', String(port)], env)];
  if (!args.has('--no-worker')) {
    // A larger young generation cuts the worker's garbage-collection time under load (≈ 10 % more deliveries/s).
    const workerEnv = { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=64`.trim() };
    children.push(spawnLogged(bin('tsx'), ['worker/index.ts'], workerEnv));
  }

  console.log(`
Kazinex Webhooks is starting at http://localhost:${port}
  Org Admin:         ${adminEmail} / ${adminPassword}
  Member:            ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password}
  Events API token:  ${database ? process.env.KAZINEX_SERVICE_TOKEN : 'KAZINEX_SERVICE_TOKEN (as configured; not printed)'}
Press Ctrl-C to stop.
`);

  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await stopDatabase();
    process.exit(code);
  };

  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  for (const child of children) {
    child.on('exit', (code, signal) => {
      if (shuttingDown) return;
      console.error(`A process stopped unexpectedly (${signal ?? `exit code ${code}`}); shutting down.`);
      void shutdown(code || 1);
    });
  }
}

main().catch((err) => fail((err as Error).stack ?? String(err)));
