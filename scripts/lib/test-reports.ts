/** The totals and failed tests' names of Vitest's and Playwright's JSON reports, for `npm test`'s summary. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** `failures`: the failed tests' names, repeated at the very end, where a CI log's tail shows them. */
export type Tally = { passed: number; failed: number; skipped: number; failures: string[] };

export function readVitest(file: string, root: string): Tally | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults?: { name: string; status?: string; message?: string; assertionResults?: { fullName: string; status: string }[] }[];
  };
  const failures = (r.testResults ?? []).flatMap((f) => {
    const file = path.relative(root, f.name);
    const failed = (f.assertionResults ?? []).filter((a) => a.status === 'failed').map((a) => `${file} › ${a.fullName}`);
    // A file that failed before its tests ran (an import or a hook) has no failed test of its own.
    return failed.length === 0 && f.status === 'failed' ? [`${file}: ${(f.message ?? 'failed').split('\n')[0]}`] : failed;
  });
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests, failures };
}

type PlaywrightSuite = {
  title: string;
  file?: string;
  specs?: { title: string; file?: string; tests: { projectName: string; status: string }[] }[];
  suites?: PlaywrightSuite[];
};

function playwrightFailures(suites: readonly PlaywrightSuite[]): string[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.filter((t) => t.status === 'unexpected').map((t) => `[${t.projectName}] ${spec.file ?? suite.file ?? suite.title} › ${spec.title}`),
    ),
    ...playwrightFailures(suite.suites ?? []),
  ]);
}

export function readPlaywright(file: string): Tally | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; suites?: PlaywrightSuite[] };
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped, failures: playwrightFailures(r.suites ?? []) };
}
