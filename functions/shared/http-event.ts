/** API Gateway (HTTP API, payload 2.0) events as the transport-free HttpRequest of domain/api/http.ts, for the API and console functions. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpRequest } from '../../domain/api/http.ts';

/** The HttpRequest of an API Gateway event (header names in lower case, the body decoded). */
export function requestOf(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  // Payload 2.0 moves the Cookie header into `cookies`.
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: event.queryStringParameters ?? {},
    headers,
    body,
    requestId: event.requestContext.requestId,
  };
}
