import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { limitConcurrency } from '@/lib/semaphore';

// scrypt with N=2^15: deliberately slow (tens of ms) so a leaked hash is costly to brute-force.
const PARAMS: ScryptOptions = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/**
 * Hashes at once in one process. scrypt runs on Node's thread pool (4 threads by default), which
 * DNS lookups for webhook URLs and file reads share: two leave room for them during a sign-in flood.
 */
export const HASHING_CONCURRENCY = 2;

const scrypt = limitConcurrency(
  HASHING_CONCURRENCY,
  (password: string, salt: Buffer): Promise<Buffer> =>
    new Promise((resolve, reject) => scryptCb(password, salt, KEY_LENGTH, PARAMS, (err, key) => (err ? reject(err) : resolve(key)))),
);

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt);
  return `scrypt$${PARAMS.N}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || Number(n) !== PARAMS.N || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
