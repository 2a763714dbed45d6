import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { serverLogFile } from '../../../playwright.config';
import { HOSTILE_DATA_MARKER, LOGGED_NOWHERE } from '../../support/hostile-events';

// Runs after every strict and dev spec (the "logs" project depends on both), so both servers' logs
// hold whatever the hostile inputs, failed deliveries and sign-ins made them write.

const logs = () => ({ strict: readFileSync(serverLogFile('strict'), 'utf8'), dev: readFileSync(serverLogFile('dev'), 'utf8') });

test('the logs of the web apps and the worker were captured', () => {
  for (const name of ['strict', 'dev'] as const) expect(existsSync(serverLogFile(name)), name).toBe(true);
  const { strict, dev } = logs();
  expect(strict).toContain('Ready');
  expect(dev).toMatch(/"component":"worker"[^\n]*"msg":"worker ready/);
});

test('no secret, token, password, event data, query parameter or raw control character reaches a log', () => {
  const secrets: [string, string | RegExp][] = [
    ['the service token', process.env.KAZINEX_SERVICE_TOKEN!],
    ['the auth secret', process.env.AUTH_SECRET!],
    ['the encryption key', process.env.KAZINEX_ENCRYPTION_KEY!],
    ['a test password', /pw-[a-z0-9]{8}-secret/],
    ['the demo passwords', /kazinex-(admin|member)\b/],
    ['a wrong password typed at sign-in', LOGGED_NOWHERE.wrongPassword],
    ['a webhook secret of the specs', /wh_(prod_a8f3x9d2k7q4m1z6|hostile_secret_5b2e9c1d7a|other_org_secret_93kd02jx|hostile_probe_secret_0001|log_check_secret_4c8e1a0b9d)/],
    ['a generated webhook secret', /wh_[0-9a-f]{64}/],
    ['a sealed secret', /v1:[A-Za-z0-9+/_-]{40,}/],
    ['event data', HOSTILE_DATA_MARKER],
    ['event data of the tutorial', 'STR-DWG-ZA-0001'],
    ["a receiver's answer", LOGGED_NOWHERE.receiverBody],
    ['a failed query with its parameters', /Failed query|params:/],
    ['a raw control character', /[\u0000-\u0008\u000B-\u001F\u007F]/],
  ];
  for (const [server, text] of Object.entries(logs())) {
    expect(text.length, `${server} log`).toBeGreaterThan(0);
    for (const [what, pattern] of secrets) {
      const found = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
      expect(found, `${what} in the ${server} log`).toBe(false);
    }
  }
});
