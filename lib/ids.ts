import { randomFillSync } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn from the OS in 4 KiB blocks: publishing and delivering mint ids by the
// thousand, and one system call per id was a measurable share of the worker's time.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomBytes20(): Buffer {
  if (offset + 20 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + 20);
  offset += 20;
  return bytes;
}

/** Prefixed random id such as `wh_3k9x…`: 20 base-36 characters, about 103 bits. */
export function newId(prefix: 'org' | 'proj' | 'usr' | 'wh' | 'evt' | 'dlv' | 'att' | 'key'): string {
  const bytes = randomBytes20();
  let out = '';
  for (const b of bytes) out += alphabet[b % 36];
  return `${prefix}_${out}`;
}
