/**
 * The benchmark's receiver, in its own process so it never competes with the sender it measures.
 * Answers every POST with 200 at once and, while asked to, notes when each delivery id arrived.
 * Talks to the benchmark over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type Command = { type: 'stats' } | { type: 'record'; on: boolean };

let count = 0;
let recording = false;
let receipts: [string, number][] = [];

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    count++;
    if (recording) receipts.push([String(req.headers['x-kazinex-delivery']), Date.now()]);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' }).end('ok');
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
});

process.on('message', (command: Command) => {
  if (command.type === 'record') {
    recording = command.on;
    if (command.on) receipts = [];
  }
  if (command.type === 'stats') process.send!({ type: 'stats', count, receipts });
});
process.on('disconnect', () => process.exit(0));
