import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Prefixed random id such as `wh_3k9x…`: 20 base-36 characters, about 103 bits. */
export function newId(prefix: 'org' | 'proj' | 'usr' | 'wh' | 'evt' | 'dlv' | 'att'): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += alphabet[b % 36];
  return `${prefix}_${out}`;
}
