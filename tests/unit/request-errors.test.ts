import { describe, expect, it } from 'vitest';
import { AddressRefusedError } from '@/lib/webhooks/deliver/pinned-lookup';
import { describeRequestError, isStaleSocketError } from '@/lib/webhooks/deliver/request-errors';

const err = (code: string, message = code, extra: object = {}) => Object.assign(new Error(message), { code, ...extra });

describe('describeRequestError', () => {
  it('names DNS failures', () => {
    expect(describeRequestError(err('ENOTFOUND', 'getaddrinfo ENOTFOUND nope.invalid'), 'nope.invalid')).toBe(
      'DNS lookup failed: the host "nope.invalid" could not be resolved (ENOTFOUND)',
    );
  });

  it('shows a refused host plainly, as the attempt error, without the address it resolved to', () => {
    expect(describeRequestError(new AddressRefusedError('metadata.example.com', '169.254.169.254'), 'metadata.example.com')).toBe(
      'Refused to connect: metadata.example.com is not a public address',
    );
  });

  it('names refused connections with the address tried', () => {
    expect(describeRequestError(err('ECONNREFUSED', 'connect ECONNREFUSED', { address: '203.0.113.9', port: 443 }), 'example.com')).toBe(
      'Connection refused by 203.0.113.9:443',
    );
  });

  it('names TLS failures', () => {
    expect(describeRequestError(err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'example.com')).toBe(
      'TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    expect(describeRequestError(err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'example.com')).toMatch(/^TLS error: /);
  });

  it('falls back to the message and code', () => {
    expect(describeRequestError(err('EWHATEVER', 'something odd'), 'h')).toBe('Request failed: something odd (EWHATEVER)');
    expect(describeRequestError('plain', 'h')).toBe('Request failed: plain');
  });
});

describe('isStaleSocketError', () => {
  it('is true only for resets and broken pipes', () => {
    expect(isStaleSocketError(err('ECONNRESET'))).toBe(true);
    expect(isStaleSocketError(err('EPIPE'))).toBe(true);
    expect(isStaleSocketError(err('ECONNREFUSED'))).toBe(false);
  });
});
