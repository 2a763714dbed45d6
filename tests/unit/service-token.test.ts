import { describe, expect, it } from 'vitest';
import { hasServiceToken } from '@/lib/api/service-token';

const token = 'x'.repeat(24) + 'service-token';

describe('hasServiceToken', () => {
  it('accepts the exact bearer token', () => {
    expect(hasServiceToken(`Bearer ${token}`, token)).toBe(true);
    expect(hasServiceToken(`bearer ${token}`, token)).toBe(true);
  });

  it('refuses a missing, different, prefixed or truncated token', () => {
    expect(hasServiceToken(null, token)).toBe(false);
    expect(hasServiceToken('', token)).toBe(false);
    expect(hasServiceToken(`Bearer ${token}x`, token)).toBe(false);
    expect(hasServiceToken(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(hasServiceToken(token, token)).toBe(false);
    expect(hasServiceToken(`Basic ${token}`, token)).toBe(false);
  });
});
