import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait';

const root = path.resolve(import.meta.dirname, '..', '..');

export type AppInstance = {
  url: string;
  /** Everything the instance printed so far, the web app's and the worker's output included. */
  output: () => string;
  /** SIGTERM, as a service manager would; resolves with the exit code once everything has stopped. */
  stop: () => Promise<number | null>;
};

/**
 * Runs `npm start` (scripts/start.ts on the existing build) as an operator would, with exactly the
 * environment given (plus PATH and HOME), and waits until the sign-in page answers.
 */
export async function startAppInstance(env: Record<string, string>, port: number): Promise<AppInstance> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`The app stopped while starting:\n${output}`);
      return fetch(`${url}/sign-in`).then((r) => r.ok, () => false);
    },
    'the app to answer',
    120_000,
    250,
  );
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
