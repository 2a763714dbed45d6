import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlaywright, readVitest } from '@/scripts/lib/test-reports';

const dir = mkdtempSync(path.join(tmpdir(), 'kazinex-reports-test-'));
const report = (name: string, body: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
};

describe("npm test's summary", () => {
  it("names Vitest's failed tests, and a file that failed before any test ran", () => {
    const file = report('vitest.json', {
      numPassedTests: 2,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 0,
      testResults: [
        {
          name: '/repo/tests/unit/a.test.ts',
          status: 'failed',
          assertionResults: [
            { fullName: 'outer fails on purpose', status: 'failed' },
            { fullName: 'outer passes', status: 'passed' },
          ],
        },
        { name: '/repo/tests/unit/b.test.ts', status: 'passed', assertionResults: [{ fullName: 'b passes', status: 'passed' }] },
        { name: '/repo/tests/integration/c.test.ts', status: 'failed', message: 'Cannot find module x\n    at stack', assertionResults: [] },
      ],
    });
    expect(readVitest(file, '/repo')).toEqual({
      passed: 2,
      failed: 1,
      skipped: 1,
      failures: ['tests/unit/a.test.ts › outer fails on purpose', 'tests/integration/c.test.ts: Cannot find module x'],
    });
  });

  it("names Playwright's unexpected results with their project, through nested describe blocks, but not flaky ones", () => {
    const file = report('playwright.json', {
      stats: { expected: 3, unexpected: 2, flaky: 1, skipped: 0 },
      suites: [
        {
          title: 'dev/tutorial.spec.ts',
          file: 'dev/tutorial.spec.ts',
          specs: [
            { title: 'passes', file: 'dev/tutorial.spec.ts', tests: [{ projectName: 'dev', status: 'expected' }] },
            { title: 'is flaky', file: 'dev/tutorial.spec.ts', tests: [{ projectName: 'dev', status: 'flaky' }] },
            { title: 'fails', file: 'dev/tutorial.spec.ts', tests: [{ projectName: 'dev', status: 'unexpected' }] },
          ],
          suites: [
            {
              title: 'a describe block',
              file: 'dev/tutorial.spec.ts',
              specs: [{ title: 'fails inside it', file: 'dev/tutorial.spec.ts', tests: [{ projectName: 'strict', status: 'unexpected' }] }],
            },
          ],
        },
      ],
    });
    expect(readPlaywright(file)).toEqual({
      passed: 4,
      failed: 2,
      skipped: 0,
      failures: ['[dev] dev/tutorial.spec.ts › fails', '[strict] dev/tutorial.spec.ts › fails inside it'],
    });
  });

  it('reads nothing when a runner wrote no report', () => {
    expect(readVitest(path.join(dir, 'missing.json'), '/repo')).toBeUndefined();
    expect(readPlaywright(path.join(dir, 'missing.json'))).toBeUndefined();
  });
});
