/**
 * The headers every response carries. The Content-Security-Policy is per request: its nonce lets
 * Next's own scripts run (Next reads it from the request's policy and stamps its tags) and nothing
 * else inline. frame-ancestors 'none' (and X-Frame-Options for older browsers) stops the pages from
 * being framed, so Delete, Roll secret and Reveal cannot be clickjacked. The headers that are the
 * same on every response, HSTS included, are in next.config.mjs.
 */

export type PolicyOptions = { nonce: string; development: boolean; https: boolean };

export function contentSecurityPolicy({ nonce, development, https }: PolicyOptions): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code to rebuild server stacks; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** A fresh, unguessable nonce for one response. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
