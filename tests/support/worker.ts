import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

export type RunningWorker = {
  process: ChildProcess;
  output: () => string;
  /** Where its /health and /metrics answer. */
  healthUrl: string;
  /** SIGTERM: in-flight attempts finish and are recorded. */
  stop: () => Promise<number | null>;
  /** SIGKILL: the process dies at once, mid-attempt. */
  kill: () => Promise<void>;
};

/** The worker's "ready" log line, which names its health port. */
function readyLine(output: string): { healthPort: number } | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('worker ready')) continue;
    try {
      const parsed = JSON.parse(line) as { healthPort?: number };
      if (typeof parsed.healthPort === 'number') return { healthPort: parsed.healthPort };
    } catch {
      // not a complete JSON line yet
    }
  }
  return undefined;
}

/**
 * Starts the real delivery worker and resolves once it reports ready. Node runs it with tsx as a
 * loader (not the tsx CLI, which runs a second process), so a signal reaches the worker itself.
 * Its health and metrics listen on a free port (WORKER_HEALTH_PORT=0), so parallel runs never collide.
 */
export async function startWorker(extraEnv: Record<string, string> = {}): Promise<RunningWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/index.ts'], {
    cwd: root,
    env: { ...process.env, WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WORKER_HEALTH_PORT: '0', LOG_FORMAT: 'json', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ healthPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The worker did not start:\n${output}`)), 30_000);
    const onData = () => {
      const line = readyLine(output);
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`The worker exited during start-up:\n${output}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    process: child,
    output: () => output,
    healthUrl: `http://127.0.0.1:${ready.healthPort}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
