/**
 * The agency HTTP API's routes: authenticate, then hand the call to its service. Transport-free (see
 * http.ts); functions/api/handler.ts serves it on Lambda behind API Gateway, the local engine on its
 * endpoint.
 */
import type { JWTVerifyGetKey } from 'jose';
import { type HttpRequest, type HttpResponse, problem } from './http.ts';
import { type IdentityConfig, identify } from './identity.ts';
import { type HttpIndicatorPorts, httpIndicators } from './indicators.ts';
import { type HttpLookupPorts, httpLookups } from './lookups.ts';

export interface ApiPorts {
  identity: IdentityConfig;
  keys: JWTVerifyGetKey;
  lookups: HttpLookupPorts;
  /** POST /v1/indicators (domain/indicators/); without it the route is 404. */
  indicators?: HttpIndicatorPorts;
  /** The directory: GET routes that only read (contracts, me, the OpenAPI document). */
  directory?: {
    /** Served without authentication (the OpenAPI document). */
    public: Readonly<Record<string, () => HttpResponse>>;
    /** `path` is what follows /v1; undefined when no route matches. */
    get(agency: string, clientId: string, path: string): Promise<HttpResponse | undefined>;
  };
  /** Told of failures (logs, metrics): never given personal data. */
  failed?(error: unknown): void;
}

const LOOKUP = /^\/v1\/lookups\/([0-9a-fA-F-]{36})$/;

/** Whether a body is sent as JSON: application/json, with parameters or none, in any case (no content type is not JSON). */
const isJson = (req: HttpRequest) => /^application\/json\s*(;|$)/i.test(String(req.headers['content-type']));

export function httpApi(ports: ApiPorts): (req: HttpRequest) => Promise<HttpResponse> {
  const lookups = httpLookups(ports.lookups);
  const indicators = ports.indicators ? httpIndicators(ports.indicators) : undefined;

  async function route(req: HttpRequest): Promise<HttpResponse> {
    const pub = ports.directory?.public[req.path];
    if (pub) return req.method === 'GET' ? pub() : problem(405, 'METHOD_NOT_ALLOWED', undefined, { allow: 'GET' });
    if (!req.path.startsWith('/v1/')) return problem(404, 'NOT_FOUND', 'no such resource');
    const caller = await identify(req.headers.authorization, ports.keys, ports.identity);
    if (!caller.ok) {
      const challenge: Record<string, string> = caller.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {};
      return problem(caller.status, caller.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', caller.detail, challenge);
    }
    if (req.path === '/v1/lookups') {
      if (req.method !== 'POST') return problem(405, 'METHOD_NOT_ALLOWED', undefined, { allow: 'POST' });
      if (!isJson(req)) return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the LookupRequest as application/json');
      return lookups.submit(caller.agency, req);
    }
    if (req.path === '/v1/lookups/batch') {
      if (req.method !== 'POST') return problem(405, 'METHOD_NOT_ALLOWED', undefined, { allow: 'POST' });
      if (!isJson(req)) return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the batch as application/json');
      return lookups.batch(caller.agency, req);
    }
    if (req.path === '/v1/indicators' && indicators) {
      if (req.method !== 'POST') return problem(405, 'METHOD_NOT_ALLOWED', undefined, { allow: 'POST' });
      if (!isJson(req)) return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the IndicatorRequest as application/json');
      return indicators.submit(caller.agency, req);
    }
    const polled = LOOKUP.exec(req.path)?.[1];
    if (polled) return req.method === 'GET' ? lookups.poll(caller.agency, polled, req) : problem(405, 'METHOD_NOT_ALLOWED', undefined, { allow: 'GET' });
    if (req.method === 'GET') {
      const found = await ports.directory?.get(caller.agency, caller.clientId, req.path.slice(3));
      if (found) return found;
    }
    return problem(404, 'NOT_FOUND', 'no such resource');
  }

  return async (req) => {
    try {
      return await route(req);
    } catch (error) {
      ports.failed?.(error);
      return problem(503, 'UNAVAILABLE', 'the lookup was not taken: resend the same request (same requestId and body)', { 'retry-after': '1' });
    }
  };
}
