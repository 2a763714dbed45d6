import type { OIDCConfig } from 'next-auth/providers';
import { z } from 'zod';

export const SSO_PROVIDER_ID = 'oidc';

const ssoSchema = z.object({
  AUTH_OIDC_ISSUER: z.url('must be the URL of the OpenID Connect issuer'),
  AUTH_OIDC_CLIENT_ID: z.string().min(1),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1),
});

export type SsoSettings = { issuer: string; clientId: string; clientSecret: string };

/**
 * Single sign-on settings from AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET:
 * null when none is set (password sign-in only); a clear error when only some are, or one is invalid.
 */
export function ssoSettings(source: Record<string, string | undefined> = process.env): SsoSettings | null {
  const given = Object.fromEntries(Object.keys(ssoSchema.shape).map((name) => [name, source[name] || undefined]));
  if (Object.values(given).every((v) => v === undefined)) return null;
  const parsed = ssoSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.path.length ? i.message : 'is invalid'}`);
    throw new Error(`Invalid configuration (single sign-on needs all three AUTH_OIDC_* variables):\n${lines.join('\n')}`);
  }
  const { AUTH_OIDC_ISSUER: issuer, AUTH_OIDC_CLIENT_ID: clientId, AUTH_OIDC_CLIENT_SECRET: clientSecret } = parsed.data;
  return { issuer, clientId, clientSecret };
}

/** Auth.js's OpenID Connect provider for the configured identity provider. */
export function ssoProvider(settings: SsoSettings): OIDCConfig<Record<string, unknown>> {
  return {
    id: SSO_PROVIDER_ID,
    name: 'SSO',
    type: 'oidc',
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    checks: ['pkce', 'state', 'nonce'],
    authorization: { params: { scope: 'openid email profile' } },
  };
}
