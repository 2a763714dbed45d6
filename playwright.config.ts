import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

import { DEV_PORT, OIDC_CLIENT, OIDC_PORT, OPS_PORT, origin, SSO_PORT, ssoOrigin, STRICT_PORT } from './tests/e2e/ports';

// Three instances of the built app on one test database: "strict" vets endpoint URLs as production
// does; "dev" allows loopback receivers (WEBHOOKS_ALLOW_PRIVATE_URLS), runs the delivery worker, and
// retries a failed delivery once after a second so that schedules run out within a test; "sso" signs
// in through a real OpenID Connect provider that runs beside them on loopback.
// Tests under fresh/ and ops/ start their own instance, as an operator would, on a fresh database.
export { DEV_PORT, STRICT_PORT };

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Where the servers' output is copied (scripts/start.ts, KAZINEX_LOG_FILE) for the spec that reads the logs. */
export const SERVER_LOG_DIR = process.env.E2E_SERVER_LOG_DIR ?? path.join(tmpdir(), `kazinex-e2e-logs-${STRICT_PORT}-${DEV_PORT}`);
export const serverLogFile = (name: 'strict' | 'dev' | 'sso') => path.join(SERVER_LOG_DIR, `${name}.log`);
mkdirSync(SERVER_LOG_DIR, { recursive: true });

const server = (name: 'strict' | 'dev' | 'sso', port: number, env: Record<string, string>, flags: string) => ({
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
    // "capture" checks that the servers' output is being copied; its teardown, "logs", reads the logs once
    // every strict, dev and sso spec has sent its hostile input, whether or not those specs passed.
    { name: 'capture', testMatch: /logs\/capture\.setup\.ts/, teardown: 'logs' },
    { name: 'strict', testMatch: /strict\/.*\.spec\.ts/, dependencies: ['capture'], use: { baseURL: `http://127.0.0.1:${STRICT_PORT}` } },
    { name: 'dev', testMatch: /dev\/.*\.spec\.ts/, dependencies: ['capture'], use: { baseURL: `http://127.0.0.1:${DEV_PORT}` } },
    { name: 'sso', testMatch: /sso\/.*\.spec\.ts/, dependencies: ['capture'], use: { baseURL: ssoOrigin() } },
    { name: 'fresh', testMatch: /e2e\/fresh\/.*\.spec\.ts/ },
    { name: 'ops', testMatch: /ops\/.*\.spec\.ts/, use: { baseURL: origin(OPS_PORT) } },
    { name: 'logs', testMatch: /logs\/.*\.spec\.ts/ },
  ],
  webServer: [
    server('strict', STRICT_PORT, { WEBHOOKS_ALLOW_PRIVATE_URLS: 'false' }, '--no-worker'),
    // Its worker's health and metrics listen on a free port, so parallel runs never collide.
    server('dev', DEV_PORT, { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_RETRY_SCHEDULE: '1', WORKER_HEALTH_PORT: '0' }, ''),
    {
      command: 'node_modules/.bin/tsx tests/support/oidc-provider.ts',
      url: `${origin(OIDC_PORT)}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe' as const,
      env: {
        ...(process.env as Record<string, string>),
        OIDC_PORT: String(OIDC_PORT),
        OIDC_CLIENT_ID: OIDC_CLIENT.id,
        OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
        OIDC_REDIRECT_URI: `${ssoOrigin()}/api/auth/callback/oidc`,
      },
    },
    server(
      'sso',
      SSO_PORT,
      {
        WEBHOOKS_ALLOW_PRIVATE_URLS: 'false',
        // The public URL: the identity provider redirects back to exactly this origin.
        AUTH_URL: ssoOrigin(),
        AUTH_OIDC_ISSUER: origin(OIDC_PORT),
        AUTH_OIDC_CLIENT_ID: OIDC_CLIENT.id,
        AUTH_OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
      },
      '--no-worker',
    ),
  ],
});
