import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook, RESPONSE_BODY_LIMIT } from '@/lib/webhooks/deliver/post';
import { vetEndpointUrl } from '@/lib/webhooks/core/url-guard';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';

// One receiver; each test answers on its own path.
let receiver: Receiver;
const replies = new Map<string, Reply>();
beforeAll(async () => {
  receiver = await startReceiver();
  receiver.reply((req) => replies.get(req.path) ?? { status: 200, body: 'ok' });
});
afterAll(() => receiver.close());

const at = (path: string) => receiver.requests.filter((r) => r.path === path);
const urlOf = (path: string) => `${receiver.url}${path}`;

const post = (url: string, timeoutMs = 2_000, extra: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
  postWebhook({ url: new URL(url), headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"a":1}'), timeoutMs, allowPrivate: true, ...extra });

describe('postWebhook', () => {
  it('reports a 2xx as success with status, headers, body and duration', async () => {
    replies.set('/ok', { status: 201, headers: { 'X-Receiver': 'yes' }, body: 'created' });
    const result = await post(urlOf('/ok'));
    expect(result).toMatchObject({ success: true, status: 201, body: 'created', bodyTruncated: false, error: null });
    expect(result.headers?.['x-receiver']).toBe('yes');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(at('/ok')[0]!.body.toString()).toBe('{"a":1}');
  });

  it('reports a non-2xx as failed without an error text', async () => {
    replies.set('/err', { status: 500, body: 'boom' });
    expect(await post(urlOf('/err'))).toMatchObject({ success: false, status: 500, body: 'boom', error: null });
  });

  it('never follows a redirect', async () => {
    replies.set('/moved', { status: 302, headers: { Location: '/elsewhere' } });
    const result = await post(urlOf('/moved'));
    expect(result).toMatchObject({ success: false, status: 302, error: 'Redirect 302 not followed (Location: /elsewhere)' });
    expect(at('/elsewhere')).toHaveLength(0);
  });

  it('stores at most 64 KiB of the body and marks it truncated', async () => {
    replies.set('/big', { status: 200, body: 'x'.repeat(RESPONSE_BODY_LIMIT * 3) });
    const result = await post(urlOf('/big'));
    expect(result.success).toBe(true);
    expect(result.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(result.body!)).toBe(RESPONSE_BODY_LIMIT);
  });

  it('keeps a body of exactly 64 KiB whole', async () => {
    replies.set('/exact', { status: 200, body: 'y'.repeat(RESPONSE_BODY_LIMIT) });
    const result = await post(urlOf('/exact'));
    expect(result).toMatchObject({ success: true, bodyTruncated: false });
    expect(result.body).toHaveLength(RESPONSE_BODY_LIMIT);
  });

  it('gives up at the limit when the response never comes', async () => {
    replies.set('/hang', 'hang');
    const result = await post(urlOf('/hang'), 300);
    expect(result).toMatchObject({ success: false, status: null, error: 'Timed out after 300 ms waiting for the response' });
    expect(result.durationMs).toBeGreaterThanOrEqual(295);
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it('counts a slow body against the same limit', async () => {
    // Headers and a first chunk at once, the rest never.
    const slow = createServer((_req, res) => {
      res.writeHead(200);
      res.write('first part');
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const result = await post(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, 300);
      expect(result).toMatchObject({ success: false, status: 200, error: 'Timed out after 300 ms while receiving the response body' });
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('describes a refused connection', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await post(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({ success: false, status: null, error: `Connection refused by 127.0.0.1:${port}` });
  });

  it('connects to the address its resolver answered, keeping the host name in the request', async () => {
    replies.set('/pinned', { status: 204 });
    const port = new URL(receiver.url).port;
    // `.invalid` never resolves (RFC 6761): reaching the receiver proves the resolver's answer was used.
    const resolver = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const result = await post(`http://kazinex-pinned.invalid:${port}/pinned`, 2_000, { resolver });
    expect(result).toMatchObject({ success: true, status: 204 });
    expect(at('/pinned')[0]!.headers.host).toBe(`kazinex-pinned.invalid:${port}`);
  });

  it('refuses a host that answered a public address when saved and a private one at send time', async () => {
    const port = new URL(receiver.url).port;
    const answers = ['93.184.215.14', '127.0.0.1'];
    const resolver = async () => [{ address: answers.shift() ?? '127.0.0.1', family: 4 as const }];
    const url = `http://rebind.kazinex.invalid:${port}/rebound`;
    // Saving vets the https form of the URL; the receiver here speaks http, which only the send would use.
    expect(await vetEndpointUrl(url.replace('http:', 'https:'), { allowPrivate: false, resolver })).toMatchObject({ ok: true });
    const result = await post(url, 2_000, { allowPrivate: false, resolver });
    expect(result).toMatchObject({ success: false, status: null, error: 'Refused to connect: rebind.kazinex.invalid is not a public address' });
    expect(at('/rebound')).toHaveLength(0);
  });

  it('refuses a private IP literal without connecting', async () => {
    const result = await post(urlOf('/literal'), 2_000, { allowPrivate: false });
    expect(result).toMatchObject({ success: false, status: null, error: 'Refused to connect: 127.0.0.1 is not a public address' });
    expect(at('/literal')).toHaveLength(0);
  });

  it('resolves instead of throwing on a request it cannot make', async () => {
    const result = await post(urlOf('/bad'), 1_000, { headers: { 'X-Bad': 'line\nbreak' } });
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^Request failed: /);
  });
});
