/** The console's OpenID Connect client: the authorization request (PKCE S256) and the checks on the ID token it redeems. */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, OidcError, type OidcSettings, pkcePair, redeem, signOutUrl } from '../../console/oidc.ts';

const settings: OidcSettings = {
  issuer: 'https://cognito-idp.ap-southeast-1.amazonaws.com/pool',
  authorizeUrl: 'https://ndx.auth.ap-southeast-1.amazoncognito.com/oauth2/authorize',
  tokenUrl: 'https://ndx.auth.ap-southeast-1.amazoncognito.com/oauth2/token',
  clientId: 'console-client',
  redirectUri: 'https://ndx.gov.vn/console/callback',
  providers: { citizen: 'VNeID', staff: 'COGNITO' },
};

let keys: ReturnType<typeof createLocalJWKSet>;
let sign: (claims: Record<string, unknown>, o?: { iss?: string; aud?: string; exp?: number }) => Promise<string>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
  sign = (claims, o = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(o.iss ?? settings.issuer)
      .setAudience(o.aud ?? settings.clientId)
      .setIssuedAt(now - 10)
      .setExpirationTime(o.exp ?? now + 600)
      .sign(privateKey);
  };
});

/** A token endpoint that answers with `body` and records what it was sent. */
function endpoint(body: unknown, status = 200) {
  const sent: URLSearchParams[] = [];
  const fetchImpl = (async (_url: string | URL | Request, init?: RequestInit) => {
    sent.push(new URLSearchParams(String(init?.body)));
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchImpl, sent };
}

describe('authorizeUrl', () => {
  it('asks for a code with PKCE S256, state and nonce, at the door’s provider', () => {
    const { verifier, challenge } = pkcePair();
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    const url = new URL(authorizeUrl(settings, { state: 's', nonce: 'n', challenge, door: 'citizen' }));
    expect(url.origin + url.pathname).toBe(settings.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: settings.redirectUri,
      state: 's',
      nonce: 'n',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      identity_provider: 'VNeID',
    });
    expect(new URL(authorizeUrl(settings, { state: 's', nonce: 'n', challenge, door: 'staff' })).searchParams.get('identity_provider')).toBe('COGNITO');
    expect(
      new URL(authorizeUrl({ ...settings, providers: {} }, { state: 's', nonce: 'n', challenge, door: 'staff' })).searchParams.has('identity_provider'),
    ).toBe(false);
  });
});

describe('redeem', () => {
  const input = { code: 'the-code', verifier: 'the-verifier', nonce: 'the-nonce' };

  it('sends the code with its verifier and returns the verified claims', async () => {
    const { fetchImpl, sent } = endpoint({ id_token: await sign({ nonce: 'the-nonce', email: 'a@b.vn', token_use: 'id' }) });
    const claims = await redeem(settings, keys, input, fetchImpl);
    expect(claims.email).toBe('a@b.vn');
    expect(Object.fromEntries(sent[0] ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: settings.redirectUri,
      client_id: 'console-client',
      code_verifier: 'the-verifier',
    });
  });

  it('refuses a token for another sign-in, client or issuer, an expired one, an access token, or none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      await sign({ nonce: 'other' }),
      await sign({ nonce: 'the-nonce' }, { aud: 'another-client' }),
      await sign({ nonce: 'the-nonce' }, { iss: 'https://evil.example' }),
      await sign({ nonce: 'the-nonce' }, { exp: now - 60 }),
      await sign({ nonce: 'the-nonce', token_use: 'access' }),
      await sign({}),
      'not.a.jwt',
    ];
    for (const id_token of cases) await expect(redeem(settings, keys, input, endpoint({ id_token }).fetchImpl)).rejects.toThrow(OidcError);
    await expect(redeem(settings, keys, input, endpoint({}).fetchImpl)).rejects.toThrow(/no ID token/);
    await expect(redeem(settings, keys, input, endpoint({ error: 'invalid_grant' }, 400).fetchImpl)).rejects.toThrow(/HTTP 400/);
  });
});

describe('signOutUrl', () => {
  it('ends the sign-in at the provider too when it has a sign-out endpoint, coming back to the console', () => {
    const url = new URL(signOutUrl({ ...settings, logoutUrl: 'https://ndx.auth.ap-southeast-1.amazoncognito.com/logout' }, 'https://ndx.gov.vn/console'));
    expect(url.pathname).toBe('/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'console-client', logout_uri: 'https://ndx.gov.vn/console' });
    expect(signOutUrl(settings, 'https://ndx.gov.vn/console')).toBe('https://ndx.gov.vn/console');
  });
});
