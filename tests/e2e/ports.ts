// Ports of the servers Playwright starts (playwright.config.ts); `npm test` picks free ones.
export const STRICT_PORT = Number(process.env.E2E_STRICT_PORT ?? 3101);
export const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? 3102);
export const SSO_PORT = Number(process.env.E2E_SSO_PORT ?? 3103);
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3104);
/** The operability spec's own instance, on a PostgreSQL it owns and stops. */
export const OPS_PORT = Number(process.env.E2E_OPS_PORT ?? 3105);

export const OIDC_CLIENT = { id: 'kazinex-webhooks-e2e', secret: 'e2e-client-secret-for-the-loopback-provider' };

export const origin = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The single sign-on instance's public URL. Next.js names loopback addresses `localhost` in the
 * URLs it hands Auth.js, so the redirect URI registered at the identity provider, AUTH_URL and the
 * browser all use that name, and the cookies set before the round trip come back with it.
 */
export const ssoOrigin = () => `http://localhost:${SSO_PORT}`;
