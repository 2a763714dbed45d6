import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { serverLogFile } from '../../../playwright.config';

test("both servers' output is being copied to their log files", () => {
  for (const name of ['strict', 'dev'] as const) {
    expect(existsSync(serverLogFile(name)), name).toBe(true);
    expect(readFileSync(serverLogFile(name), 'utf8')).toContain('Ready');
  }
});
