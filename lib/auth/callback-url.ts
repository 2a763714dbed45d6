import { unsafeStringReason } from '@/lib/validation';

export const DEFAULT_AFTER_SIGN_IN = '/settings/webhooks';

/**
 * Only same-site paths are followed after sign-in. A backslash counts as a slash to browsers
 * ("/\evil.example" leaves the site), and a control character cannot go into a Location header.
 */
export function safeCallbackPath(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 1024) return undefined;
  if (!url.startsWith('/') || url.startsWith('//') || url.includes('\\') || unsafeStringReason(url) !== null) return undefined;
  return url;
}
