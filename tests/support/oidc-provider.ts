/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback, for the single sign-on
 * end-to-end tests; Playwright starts it as one of its web servers (playwright.config.ts).
 *
 * Its built-in login form accepts any login: the login is the person's email, verified, so a test
 * signs in as whoever it provisioned (or did not). A login of the form `unverified:<email>` gives
 * that email with `email_verified: false`.
 *
 * Environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI.
 */
import Provider, { type Account } from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const clientId = process.env.OIDC_CLIENT_ID;
const clientSecret = process.env.OIDC_CLIENT_SECRET;
const redirectUri = process.env.OIDC_REDIRECT_URI;
if (!port || !clientId || !clientSecret || !redirectUri) throw new Error('Set OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI.');

const UNVERIFIED = 'unverified:';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Auth.js reads the person from the ID token, so the scope's claims go into it.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
  cookies: { keys: ['kazinex-e2e-oidc-cookie-key-not-a-secret'] },
  async findAccount(_ctx, id): Promise<Account> {
    const verified = !id.startsWith(UNVERIFIED);
    const email = verified ? id : id.slice(UNVERIFIED.length);
    return {
      accountId: id,
      claims: () => ({ sub: id, email, email_verified: verified, name: email.split('@')[0] }),
    };
  },
});

// Why a request was refused, in the test's server output.
for (const event of ['grant.error', 'authorization.error', 'server_error']) {
  provider.on(event, (_ctx: unknown, err: { message?: string; error_detail?: string }) => console.error(`oidc-provider ${event}: ${err.message} ${err.error_detail ?? ''}`));
}

provider.listen(port, '127.0.0.1', () => console.log(`OpenID Connect provider listening on http://127.0.0.1:${port}`));
