import { lookup } from 'node:dns/promises';
import type { Resolver } from '@/lib/webhooks/core/url-guard';

/** The operating system's resolver, every address of a host in the order it gives them. */
export const systemResolver: Resolver = async (hostname) => {
  const results = await lookup(hostname, { all: true, verbatim: true });
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};
