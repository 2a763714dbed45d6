import { isIP, type LookupFunction } from 'node:net';
import { systemResolver } from '@/lib/net/system-resolver';
import { isBlockedAddress, type ResolvedAddress, type Resolver } from '@/lib/webhooks/core/url-guard';

/**
 * A `lookup` for node:http/https requests and agents that vets the addresses it hands to the socket.
 * The check and the connection use one and the same DNS answer, so a host that resolves to a public
 * address when vetted and to a private one a moment later (DNS rebinding) still cannot be reached.
 *
 * Node calls `lookup` only for host names: a request to an IP literal connects without it, so the
 * caller vets literal hosts itself (vetEndpointUrl does, at send time; a literal cannot change).
 */

export const ADDRESS_REFUSED = 'ERR_ADDRESS_REFUSED';

/**
 * The attempt's error when the host resolves to an address a webhook must never reach. The message
 * names the host only: the resolved address would tell an Org Admin how internal names resolve.
 */
export class AddressRefusedError extends Error {
  readonly code = ADDRESS_REFUSED;
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`Refused to connect: ${host} is not a public address`);
    this.name = 'AddressRefusedError';
  }
}

export type PinnedLookupOptions = {
  /** `WEBHOOKS_ALLOW_PRIVATE_URLS`: development and tests only. */
  allowPrivate: boolean;
  resolver?: Resolver;
};

/** 4 or 6 when the socket asks for one family; Node's lookup contract also allows 'IPv4' and 'IPv6'. */
function requestedFamily(family: number | 'IPv4' | 'IPv6' | undefined): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  // The same shape as getaddrinfo's error, so callers describe it like any DNS failure.
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
}

async function vettedAddresses(hostname: string, family: 0 | 4 | 6, { allowPrivate, resolver = systemResolver }: PinnedLookupOptions): Promise<ResolvedAddress[]> {
  const answer = isIP(hostname) ? [hostname] : (await resolver(hostname)).map((a) => a.address);
  // Every address is vetted, not only the one used: a mixed answer means the host is not a public endpoint.
  const refused = allowPrivate ? undefined : answer.find((address) => isBlockedAddress(address));
  if (refused !== undefined) throw new AddressRefusedError(hostname, refused);
  // The family comes from the address itself, so the socket never gets a mislabelled one.
  const addresses = answer.map((address): ResolvedAddress => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
  if (usable.length === 0) throw notFound(hostname);
  return usable;
}

/**
 * A `dns.lookup`-compatible function: with `all: true` (what Node 20's default autoSelectFamily asks for)
 * it answers every vetted address of the requested family, otherwise the first one.
 */
export function pinnedLookup(options: PinnedLookupOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    void vettedAddresses(hostname, requestedFamily(lookupOptions.family), options).then(
      (addresses) => {
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: unknown) => {
        const error: NodeJS.ErrnoException = err instanceof Error ? err : new Error(String(err));
        callback(error, '');
      },
    );
  };
}
