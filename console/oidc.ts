/**
 * Signing in to the console: OpenID Connect authorization code flow with PKCE (RFC 7636, S256), as a
 * public client (no client secret to keep). On AWS the provider is the environment's Cognito user pool
 * (staff in its groups; citizens through the national identity provider federated into it); locally
 * it is the engine's demo issuer. Either way this code checks the same things: the state and the
 * browser that began the sign-in, the ID token's signature, issuer, audience, expiry and nonce.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type JWTVerifyGetKey, jwtVerify } from 'jose';

export interface OidcSettings {
  /** The ID token's `iss`. */
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** The app client's id: the ID token's audience. */
  clientId: string;
  /** Where the provider sends the browser back (must be registered with the provider). */
  redirectUri: string;
  /** The provider's sign-out endpoint (Cognito's /logout), so that signing out of the console also ends the sign-in there (a shared computer). */
  logoutUrl?: string;
  /** For each way in (`citizen`, `staff`), the identity provider to go to directly (Cognito's `identity_provider`). */
  providers?: Partial<Record<'citizen' | 'staff', string>>;
}

export class OidcError extends Error {
  override readonly name = 'OidcError';
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(s: OidcSettings, input: { state: string; nonce: string; challenge: string; door: 'citizen' | 'staff' }): string {
  const url = new URL(s.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: s.clientId,
    redirect_uri: s.redirectUri,
    scope: 'openid email profile',
    state: input.state,
    nonce: input.nonce,
    code_challenge: input.challenge,
    code_challenge_method: 'S256',
    ...(s.providers?.[input.door] ? { identity_provider: s.providers[input.door] } : {}),
    // The local demo issuer shows citizens or staff; providers ignore parameters they do not know.
    login_hint_kind: input.door,
  }).toString();
  return url.toString();
}

/** Exchanges the code for tokens and returns the verified ID token's claims. */
export async function redeem(
  s: OidcSettings,
  keys: JWTVerifyGetKey,
  input: { code: string; verifier: string; nonce: string },
  fetchImpl: typeof fetch = fetch,
): Promise<Record<string, unknown>> {
  const res = await fetchImpl(s.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: s.redirectUri,
      client_id: s.clientId,
      code_verifier: input.verifier,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new OidcError(`the identity provider refused the code (HTTP ${res.status})`);
  const body = (await res.json()) as { id_token?: unknown };
  if (typeof body.id_token !== 'string') throw new OidcError('the identity provider returned no ID token');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(body.id_token, keys, {
      issuer: s.issuer,
      audience: s.clientId,
      algorithms: ['RS256', 'ES256'],
      requiredClaims: ['exp', 'iat', 'nonce'],
    }));
  } catch {
    throw new OidcError('the ID token is not valid');
  }
  if (claims.nonce !== input.nonce) throw new OidcError('the ID token was not issued for this sign-in');
  if (claims.token_use !== undefined && claims.token_use !== 'id') throw new OidcError('an ID token is required');
  return claims;
}

/** Where to send the browser after the console's session ended: the provider's sign-out (Cognito's form), which returns to `back`; or `back` itself. */
export function signOutUrl(s: OidcSettings, back: string): string {
  if (!s.logoutUrl) return back;
  const url = new URL(s.logoutUrl);
  url.search = new URLSearchParams({ client_id: s.clientId, logout_uri: back }).toString();
  return url.toString();
}
