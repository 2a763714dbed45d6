import { BlockList, isIP } from 'node:net';

/**
 * Outbound URL vetting: an endpoint must be reachable on the public internet. Addresses in the
 * ranges below are refused, in IPv4, IPv6 and IPv4-mapped IPv6 form.
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
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (embeds IPv4)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address embedded in an IPv4-mapped, -compatible or NAT64 IPv6 address, if any. */
function embeddedIPv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  // URL parsing rewrites `[::127.0.0.1]` to `[::7f00:1]`, so the hex form needs the same prefixes as the dotted one.
  const hex = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/** True when the address is one a webhook must never reach (loopback, private, link-local, …). */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(address);
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(address, 'ipv6');
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
    const refused = addresses.find((a) => isBlockedAddress(a.address));
    if (refused) {
      return {
        ok: false,
        error: `The URL must be publicly accessible: ${host} resolves to ${refused.address}, a private or reserved address`,
      };
    }
  }
  return { ok: true, url, addresses };
}
