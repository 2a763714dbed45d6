import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADDRESS_REFUSED, AddressRefusedError, pinnedLookup, type PinnedLookupOptions } from '@/lib/webhooks/deliver/pinned-lookup';
import { vetEndpointUrl, type Resolver } from '@/lib/webhooks/core/url-guard';
import { tableResolver, v4, v6 } from '../support/resolver';

type LookupAnswer = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

/** Calls the lookup the way net.connect does and collects what it answers. */
function lookUp(options: PinnedLookupOptions, hostname: string, lookupOptions: LookupOptions = {}): Promise<LookupAnswer> {
  return new Promise((resolve) => {
    pinnedLookup(options)(hostname, lookupOptions, (err, address, family) => resolve({ err, address, family }));
  });
}

describe('pinnedLookup', () => {
  const { resolver, asked } = tableResolver({
    'hooks.example.com': [v4('93.184.215.14'), v6('2606:4700::1111')],
    'v6only.example.com': [v6('2606:4700::1111')],
    'internal.example.com': [v4('10.0.0.5')],
    'mixed.example.com': [v6('2606:4700::1111'), v4('169.254.169.254')],
    'mapped.example.com': [v6('::ffff:7f00:1')],
    'mislabelled.example.com': [{ address: '2606:4700::1111', family: 4 }],
    'empty.example.com': [],
  });
  const strict = { allowPrivate: false, resolver };
  beforeEach(() => {
    asked.length = 0;
  });

  it('answers the first vetted address and its family', async () => {
    expect(await lookUp(strict, 'hooks.example.com')).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect(asked).toEqual(['hooks.example.com']);
  });

  it('answers every vetted address with all: true, as autoSelectFamily asks', async () => {
    expect(await lookUp(strict, 'hooks.example.com', { all: true })).toEqual({
      err: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
      family: undefined,
    });
  });

  it('answers only the family asked for, numeric or named', async () => {
    expect(await lookUp(strict, 'hooks.example.com', { family: 6 })).toMatchObject({ err: null, address: '2606:4700::1111', family: 6 });
    expect(await lookUp(strict, 'hooks.example.com', { family: 'IPv4', all: true })).toMatchObject({
      err: null,
      address: [{ address: '93.184.215.14', family: 4 }],
    });
  });

  it('fails like getaddrinfo when nothing of the family asked for is left', async () => {
    const { err } = await lookUp(strict, 'v6only.example.com', { family: 4 });
    expect(err).toMatchObject({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND v6only.example.com' });
    expect((await lookUp(strict, 'empty.example.com', { all: true })).err?.code).toBe('ENOTFOUND');
  });

  it('passes resolver errors through', async () => {
    const { err } = await lookUp(strict, 'nowhere.example.com');
    expect(err).toMatchObject({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nowhere.example.com' });
  });

  it('refuses a private address with a clear error', async () => {
    const { err } = await lookUp(strict, 'internal.example.com');
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect(err).toMatchObject({ code: ADDRESS_REFUSED, address: '10.0.0.5', message: 'Refused to connect: internal.example.com is not a public address' });
    expect(err?.message).not.toContain('10.0.0.5');
  });

  it('refuses the whole answer when any address is private, even one of a family not asked for', async () => {
    expect((await lookUp(strict, 'mixed.example.com', { family: 6 })).err?.message).toBe(
      'Refused to connect: mixed.example.com is not a public address',
    );
    expect((await lookUp(strict, 'mixed.example.com', { all: true })).err?.code).toBe(ADDRESS_REFUSED);
  });

  it('refuses IPv4-mapped forms of private addresses', async () => {
    expect((await lookUp(strict, 'mapped.example.com')).err?.message).toBe('Refused to connect: mapped.example.com is not a public address');
  });

  it('takes the family from the address, not from the resolver', async () => {
    expect(await lookUp(strict, 'mislabelled.example.com')).toMatchObject({ address: '2606:4700::1111', family: 6 });
  });

  it('vets an IP-literal host without asking the resolver', async () => {
    expect(await lookUp(strict, '93.184.215.14')).toMatchObject({ err: null, address: '93.184.215.14', family: 4 });
    expect(await lookUp(strict, '2606:4700::1111', { all: true })).toMatchObject({ address: [{ address: '2606:4700::1111', family: 6 }] });
    expect((await lookUp(strict, '127.0.0.1')).err?.code).toBe(ADDRESS_REFUSED);
    expect((await lookUp(strict, '::1')).err?.code).toBe(ADDRESS_REFUSED);
    expect(asked).toEqual([]);
  });

  it('with allowPrivate answers private addresses, still from the resolver', async () => {
    const relaxed = { allowPrivate: true, resolver };
    expect(await lookUp(relaxed, 'internal.example.com')).toEqual({ err: null, address: '10.0.0.5', family: 4 });
    expect(await lookUp(relaxed, '127.0.0.1', { all: true })).toMatchObject({ address: [{ address: '127.0.0.1', family: 4 }] });
  });
});

describe('pinnedLookup on a real request (DNS rebinding)', () => {
  let server: http.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    connections = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Answers a public address to the first question (the check) and loopback to every later one (the connect). */
  function rebindingResolver() {
    const answers: string[] = [];
    const resolver: Resolver = async () => {
      const address = answers.length === 0 ? '93.184.215.14' : '127.0.0.1';
      answers.push(address);
      return [v4(address)];
    };
    return { resolver, answers };
  }

  function get(hostname: string, agent: http.Agent): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ hostname, port, path: '/hook', agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
  }

  it.each([true, false])('a host vetted as public that rebinds to loopback is refused at connect (autoSelectFamily %s)', async (autoSelectFamily) => {
    const { resolver, answers } = rebindingResolver();
    // The check, as at save and send time (strict mode needs https; the host is what is vetted).
    expect(await vetEndpointUrl('https://rebind.example.com/hook', { allowPrivate: false, resolver })).toMatchObject({ ok: true });

    const lookup = pinnedLookup({ allowPrivate: false, resolver });
    const askedForAll: boolean[] = [];
    const agent = new http.Agent({
      lookup: (hostname, options, callback) => {
        askedForAll.push(options.all === true);
        lookup(hostname, options, callback);
      },
      autoSelectFamily,
    });
    await expect(get('rebind.example.com', agent)).rejects.toMatchObject({
      code: ADDRESS_REFUSED,
      message: 'Refused to connect: rebind.example.com is not a public address',
    });
    expect(askedForAll).toEqual([autoSelectFamily]); // both of Node's connect paths are exercised
    expect(answers).toEqual(['93.184.215.14', '127.0.0.1']);
    expect(connections).toBe(0);
    agent.destroy();
  });

  it('the same rebinding host reaches the loopback receiver when private addresses are allowed (so the refusal above is the lookup’s doing)', async () => {
    const { resolver, answers } = rebindingResolver();
    await vetEndpointUrl('https://rebind.example.com/hook', { allowPrivate: false, resolver });

    const agent = new http.Agent({ lookup: pinnedLookup({ allowPrivate: true, resolver }) });
    expect(await get('rebind.example.com', agent)).toEqual({ status: 200, body: 'ok' });
    expect(answers).toEqual(['93.184.215.14', '127.0.0.1']);
    expect(connections).toBe(1);
    agent.destroy();
  });

  it('connects to the address the lookup answered, not to what the system resolver would say', async () => {
    // `receiver.invalid` can never resolve through real DNS (RFC 2606), so reaching the receiver proves the pinning.
    const { resolver } = tableResolver({ 'receiver.invalid': [v4('127.0.0.1')] });
    const agent = new http.Agent({ lookup: pinnedLookup({ allowPrivate: true, resolver }) });
    expect(await get('receiver.invalid', agent)).toEqual({ status: 200, body: 'ok' });
    agent.destroy();
  });

  it('is not consulted for an IP-literal host, which is why literals are vetted before the request', async () => {
    const agent = new http.Agent({ lookup: pinnedLookup({ allowPrivate: false, resolver: tableResolver({}).resolver }) });
    expect(await get('127.0.0.1', agent)).toEqual({ status: 200, body: 'ok' });
    expect(connections).toBe(1);
    expect((await vetEndpointUrl(`https://127.0.0.1:${port}/hook`, { allowPrivate: false, resolver: tableResolver({}).resolver })).ok).toBe(false);
    agent.destroy();
  });
});
