/**
 * Who is calling: an agency, from its OAuth 2.0 access token (client credentials), never from the
 * body. The token must be a JWT signed by the configured issuer's keys (its JWKS), unexpired, issued
 * to a client the configuration gives to exactly one agency. The same code runs behind API Gateway
 * (after its JWT authorizer) and in the local engine (against the local issuer's keys).
 */
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface IdentityConfig {
  /** The issuer (`iss`) whose tokens identify agencies. */
  issuer: string;
  /** OAuth client id → agency id. */
  clients: Readonly<Record<string, string>>;
}

export type Caller = { ok: true; agency: string; clientId: string } | { ok: false; status: 401 | 403; detail: string };

/** Algorithms an issuer may sign with (Cognito signs RS256). */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256'];

export async function identify(authorization: string | undefined, keys: JWTVerifyGetKey, config: IdentityConfig): Promise<Caller> {
  const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, status: 401, detail: 'send an OAuth 2.0 access token: Authorization: Bearer <token>' };
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, { issuer: config.issuer, algorithms: TOKEN_ALGORITHMS, requiredClaims: ['exp', 'iat'] }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, status: 401, detail: 'the access token has expired: get a new one' };
    return { ok: false, status: 401, detail: 'the access token is not valid' };
  }
  // Cognito's and RFC 9068's access tokens name the client in `client_id`; an ID token is refused.
  if (claims.token_use !== undefined && claims.token_use !== 'access') return { ok: false, status: 401, detail: 'an access token is required' };
  const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined;
  const agency = clientId && Object.hasOwn(config.clients, clientId) ? config.clients[clientId] : undefined;
  if (!clientId || !agency) return { ok: false, status: 403, detail: 'the token’s client is not an agency of ndx' };
  return { ok: true, agency, clientId };
}
