import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// Two instances of the built app on one test database: "strict" vets endpoint URLs as production
// does; "dev" allows loopback receivers (WEBHOOKS_ALLOW_PRIVATE_URLS), runs the delivery worker, and
// retries a failed delivery once after a second so that schedules run out within a test.
export const STRICT_PORT = Number(process.env.E2E_STRICT_PORT ?? 3101);
export const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? 3102);

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Where the servers' output is copied (scripts/start.ts, KAZINEX_LOG_FILE) for the spec that reads the logs. */
export const SERVER_LOG_DIR = process.env.E2E_SERVER_LOG_DIR ?? path.join(tmpdir(), `kazinex-e2e-logs-${STRICT_PORT}-${DEV_PORT}`);
export const serverLogFile = (name: 'strict' | 'dev') => path.join(SERVER_LOG_DIR, `${name}.log`);
mkdirSync(SERVER_LOG_DIR, { recursive: true });

const server = (name: 'strict' | 'dev', port: number, env: Record<string, string>, flags: string) => ({
  command: `node_modules/.bin/tsx scripts/start.ts --no-build ${flags}`.trim(),
  url: `http://127.0.0.1:${port}/sign-in`,
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: 'pipe' as const,
  // Without colours, so the log check can tell a raw control character from a terminal colour code.
  env: { ...(process.env as Record<string, string>), PORT: String(port), KAZINEX_LOG_FILE: serverLogFile(name), FORCE_COLOR: '0', NO_COLOR: '1', ...env },
});

export default defineConfig({
  testDir: './tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    ...devices['Desktop Chrome'],
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    // "capture" checks that the servers' output is being copied; its teardown, "logs", reads both logs once
    // every strict and dev spec has sent its hostile input, whether or not those specs passed.
    { name: 'capture', testMatch: /logs\/capture\.setup\.ts/, teardown: 'logs' },
    { name: 'strict', testMatch: /strict\/.*\.spec\.ts/, dependencies: ['capture'], use: { baseURL: `http://127.0.0.1:${STRICT_PORT}` } },
    { name: 'dev', testMatch: /dev\/.*\.spec\.ts/, dependencies: ['capture'], use: { baseURL: `http://127.0.0.1:${DEV_PORT}` } },
    { name: 'logs', testMatch: /logs\/.*\.spec\.ts/ },
  ],
  webServer: [
    server('strict', STRICT_PORT, { WEBHOOKS_ALLOW_PRIVATE_URLS: 'false' }, '--no-worker'),
    server('dev', DEV_PORT, { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_RETRY_SCHEDULE: '1' }, ''),
  ],
});
