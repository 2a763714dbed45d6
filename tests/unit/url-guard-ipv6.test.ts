import { describe, expect, it } from 'vitest';
import { isBlockedAddress, vetEndpointUrl } from '@/lib/webhooks/core/url-guard';
import { tableResolver, v6 } from '../support/resolver';

// Every IPv6 form that can carry an IPv4 address, each with a private, loopback or metadata IPv4
// inside, and the special-purpose IPv6 blocks that are never a public endpoint.
const carriesPrivateIPv4: [string, string[]][] = [
  ['IPv4-mapped (::ffff:0:0/96)', ['::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:172.16.0.1', '::ffff:192.168.1.1', '::ffff:169.254.169.254', '::ffff:0.0.0.0', '::ffff:100.64.0.1', '0000:0000:0000:0000:0000:ffff:7f00:0001']],
  ['IPv4-compatible (::/96)', ['::10.0.0.1', '::a9fe:a9fe', '::192.168.0.1', '::0.0.0.1']],
  ['IPv4-translated (::ffff:0:0:0/96)', ['::ffff:0:127.0.0.1', '::ffff:0:7f00:1', '::ffff:0:10.1.2.3', '::ffff:0:a9fe:a9fe']],
  ['NAT64 well-known prefix (64:ff9b::/96)', ['64:ff9b::127.0.0.1', '64:ff9b::c0a8:101', '64:ff9b::172.16.5.4', '64:ff9b::0.0.0.0']],
  ['local-use NAT64 (64:ff9b:1::/48)', ['64:ff9b:1::a00:1', '64:ff9b:1::8.8.8.8', '64:ff9b:1:ffff::1', '64:ff9b:1:a00:1::']],
  ['6to4 (2002::/16) of a private address', ['2002:a00:1::', '2002:7f00:1::1', '2002:c0a8:101::1', '2002:a9fe:a9fe::', '2002:ac10:1:ffff::1', '2002:0:1::']],
  ['Teredo (2001::/32)', ['2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:0:a00:1::f5ff:fffe', '2001:0:5db8:d7d7::5db8:d7d7']],
  ['ISATAP interface ids carrying a private address', ['2606:4700::5efe:10.0.0.1', '2606:4700::200:5efe:192.168.1.1', 'fe80::5efe:a9fe:a9fe']],
  ['other IETF protocol assignments (2001::/23)', ['2001:2::1', '2001:10::1', '2001:1ff::1']],
  ['documentation (2001:db8::/32, 3fff::/20)', ['2001:db8:1::1', '3fff::1', '3fff:fff::1']],
  ['outside global unicast', ['100::1', '5f00::1', '4000::1', 'fec0::1', 'ff05::1:3', '::2:1:1', '1::1', 'e000::1']],
  ['with a zone id', ['fe80::1%eth0', '::ffff:127.0.0.1%1']],
];

describe('URL vetting of IPv6 forms that carry an IPv4 address', () => {
  it.each(carriesPrivateIPv4)('refuses %s', (_form, addresses) => {
    for (const address of addresses) expect(isBlockedAddress(address), address).toBe(true);
  });

  it.each([
    '::ffff:8.8.8.8', // mapped, compatible, translated and NAT64 forms of public addresses reach that public address
    '::8.8.8.8',
    '::ffff:0:8.8.8.8',
    '64:ff9b::1.1.1.1',
    '2002:5db8:d70e::1', // 6to4 of 93.184.215.14
    '2606:4700::5efe:8.8.8.8', // ISATAP id with a public address in a public prefix
    '2001:200::1', // just past 2001::/23
    '2620:0:2d0:200::7',
    '3fff:1000::1', // just past 3fff::/20
  ])('accepts %s, which reaches only public addresses', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it.each(carriesPrivateIPv4.flatMap(([, addresses]) => addresses.filter((a) => !a.includes('%'))))(
    'refuses the literal URL https://[%s]/ with "is not a public address"',
    async (address) => {
      const { resolver, asked } = tableResolver({});
      const vetted = await vetEndpointUrl(`https://[${address}]/hook`, { allowPrivate: false, resolver });
      expect(vetted.ok).toBe(false);
      if (!vetted.ok) expect(vetted.error).toMatch(/^The URL must be publicly accessible: .* is not a public address$/);
      expect(asked).toEqual([]);
    },
  );

  it('refuses a host that resolves to a 6to4 or Teredo address, without naming the address', async () => {
    const { resolver } = tableResolver({ 'sixtofour.example.com': [v6('2002:a00:5::1')], 'teredo.example.com': [v6('2001:0:4136:e378::1')] });
    for (const host of ['sixtofour.example.com', 'teredo.example.com']) {
      const vetted = await vetEndpointUrl(`https://${host}/`, { allowPrivate: false, resolver });
      expect(vetted).toEqual({ ok: false, error: `The URL must be publicly accessible: ${host} is not a public address` });
    }
  });
});
