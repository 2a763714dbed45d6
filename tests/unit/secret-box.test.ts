import { describe, expect, it } from 'vitest';
import { open, seal } from '@/lib/crypto/secret-box';

const KEY = 'k'.repeat(40);

describe('secret box', () => {
  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = seal('wh_prod_a8f3x9d2k7q4m1z6', KEY);
    expect(sealed).not.toContain('wh_prod');
    expect(open(sealed, KEY)).toBe('wh_prod_a8f3x9d2k7q4m1z6');
  });

  it('uses a fresh nonce each time', () => {
    expect(seal('same secret value', KEY)).not.toBe(seal('same secret value', KEY));
  });

  it('refuses a wrong key or a tampered ciphertext', () => {
    const sealed = seal('wh_prod_a8f3x9d2k7q4m1z6', KEY);
    expect(() => open(sealed, 'x'.repeat(40))).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => open(`v1:${raw.toString('base64')}`, KEY)).toThrow();
  });
});
