/**
 * `npm test`: Vitest (unit + integration) and Playwright (end to end) on a real PostgreSQL.
 * With DATABASE_URL set, a fresh database is created on that server and dropped afterwards;
 * without it, an embedded PostgreSQL runs in a temporary folder. The suite's migrations are
 * applied once here; tests find the database in DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMigrations } from '@/db/migrate';
import { freePort, scratchDatabase } from './lib/scratch-database';
import { readPlaywright, readVitest, type Tally } from './lib/test-reports';

const root = path.resolve(import.meta.dirname, '..');
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
const only = process.argv[2] as 'unit' | 'e2e' | undefined;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(path.join(root, 'node_modules', '.bin', command), args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const db = await scratchDatabase('kazinex_test');
  const reports = mkdtempSync(path.join(tmpdir(), 'kazinex-reports-'));
  let exitCode = 0;
  const tallies: Tally[] = [];
  try {
    await runMigrations(db.url);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: db.url,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      KAZINEX_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      KAZINEX_SERVICE_TOKEN: randomBytes(32).toString('base64url'),
    };

    if (only !== 'e2e') {
      const vitestReport = path.join(reports, 'vitest.json');
      const code = await run('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`], env);
      const tally = readVitest(vitestReport, root);
      if (tally) tallies.push(tally);
      if (code !== 0) exitCode = code;
    }

    if (only !== 'unit') {
      const built = (await run('next', ['build'], { ...env, NODE_ENV: 'production' })) === 0;
      if (!built) {
        exitCode = 1;
        tallies.push({ passed: 0, failed: 1, skipped: 0, failures: ['next build'] });
      } else {
        const playwrightReport = path.join(reports, 'playwright.json');
        const code = await run('playwright', ['test'], {
          ...env,
          PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
          E2E_STRICT_PORT: String(await freePort()),
          E2E_DEV_PORT: String(await freePort()),
          E2E_SSO_PORT: String(await freePort()),
          E2E_OIDC_PORT: String(await freePort()),
          E2E_OPS_PORT: String(await freePort()),
          E2E_OPS_WORKER_PORT: String(await freePort()),
        });
        const tally = readPlaywright(playwrightReport);
        if (tally) tallies.push(tally);
        if (code !== 0) exitCode = code;
      }
    }
  } finally {
    await db.drop().catch((err: unknown) => console.error('Dropping the test database failed:', err));
    rmSync(reports, { recursive: true, force: true });
  }
  const total = tallies.reduce((a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed, skipped: a.skipped + t.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
  const failures = tallies.flatMap((t) => t.failures);
  if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(exitCode || (total.failed > 0 ? 1 : 0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
