/**
 * The agency HTTP API Lambda (API Gateway HTTP API, payload format 2.0): turns the event into an
 * HttpRequest for domain/api/app.ts and wires its ports: the router's pipeline (aws/router-ports.ts,
 * with the router's own idempotency records), the reply mailbox, the issuer's keys. Thin: the routes,
 * authentication and status codes are the domain's.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError, idempotent, onceRecords } from '../../aws/idempotency.ts';
import { createLogger } from '../../aws/logger.ts';
import { LookupMetrics } from '../../aws/metrics.ts';
import { loadPepper } from '../../aws/pepper.ts';
import { Queues } from '../../aws/queues.ts';
import { WINDOW_MS } from '../../aws/rate-limit.ts';
import { ReplyMailbox } from '../../aws/reply-mailbox.ts';
import { routerPorts } from '../../aws/router-ports.ts';
import { requireEnv, type Env, type HandlerDeps } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import { CONTRACTS, findContract as shippedContracts } from '../../contracts/catalog.ts';
import { apiOpenApi } from '../../contracts/http-openapi.ts';
import { httpApi } from '../../domain/api/app.ts';
import { apiDirectory } from '../../domain/api/directory.ts';
import { json } from '../../domain/api/http.ts';
import { requestOf } from '../shared/http-event.ts';
import { lookupRouter } from '../../domain/lookup/route.ts';
import { webhookSecret } from '../../domain/lookup/webhook.ts';
import { indicatorPorts } from '../../aws/indicator-ports.ts';
import { indicatorIntake, indicatorService, type IndicatorInput } from '../../domain/indicators/service.ts';
import { names } from '../../config/names.ts';

export { requestOf };

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function createHandler(env: Env = process.env, deps: HandlerDeps = {}): ApiHandler {
  const vars = requireEnv(env, [
    ENV.auditTable,
    ENV.consentTable,
    ENV.idempotencyTable,
    ENV.rateLimitTable,
    ENV.contractTable,
    ENV.replyMailboxTable,
    ENV.apiIssuer,
    ENV.apiClients,
  ]);
  const service = env.POWERTOOLS_SERVICE_NAME ?? 'ndx-api';
  const logger = createLogger(service, env);
  const findContract = deps.findContract ?? shippedContracts;
  const metrics = new LookupMetrics({ stage: 'router', serviceName: service, isKnownContract: (id) => Boolean(findContract(id)), env });
  const mailbox = new ReplyMailbox(documentClient(), vars[ENV.replyMailboxTable]);
  const tables = { audit: vars[ENV.auditTable], consents: vars[ENV.consentTable], rateLimits: vars[ENV.rateLimitTable], contracts: vars[ENV.contractTable] };
  const ports = routerPorts({ env, tables, deps, logger, metrics, queues: new Queues(sqsClient()), mailbox });
  const router = lookupRouter(ports);
  // The router's own step and records (prefix ndx-router): one requestId space per agency, whichever door it came in by.
  const once = onceRecords(vars[ENV.idempotencyTable], 'ndx-router');
  // Indicator requests: answered in this function (no registry is asked), with the router's idempotency records.
  const indicatorIntakeStep = indicatorIntake(
    indicatorService(
      indicatorPorts(env, { audit: tables.audit, contracts: tables.contracts, indicators: env[ENV.indicatorTable] ?? names.indicatorTable }, ports),
    ),
    async () => undefined,
  );
  const indicatorOnce = idempotent<IndicatorInput>(vars[ENV.idempotencyTable], 'ndx-router', (input) => indicatorIntakeStep.step(input));
  const clients = JSON.parse(vars[ENV.apiClients]) as Record<string, string>;
  const issuer = vars[ENV.apiIssuer];
  const webhooks = JSON.parse(env[ENV.webhooks] ?? '{}') as Record<string, string>;
  const keys = createRemoteJWKSet(new URL(env[ENV.apiJwksUrl] ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`));

  const openApi = apiOpenApi([{ url: '/', description: 'The endpoint serving this document' }]);
  const app = httpApi({
    identity: { issuer, clients },
    keys,
    lookups: {
      router,
      hasWebhook: (agency) => Object.hasOwn(webhooks, agency),
      once,
      pepper: () => loadPepper(env),
      mailbox,
      rateLimitRetryAfter: () => Math.ceil((WINDOW_MS - (Date.now() % WINDOW_MS)) / 1000),
      now: () => new Date(),
    },
    indicators: {
      intake: indicatorIntakeStep,
      once: {
        run: indicatorOnce.run,
        isReused: (e) => e instanceof IdempotencyValidationError,
        isInProgress: (e) => e instanceof IdempotencyAlreadyInProgressError,
      },
      pepper: () => loadPepper(env),
      rateLimitRetryAfter: () => Math.ceil((WINDOW_MS - (Date.now() % WINDOW_MS)) / 1000),
      now: () => new Date(),
    },
    directory: apiDirectory({
      contractIds: CONTRACTS.map((c) => c.id),
      load: (id) => ports.contracts.load(id),
      // Relative to wherever it is served (the API's domain, or the local endpoint).
      public: { '/v1/openapi.json': () => json(200, openApi) },
      webhookOf: async (agency) => {
        const url = Object.hasOwn(webhooks, agency) ? webhooks[agency] : undefined;
        return url ? { url, secret: webhookSecret(await loadPepper(env), agency) } : undefined;
      },
    }),
    failed: (error) => logger.error('HTTP API call failed', { error: (error as Error).name }),
  });

  return async (event, context) => {
    once.registerContext(context);
    indicatorOnce.registerContext(context);
    try {
      const res = await app(requestOf(event));
      logger.info('HTTP API call', { method: event.requestContext.http.method, route: event.routeKey, status: res.status });
      return { statusCode: res.status, headers: res.headers, body: res.body };
    } finally {
      metrics.flush();
    }
  };
}

let instance: ApiHandler | undefined;
/** The Lambda entry point; built on first use from the function's environment. */
export const handler: ApiHandler = (event, context) => {
  instance ??= createHandler();
  return instance(event, context);
};
