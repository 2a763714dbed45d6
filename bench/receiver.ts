/**
 * The benchmark's receiver, in its own process so it never competes with the sender it measures.
 * Two ports: on the first, every POST is answered 200 at once; on the second (a dead endpoint),
 * requests are read and never answered. Counts arrivals on each and, while asked to, notes when
 * each delivery id arrived. Talks to the benchmark over IPC.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Command = { type: 'stats' } | { type: 'record'; on: boolean };

let count = 0;
let hung = 0;
let recording = false;
let receipts: [string, number][] = [];
const open = new Set<ServerResponse>();

const healthy = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    count++;
    if (recording) receipts.push([String(req.headers['x-kazinex-delivery']), Date.now()]);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' }).end('ok');
  });
});
healthy.keepAliveTimeout = 60_000;

const hanging = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    hung++;
    open.add(res);
    res.on('close', () => open.delete(res));
  });
});
hanging.requestTimeout = 0;

const listen = (server: typeof healthy) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

void Promise.all([listen(healthy), listen(hanging)]).then(([port, hangingPort]) => process.send!({ type: 'ready', port, hangingPort }));

process.on('message', (command: Command) => {
  if (command.type === 'record') {
    recording = command.on;
    if (command.on) receipts = [];
  }
  if (command.type === 'stats') process.send!({ type: 'stats', count, hung, open: open.size, receipts });
});
process.on('disconnect', () => process.exit(0));
