// A real OpenID Provider for ferrodash-auth's OIDC integration tests
// (tests/oidc.rs): panva's certified `oidc-provider` with its development
// interactions (a login form that takes any login name, then a consent
// screen). TEST HARNESS ONLY: in-memory storage, throw-away keys, plain
// http on loopback.
//
//   node provider.mjs [port]          (default: PORT, else a free port)
//
// Clients (redirect URI and secret shared, ids derived from CLIENT_ID):
//   CLIENT_ID            confidential, client_secret_basic, RS256 ID tokens
//   CLIENT_ID-es256      confidential, client_secret_basic, ES256 ID tokens
//   CLIENT_ID-public     public (no secret), RS256 ID tokens
// Environment: CLIENT_ID (default "ferrodash"), CLIENT_SECRET (default
// "test-secret"), REDIRECT_URI (default "http://127.0.0.1:9/callback").
// EXIT_ON_STDIN_CLOSE=1 makes it exit when its stdin closes (when the test
// that started it dies without killing it).
//
// Accounts: any login name; sub = the name, name = "<Name> Example",
// preferred_username = the name, email = "<name>@example.test",
// groups = ["staff"], plus "admin" for names starting with "admin".
//
// Prints "listening <issuer>" on stdout once it accepts requests.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const clientId = process.env.CLIENT_ID ?? 'ferrodash';
const clientSecret = process.env.CLIENT_SECRET ?? 'test-secret';
const redirectUri = process.env.REDIRECT_URI ?? 'http://127.0.0.1:9/callback';
const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

// Throw-away signing keys, one per algorithm the tests exercise.
function signingKey(type, options, alg, kid) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
}
const jwks = {
  keys: [
    signingKey('rsa', { modulusLength: 2048 }, 'RS256', 'rsa-1'),
    signingKey('ec', { namedCurve: 'P-256' }, 'ES256', 'ec-1'),
  ],
};

function account(login) {
  const groups = login.startsWith('admin') ? ['staff', 'admin'] : ['staff'];
  const name = `${login.charAt(0).toUpperCase()}${login.slice(1)} Example`;
  return {
    accountId: login,
    async claims() {
      return {
        sub: login,
        name,
        preferred_username: login,
        email: `${login}@example.test`,
        email_verified: true,
        groups,
      };
    },
  };
}

const confidential = {
  client_secret: clientSecret,
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};

// Listen first (port 0 picks a free one), then make the issuer from the
// port actually bound.
const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      { ...confidential, client_id: clientId },
      { ...confidential, client_id: `${clientId}-es256`, id_token_signed_response_alg: 'ES256' },
      {
        client_id: `${clientId}-public`,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    jwks,
    findAccount: (_ctx, id) => account(id),
    // `groups` rides with the `profile` scope so the default scopes
    // (openid profile email) bring every claim the tests look at, and
    // conformIdTokenClaims: false puts the scopes' claims into the ID token
    // itself (not only the userinfo endpoint).
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'groups'],
      email: ['email', 'email_verified'],
    },
    conformIdTokenClaims: false,
    // PKCE for every client (oidc-provider only takes S256).
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
  });
  // Plain http on loopback: oidc-provider serves it (cookies without
  // `Secure`), which a test harness may and a real deployment must not.
  server.on('request', provider.callback());
  process.stdout.write(`listening ${issuer}\n`);
});

if (process.env.EXIT_ON_STDIN_CLOSE === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
