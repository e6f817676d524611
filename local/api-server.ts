/**
 * Serves the agency HTTP API on the local engine's endpoint: each HTTP request becomes the API Gateway
 * (HTTP API, payload 2.0) event the Lambda receives on AWS, handled by the same handler
 * (functions/api/handler.ts) with the same verification.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { MAX_HTTP_BODY_BYTES } from '../contracts/http-api.ts';
import type { ApiHandler } from '../functions/api/handler.ts';
import type { ConsoleHandler } from '../functions/console/handler.ts';

function context(functionName: string, timeoutSeconds: number, requestId: string): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A request listener for /v1/* that runs the API handler as API Gateway would. */
export function apiListener(handler: ApiHandler | ConsoleHandler, fn: { name: string; timeoutSeconds: number }): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      // Keep chunks until the body is over the limit (the handler answers 413), then drop the rest.
      if (size <= MAX_HTTP_BODY_BYTES) chunks.push(c);
      size += c.length;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
      // As API Gateway's payload 2.0: the Cookie header arrives as `cookies`.
      const cookies = headers.cookie ? headers.cookie.split(';').map((c) => c.trim()) : undefined;
      delete headers.cookie;
      const requestId = randomUUID();
      const body = Buffer.concat(chunks).toString('utf8');
      const query = Object.fromEntries(url.searchParams);
      const method = req.method ?? 'GET';
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(cookies ? { cookies } : {}),
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: 'localhost',
          domainPrefix: 'localhost',
          http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
          requestId,
          routeKey: '$default',
          stage: '$default',
          time: new Date().toUTCString(),
          timeEpoch: Date.now(),
        },
        ...(body ? { body } : {}),
        isBase64Encoded: false,
      };
      handler(event, context(fn.name, fn.timeoutSeconds, requestId)).then(
        (out) => {
          res.writeHead(out.statusCode ?? 200, {
            ...((out.headers ?? {}) as http.OutgoingHttpHeaders),
            ...(out.cookies?.length ? { 'set-cookie': out.cookies } : {}),
          });
          res.end(out.body ?? '');
        },
        () => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Internal Server Error' }));
        },
      );
    });
  };
}
