import { ADDRESS_REFUSED } from './pinned-lookup';

/** Turns Node's network errors into the sentence an Org Admin reads in the Delivery Log. */

type NetError = { code?: string; message?: string; address?: string; port?: number };

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
]);

function isTlsError(code: string | undefined, message: string): boolean {
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) return true;
  return /\b(ssl|tls|certificate)\b/i.test(message);
}

export function describeRequestError(err: unknown, host: string): string {
  const { code, message = String(err), address, port } = (typeof err === 'object' && err !== null ? err : {}) as NetError;
  const target = address ? `${address}${port ? `:${port}` : ''}` : host;
  switch (code) {
    case ADDRESS_REFUSED:
      return message; // already written for the Delivery Log: which address, and why it was refused
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return `DNS lookup failed: the host "${host}" could not be resolved (${code})`;
    case 'ECONNREFUSED':
      return `Connection refused by ${target}`;
    case 'ECONNRESET':
      return `The connection was reset by ${target}`;
    case 'EPIPE':
      return `The connection was closed by ${target} while sending the request`;
    case 'ETIMEDOUT':
      return `Connecting to ${target} timed out`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${target} is unreachable (${code})`;
  }
  if (isTlsError(code, message)) return `TLS error: ${message}${code ? ` (${code})` : ''}`;
  return `Request failed: ${message}${code ? ` (${code})` : ''}`;
}

/** Errors that mean a reused keep-alive socket had been closed by the server before our request got there. */
export function isStaleSocketError(err: unknown): boolean {
  const code = (err as NetError | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
}
