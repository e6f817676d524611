/**
 * The local OAuth 2.0 issuer of `npm start`: one client per agency (client id and a secret made at
 * start, printed), a token endpoint for the client-credentials grant, and the JSON Web Key Set the
 * API verifies tokens against, on the engine's own endpoint. Tokens look like Cognito's access tokens
 * (`client_id`, `token_use: access`, RS256), so the API's verification is the same code as on AWS.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type LocalConsoleSignIn, localConsoleSignIn } from './console-sign-in.ts';

/** The `iss` of local tokens. */
export const LOCAL_API_ISSUER = 'urn:ndx:local-issuer';
export const TOKEN_PATH = '/_ndx/oauth2/token';
export const JWKS_PATH = '/_ndx/oauth2/jwks.json';
/** How long a local access token lives (Cognito's default is an hour too). */
export const LOCAL_TOKEN_SECONDS = 3600;

export const localClientId = (agencyId: string) => `ndx-local-${agencyId}`;

export interface LocalClient {
  agency: string;
  clientId: string;
  clientSecret: string;
}

export interface LocalIssuer {
  clients: readonly LocalClient[];
  jwks: { keys: JWK[] };
  /** A token for a client; `ttlSeconds` may be negative (an expired token, for tests). */
  issue(clientId: string, options?: { ttlSeconds?: number }): Promise<string>;
  /** The console's demo sign-in (authorization endpoint and code grant). */
  console: LocalConsoleSignIn;
  /** Serves the token, authorization and key set endpoints; false for any other path. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startLocalIssuer(
  agencies: readonly string[],
  options: { allowedRedirect: (uri: string) => boolean } = { allowedRedirect: () => false },
): Promise<LocalIssuer> {
  const signIn = localConsoleSignIn(options);
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const clients = agencies.map((agency) => ({ agency, clientId: localClientId(agency), clientSecret: randomBytes(24).toString('base64url') }));

  async function issue(clientId: string, { ttlSeconds = LOCAL_TOKEN_SECONDS } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: clientId, token_use: 'access', scope: 'ndx/lookups' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(LOCAL_API_ISSUER)
      .setSubject(clientId)
      .setJti(randomUUID())
      .setIssuedAt(Math.min(now, now + ttlSeconds - 1))
      .setExpirationTime(now + ttlSeconds)
      .sign(privateKey);
  }

  function reply(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  async function token(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (basic) [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    if (form.get('grant_type') === 'authorization_code') {
      // The console (a public client with PKCE): an ID token for the person picked on the demo sign-in page.
      const redeemed = signIn.redeem(form);
      if ('error' in redeemed) return reply(res, 400, { error: redeemed.error });
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT(redeemed.claims)
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(LOCAL_API_ISSUER)
        .setAudience(redeemed.clientId)
        .setSubject(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + LOCAL_TOKEN_SECONDS)
        .sign(privateKey);
      return reply(res, 200, { id_token: idToken, token_type: 'Bearer', expires_in: LOCAL_TOKEN_SECONDS });
    }
    if (form.get('grant_type') !== 'client_credentials') return reply(res, 400, { error: 'unsupported_grant_type' });
    const client = clients.find((c) => c.clientId === id);
    if (!client || !same(client.clientSecret, secret)) return reply(res, 401, { error: 'invalid_client' });
    reply(res, 200, { access_token: await issue(client.clientId), token_type: 'Bearer', expires_in: LOCAL_TOKEN_SECONDS });
  }

  return {
    clients,
    jwks,
    issue,
    console: signIn,
    handle(req, res) {
      if (signIn.handle(req, res)) return true;
      const path = (req.url ?? '').split('?')[0];
      if (path === JWKS_PATH && req.method === 'GET') {
        reply(res, 200, jwks);
        return true;
      }
      if (path === TOKEN_PATH && req.method === 'POST') {
        token(req, res).catch(() => reply(res, 500, { error: 'server_error' }));
        return true;
      }
      return false;
    },
  };
}
