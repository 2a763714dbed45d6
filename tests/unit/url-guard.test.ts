import { describe, expect, it } from 'vitest';
import { isBlockedAddress, vetEndpointUrl } from '@/lib/webhooks/core/url-guard';
import { tableResolver, v4, v6 } from '../support/resolver';

describe('isBlockedAddress', () => {
  it.each([
    ['loopback', ['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1']],
    ['RFC 1918', ['10.0.0.5', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255']],
    ['link-local and cloud metadata', ['169.254.169.254', '169.254.0.1', 'fe80::1', 'febf:ffff::1']],
    ['CGNAT', ['100.64.0.1', '100.127.255.255']],
    ['unspecified', ['0.0.0.0', '::', '0.1.2.3']],
    ['multicast', ['224.0.0.1', '239.255.255.250', 'ff02::1', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']],
    ['broadcast and reserved', ['255.255.255.255', '240.0.0.1']],
    ['unique-local', ['fc00::1', 'fd12:3456:789a::1', 'FD00::1']],
    ['IPv4-mapped', ['::ffff:127.0.0.1', '::ffff:7f00:1', '::FFFF:7F00:1', '::ffff:10.0.0.5', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:c0a8:1']],
    ['IPv4-compatible', ['::127.0.0.1', '::7f00:1', '::a00:5']],
    ['NAT64 of a private address', ['64:ff9b::10.0.0.5', '64:ff9b::a9fe:a9fe', '64:ff9b::7f00:1']],
    ['documentation and benchmarking', ['192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '2001:db8::1']],
    ['not an IP address at all', ['localhost', 'example.com', '', '999.1.1.1']],
  ])('refuses %s', (_class, addresses) => {
    for (const address of addresses) expect(isBlockedAddress(address), address).toBe(true);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255', // just below CGNAT
    '100.128.0.0', // just above CGNAT
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above it
    '169.253.255.255',
    '223.255.255.255', // last unicast before multicast
    '2606:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:93.184.215.14', // mapped forms of public addresses are as public as the address
    '64:ff9b::808:808', // NAT64 of a public address
  ])('accepts the public address %s', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});

describe('vetEndpointUrl', () => {
  const { resolver } = tableResolver({
    'hooks.example.com': [v4('93.184.215.14'), v6('2606:4700::1111')],
    'internal.example.com': [v4('10.0.0.5')],
    'mixed.example.com': [v4('93.184.215.14'), v4('192.168.1.20')],
    'mixed6.example.com': [v6('2606:4700::1111'), v6('::ffff:127.0.0.1')],
    'empty.example.com': [],
  });
  const strict = { allowPrivate: false, resolver };
  const relaxed = { allowPrivate: true, resolver };

  it('accepts an https URL whose host resolves only to public addresses, and returns them', async () => {
    const vetted = await vetEndpointUrl('https://hooks.example.com/kazinex', strict);
    expect(vetted).toEqual({
      ok: true,
      url: new URL('https://hooks.example.com/kazinex'),
      addresses: [v4('93.184.215.14'), v6('2606:4700::1111')],
    });
  });

  it('refuses a host resolving to a private address without saying which address it resolved to', async () => {
    const vetted = await vetEndpointUrl('https://internal.example.com/hook', strict);
    expect(vetted).toEqual({ ok: false, error: 'The URL must be publicly accessible: internal.example.com is not a public address' });
  });

  it.each([
    ['mixed.example.com', '192.168.1.20'],
    ['mixed6.example.com', '::ffff:127.0.0.1'],
  ])('refuses %s, which resolves to one public and one private address (%s)', async (host, privateAddress) => {
    const vetted = await vetEndpointUrl(`https://${host}/hook`, strict);
    expect(vetted).toEqual({ ok: false, error: `The URL must be publicly accessible: ${host} is not a public address` });
    if (!vetted.ok) expect(vetted.error).not.toContain(privateAddress);
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://0x7f000001/hook', // the URL parser turns these spellings into 127.0.0.1
    'https://127.1/hook',
    'https://0/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::127.0.0.1]/hook',
    'https://[fe80::1]/hook',
    'https://[fd00::1]/hook',
  ])('refuses the IP literal in %s without asking DNS', async (url) => {
    const { resolver: spy, asked } = tableResolver({});
    const vetted = await vetEndpointUrl(url, { allowPrivate: false, resolver: spy });
    expect(vetted.ok).toBe(false);
    if (!vetted.ok) expect(vetted.error).toContain('is not a public address');
    expect(asked).toEqual([]);
  });

  it('accepts a public IP literal, v4 or v6', async () => {
    await expect(vetEndpointUrl('https://93.184.215.14/hook', strict)).resolves.toMatchObject({ ok: true, addresses: [v4('93.184.215.14')] });
    await expect(vetEndpointUrl('https://[2606:4700::1111]/hook', strict)).resolves.toMatchObject({ ok: true, addresses: [v6('2606:4700::1111')] });
  });

  it('requires https unless private URLs are allowed, and never accepts other schemes', async () => {
    expect(await vetEndpointUrl('http://hooks.example.com/hook', strict)).toEqual({ ok: false, error: 'The URL must start with https://' });
    expect((await vetEndpointUrl('http://hooks.example.com/hook', relaxed)).ok).toBe(true);
    for (const url of ['ftp://hooks.example.com/hook', 'file:///etc/passwd', 'gopher://hooks.example.com/']) {
      expect(await vetEndpointUrl(url, relaxed)).toEqual({ ok: false, error: 'The URL must start with https:// or http://' });
    }
  });

  it('refuses credentials in the URL', async () => {
    for (const url of ['https://user@hooks.example.com/hook', 'https://user:pw@hooks.example.com/hook', 'https://:pw@hooks.example.com/']) {
      expect(await vetEndpointUrl(url, strict)).toEqual({ ok: false, error: 'The URL must not contain a user name or password' });
    }
  });

  it('refuses what is not an absolute URL', async () => {
    const vetted = await vetEndpointUrl('hooks.example.com/hook', strict);
    expect(vetted).toEqual({ ok: false, error: 'Enter an absolute URL, e.g. https://your-system.com/kazinex-webhook' });
  });

  it('refuses a host that does not resolve, or resolves to nothing', async () => {
    expect(await vetEndpointUrl('https://nowhere.example.com/', strict)).toEqual({
      ok: false,
      error: 'The host "nowhere.example.com" could not be resolved',
    });
    expect((await vetEndpointUrl('https://empty.example.com/', strict)).ok).toBe(false);
  });

  it('with allowPrivate accepts loopback and private hosts, still resolving them', async () => {
    expect(await vetEndpointUrl('http://internal.example.com:8080/hook', relaxed)).toMatchObject({ ok: true, addresses: [v4('10.0.0.5')] });
    expect(await vetEndpointUrl('http://127.0.0.1:4000/hook', relaxed)).toMatchObject({ ok: true, addresses: [v4('127.0.0.1')] });
    expect((await vetEndpointUrl('http://[::1]:4000/hook', relaxed)).ok).toBe(true);
  });
});
