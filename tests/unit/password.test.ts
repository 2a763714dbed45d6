import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '@/lib/auth/password';

describe('password hashing', () => {
  it('verifies the right password only, with a per-hash salt', async () => {
    const hash = await hashPassword('kazinex-admin');
    expect(hash).toMatch(/^scrypt\$32768\$/);
    expect(hash).not.toContain('kazinex-admin');
    expect(await verifyPassword('kazinex-admin', hash)).toBe(true);
    expect(await verifyPassword('kazinex-admim', hash)).toBe(false);
    expect(await hashPassword('kazinex-admin')).not.toBe(hash);
  });

  it('rejects a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });
});
