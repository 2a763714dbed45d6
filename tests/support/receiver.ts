import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer; receivedAt: number };

/** How the receiver answers the next request: a status (and optional headers/body, optionally after a delay), or never. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string | Buffer; delayMs?: number } | 'hang';

/**
 * A real HTTP receiver on loopback that records every request byte for byte. Tests change its
 * answer with `reply`, and wait on arrivals with `waitFor` instead of sleeping.
 */
export async function startReceiver(initial: Reply = { status: 200, body: 'ok' }) {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  // Requests received and not yet answered (or closed by the sender), now and at most, per path.
  const open = new Map<string, number>();
  const mostOpen = new Map<string, number>();
  let reply: Reply | ((req: ReceivedRequest) => Reply) = initial;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), receivedAt: Date.now() };
      requests.push(received);
      const now = (open.get(received.path) ?? 0) + 1;
      open.set(received.path, now);
      mostOpen.set(received.path, Math.max(now, mostOpen.get(received.path) ?? 0));
      res.once('close', () => open.set(received.path, (open.get(received.path) ?? 1) - 1));
      for (const wake of waiters) wake();
      const answer = typeof reply === 'function' ? reply(received) : reply;
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Requests to `path` received and not yet answered or closed. */
    open: (path: string) => open.get(path) ?? 0,
    /** The most requests to `path` that were open at once since `resetMostOpen`. */
    mostOpen: (path: string) => mostOpen.get(path) ?? 0,
    resetMostOpen(path: string) {
      mostOpen.set(path, open.get(path) ?? 0);
    },
    reply(next: Reply | ((req: ReceivedRequest) => Reply)) {
      reply = next;
    },
    /** Resolves once `predicate` holds for the requests received so far. */
    waitFor(predicate: (all: ReceivedRequest[]) => boolean, timeoutMs = 15_000): Promise<ReceivedRequest[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(requests)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(requests);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: condition not met within ${timeoutMs} ms (${requests.length} requests received)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
