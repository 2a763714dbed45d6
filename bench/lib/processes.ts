import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { releaseFigures, scrape, type ReleaseFigures } from '../../tests/support/prometheus';

const root = path.resolve(import.meta.dirname, '..', '..');
// The worker as `npm start` runs it: a larger young generation (the worker allocates per request, and
// fewer scavenges raise its rate), 32 MB semi-spaces, as fast as 64 MB here and about 50 MB smaller.
export const WORKER_NODE_OPTIONS = process.env.WORKER_NODE_OPTIONS ?? '--max-semi-space-size=32';

export type ReceiverStats = { count: number; hung: number; open: number; receipts: [string, number][] };

export type BenchReceiver = {
  child: ChildProcess;
  /** Answers 200 at once. */
  port: number;
  /** Reads each request and never answers. */
  hangingPort: number;
  stats: () => Promise<ReceiverStats>;
  record: (on: boolean) => void;
};

export function startReceiver(): Promise<BenchReceiver> {
  const child = fork(path.join(root, 'bench', 'receiver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { type: string; port: number; hangingPort: number }) => {
      const stats = () =>
        new Promise<ReceiverStats>((done) => {
          const onStats = (reply: { type: string } & ReceiverStats) => {
            if (reply.type !== 'stats') return;
            child.off('message', onStats);
            done(reply);
          };
          child.on('message', onStats);
          child.send({ type: 'stats' });
        });
      resolve({ child, port: m.port, hangingPort: m.hangingPort, stats, record: (on) => child.send({ type: 'record', on }) });
    });
  });
}

/** Each benchmark worker's health and metrics port, from its "worker ready" line. */
const healthPorts = new WeakMap<ChildProcess, number>();

/** The real worker, as its own Node process (not through the tsx CLI, so its pid is the worker's). */
export function startWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/index.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WORKER_HEALTH_PORT: '0', LOG_FORMAT: 'json', LOG_LEVEL: 'info', NODE_OPTIONS: WORKER_NODE_OPTIONS, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (c: Buffer) => {
      if (healthPorts.has(child) || output.length > 100_000) return;
      output += c.toString();
      const port = /"healthPort":(\d+)/.exec(output.split('\n').find((line) => line.includes('worker ready')) ?? '');
      if (!port) return;
      healthPorts.set(child, Number(port[1]));
      resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready`)));
  });
}

export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A process's resident memory now and at its peak, in MB (Linux /proc). */
export function memoryOf(child: ChildProcess): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

/** What the worker's parked release has done so far, from its /metrics. */
export async function releaseFiguresOf(worker: ChildProcess): Promise<ReleaseFigures> {
  return releaseFigures(await scrape(`http://127.0.0.1:${healthPorts.get(worker)}/metrics`));
}
