/**
 * The agency HTTP API as plain data: a request in, a response out, whatever carries them (API
 * Gateway's Lambda event, the local engine's HTTP server). Problem responses and the headers every
 * response carries live here.
 */
import type { Problem, ProblemCode } from '../../contracts/http-api.ts';

export interface HttpRequest {
  method: string;
  /** The path without the query, e.g. /v1/lookups. */
  path: string;
  query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  /** The front door's id of this request (API Gateway's request id); the lookup's message id. */
  requestId: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Set-Cookie values (the console's session), one header each. */
  cookies?: string[];
}

/** Headers on every response: nothing cached, nothing sniffed or framed, HTTPS only. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const TITLES: Record<ProblemCode, string> = {
  UNAUTHENTICATED: 'No valid credentials',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  BAD_PARAMETER: 'Bad parameter',
  BODY_TOO_LARGE: 'Body too large',
  IN_PROGRESS: 'In progress',
  UNAVAILABLE: 'Unavailable',
  INTERNAL: 'Internal error',
};

export function problem(status: number, code: ProblemCode, detail?: string, headers: Record<string, string> = {}): HttpResponse {
  const body: Problem = {
    type: `urn:ndx:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[code],
    status,
    code,
    ...(detail ? { detail } : {}),
  };
  return { status, headers: { ...SECURITY_HEADERS, 'content-type': 'application/problem+json', ...headers }, body: JSON.stringify(body) };
}
