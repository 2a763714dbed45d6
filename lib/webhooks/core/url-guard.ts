import { BlockList, isIP } from 'node:net';

/**
 * Outbound URL vetting: an endpoint must be reachable on the public internet. IPv4 addresses in the
 * ranges below are refused, also when an IPv6 address carries them; IPv6 outside global unicast too.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
/** An IPv6 address as its 16 bytes, or undefined when it is not one (dotted tails included). */
function ipv6Bytes(address: string): Uint8Array | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase().replace(/%.*$/, ''); // a zone id does not change the address
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 255;
  });
  return bytes;
}

const dottedQuad = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const zeros = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
const startsWith = (b: Uint8Array, prefix: number[]) => prefix.every((x, i) => b[i] === x);

const isCompatible = (b: Uint8Array) => zeros(b, 0, 12); // ::/96, which holds :: and ::1 too
const isMapped = (b: Uint8Array) => zeros(b, 0, 10) && b[10] === 0xff && b[11] === 0xff; // ::ffff:0:0/96
const isTranslated = (b: Uint8Array) => zeros(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(b, 10, 12); // ::ffff:0:0:0/96
const isNat64 = (b: Uint8Array) => startsWith(b, [0x00, 0x64, 0xff, 0x9b]) && zeros(b, 4, 12); // 64:ff9b::/96
const is6to4 = (b: Uint8Array) => startsWith(b, [0x20, 0x02]); // 2002::/16
const isIsatap = (b: Uint8Array) => (b[8] === 0x00 || b[8] === 0x02) && b[9] === 0 && b[10] === 0x5e && b[11] === 0xfe;

/**
 * The IPv4 addresses an IPv6 address carries: IPv4-compatible, -mapped and -translated forms,
 * NAT64 (64:ff9b::/96), 6to4 (2002::/16) and ISATAP interface ids (…:0:5efe:a.b.c.d). Teredo and
 * local-use NAT64 carry one too but are never a public endpoint, so `isBlockedIPv6` refuses them whole.
 */
export function embeddedIPv4(bytes: Uint8Array): string[] {
  const carried: string[] = [];
  if (isCompatible(bytes) || isMapped(bytes) || isTranslated(bytes) || isNat64(bytes) || isIsatap(bytes)) carried.push(dottedQuad(bytes, 12));
  if (is6to4(bytes)) carried.push(dottedQuad(bytes, 2));
  return carried;
}

/**
 * IPv6 passes only when every IPv4 address it carries is public, and it is either one of the pure
 * IPv4-carrying forms or global unicast (2000::/3) outside the blocks that are not globally reachable.
 */
function isBlockedIPv6(b: Uint8Array): boolean {
  if (embeddedIPv4(b).some((v4) => blocked.check(v4, 'ipv4'))) return true;
  if (isCompatible(b) || isMapped(b) || isTranslated(b) || isNat64(b)) return false; // they reach the public IPv4 address
  if ((b[0]! & 0xe0) !== 0x20) return true; // outside 2000::/3: link-local, unique-local, multicast, local-use NAT64 (64:ff9b:1::/48), discard …
  if (b[0] === 0x20 && b[1] === 0x01 && b[2]! < 0x02) return true; // 2001::/23 IETF protocol assignments: Teredo, benchmarking, ORCHID
  if (startsWith(b, [0x20, 0x01, 0x0d, 0xb8])) return true; // 2001:db8::/32 documentation
  if (b[0] === 0x3f && b[1] === 0xff && b[2]! < 0x10) return true; // 3fff::/20 documentation
  return false;
}

/** True when the address is one a webhook must never reach (loopback, private, link-local, …). */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const bytes = ipv6Bytes(address);
    return bytes === undefined || isBlockedIPv6(bytes);
  }
  return true; // not an IP address at all
}

export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type VetResult =
  | { ok: true; url: URL; addresses: ResolvedAddress[] }
  | { ok: false; error: string };

/** `resolver` is injected (lib/net/system-resolver.ts in the app): this module does no I/O of its own. */
export type VetOptions = { allowPrivate: boolean; resolver: Resolver };

/** The refusal an Org Admin reads for a host that is, or resolves to, an address that is not public. */
export function notPublic(host: string): string {
  return `The URL must be publicly accessible: ${host} is not a public address`;
}

/** Strips the brackets Node keeps around IPv6 literals in URL.hostname. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The checks that need no DNS: an absolute http(s) URL (http only with `allowPrivate`) without
 * credentials, naming a host. The worker makes these before each attempt; the address itself is
 * vetted when the connection is made (see pinned-lookup.ts).
 */
export function checkEndpointUrl(raw: string, allowPrivate: boolean): { ok: true; url: URL } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, error: 'Enter an absolute URL, e.g. https://your-system.com/kazinex-webhook' };
  }
  const schemeOk = url.protocol === 'https:' || (allowPrivate && url.protocol === 'http:');
  if (!schemeOk) {
    return { ok: false, error: allowPrivate ? 'The URL must start with https:// or http://' : 'The URL must start with https://' };
  }
  if (url.username || url.password) return { ok: false, error: 'The URL must not contain a user name or password' };
  if (!bareHost(url)) return { ok: false, error: 'The URL must name a host' };
  return { ok: true, url };
}

/**
 * Checks scheme and host, resolves the host and refuses it when any address is not public.
 * With `allowPrivate` (development and tests only) http and private addresses are accepted.
 */
export async function vetEndpointUrl(raw: string, { allowPrivate, resolver }: VetOptions): Promise<VetResult> {
  const checked = checkEndpointUrl(raw, allowPrivate);
  if (!checked.ok) return checked;
  const url = checked.url;
  const host = bareHost(url);

  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolver(host);
    } catch {
      return { ok: false, error: `The host "${host}" could not be resolved` };
    }
    if (addresses.length === 0) return { ok: false, error: `The host "${host}" could not be resolved` };
  }
  if (!allowPrivate) {
    // The resolved address stays out of the message: it would map internal names for whoever asks.
    if (addresses.some((a) => isBlockedAddress(a.address))) return { ok: false, error: notPublic(host) };
  }
  return { ok: true, url, addresses };
}
