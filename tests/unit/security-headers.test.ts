import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce } from '@/lib/http/security-headers';

describe('the Content-Security-Policy', () => {
  it('allows scripts only by nonce in production, refuses framing and plugins', () => {
    const policy = contentSecurityPolicy({ nonce: 'abc', development: false, https: false });
    expect(policy).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('upgrade-insecure-requests');
  });

  it("allows eval only for React's development build, and upgrades requests only over https", () => {
    expect(contentSecurityPolicy({ nonce: 'abc', development: true, https: false })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy({ nonce: 'abc', development: false, https: true })).toContain('upgrade-insecure-requests');
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });
});
