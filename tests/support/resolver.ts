import type { ResolvedAddress, Resolver } from '@/lib/webhooks/core/url-guard';

export const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
export const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** A resolver answering from a fixed table, recording what it was asked. */
export function tableResolver(table: Record<string, ResolvedAddress[]>) {
  const asked: string[] = [];
  const resolver: Resolver = async (hostname) => {
    asked.push(hostname);
    const answer = table[hostname];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return { resolver, asked };
}
