import { describe, expect, it } from 'vitest';
import { SSO_PROVIDER_ID, ssoProvider, ssoSettings } from '@/lib/auth/sso';

const all = { AUTH_OIDC_ISSUER: 'https://login.example.com/realms/kazinex', AUTH_OIDC_CLIENT_ID: 'webhooks', AUTH_OIDC_CLIENT_SECRET: 's3cret-value' };

describe('single sign-on settings', () => {
  it('are off when none of the three variables is set (empty counts as unset)', () => {
    expect(ssoSettings({})).toBeNull();
    expect(ssoSettings({ AUTH_OIDC_ISSUER: '', AUTH_OIDC_CLIENT_ID: '', AUTH_OIDC_CLIENT_SECRET: '' })).toBeNull();
  });

  it('configure Auth.js\'s OpenID Connect provider when all three are set', () => {
    const settings = ssoSettings(all);
    expect(settings).toEqual({ issuer: all.AUTH_OIDC_ISSUER, clientId: 'webhooks', clientSecret: 's3cret-value' });
    expect(ssoProvider(settings!)).toMatchObject({ id: SSO_PROVIDER_ID, type: 'oidc', issuer: all.AUTH_OIDC_ISSUER, clientId: 'webhooks' });
  });

  it('refuse a partial or invalid configuration, naming what is wrong', () => {
    expect(() => ssoSettings({ AUTH_OIDC_ISSUER: all.AUTH_OIDC_ISSUER })).toThrow(/AUTH_OIDC_CLIENT_ID[\s\S]*AUTH_OIDC_CLIENT_SECRET/);
    expect(() => ssoSettings({ ...all, AUTH_OIDC_ISSUER: 'not a url' })).toThrow(/AUTH_OIDC_ISSUER: must be the URL/);
  });
});
