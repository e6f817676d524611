/**
 * The router Lambda: reads lookups from agencies' out-queues and hands each to the lookup router
 * (domain/lookup/route.ts), wired here to DynamoDB, SQS and Secrets Manager. Thin: it reads the
 * envelope once, keys the idempotent step, and reports to logs and metrics.
 */
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../../aws/clients.ts';
import { IdempotencyValidationError, idempotent, onceRecords, type Ran } from '../../aws/idempotency.ts';
import { createLogger } from '../../aws/logger.ts';
import { LookupMetrics } from '../../aws/metrics.ts';
import { loadPepper } from '../../aws/pepper.ts';
import { Queues } from '../../aws/queues.ts';
import { routerPorts } from '../../aws/router-ports.ts';
import { requireEnv, type Env, type HandlerDeps } from '../../config/env.ts';
import { agencyOfOutQueue, ENV } from '../../config/names.ts';
import { findContract as shippedContracts } from '../../contracts/catalog.ts';
import { readEnvelope } from '../../domain/lookup/envelope.ts';
import { routeKey, takeIn } from '../../domain/lookup/intake.ts';
import { requestDigest } from '../../domain/lookup/resend.ts';
import { lookupRouter } from '../../domain/lookup/route.ts';
import { lazyHandler, receiveCount, sqsBatchHandler } from '../shared/sqs-batch-handler.ts';
import { indicatorPorts } from '../../aws/indicator-ports.ts';
import { isIndicatorMessage } from '../../contracts/indicators/protocol.ts';
import { indicatorInput, indicatorIntake, indicatorService, type IndicatorInput } from '../../domain/indicators/service.ts';
import { names } from '../../config/names.ts';

export function createHandler(env: Env = process.env, deps: HandlerDeps = {}) {
  const vars = requireEnv(env, [ENV.auditTable, ENV.consentTable, ENV.idempotencyTable, ENV.rateLimitTable, ENV.contractTable, ENV.maxReceiveCount]);
  const maxReceiveCount = Number(vars[ENV.maxReceiveCount]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-router', env);
  const knownContract = deps.findContract ?? shippedContracts;
  const metrics = new LookupMetrics({
    stage: 'router',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'ndx-router',
    isKnownContract: (id) => Boolean(knownContract(id)),
    env,
  });
  const queues = new Queues(sqsClient());
  const pepper = () => loadPepper(env);
  const tables = { audit: vars[ENV.auditTable], consents: vars[ENV.consentTable], rateLimits: vars[ENV.rateLimitTable], contracts: vars[ENV.contractTable] };
  const ports = routerPorts({ env, tables, deps, logger, metrics, queues });
  const router = lookupRouter(ports);

  // The router's records: an answer made once, a forward recorded in one write before it is sent (aws/idempotency.ts).
  const once = onceRecords(vars[ENV.idempotencyTable], 'ndx-router');

  // Indicator requests on the same queues (`kind: "indicator"`): answered here, in the router's requestId space.
  const indicators = indicatorIntake(
    indicatorService(indicatorPorts(env, { ...tables, indicators: env[ENV.indicatorTable] ?? names.indicatorTable }, ports)),
    (consumer, reply) => queues.sendJson(names.agencyInQueue(consumer), reply).then(() => undefined),
  );
  const indicatorOnce = idempotent<IndicatorInput>(vars[ENV.idempotencyTable], 'ndx-router', (input) => indicators.step(input));

  async function recordHandler(record: SQSRecord): Promise<Ran | undefined> {
    const consumer = agencyOfOutQueue(record.eventSourceARN);
    if (!consumer) throw new Error(`router is mapped to a queue that is not an agency out-queue: ${record.eventSourceARN}`);
    if (isIndicatorMessage(record.body)) {
      const reply = await indicators.take(
        { run: indicatorOnce.run, isReused: (error) => error instanceof IdempotencyValidationError },
        indicatorInput(await pepper(), {
          consumer,
          body: record.body,
          messageId: record.messageId,
          receivedAt: new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString(),
        }),
      );
      if (reply) logger.info('indicator request answered', { requestId: reply.requestId, consumer, indicator: reply.indicator, code: reply.code });
      return undefined;
    }
    const envelope = readEnvelope(record.body);
    const requestId = envelope.ok ? envelope.request.requestId : envelope.requestId;
    const input = {
      key: routeKey(consumer, requestId, record.messageId),
      digest: requestDigest(await pepper(), envelope.ok ? envelope.request : undefined, record.body),
      consumer,
      envelope,
      messageId: record.messageId,
      receivedAt: new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString(),
      finalAttempt: receiveCount(record) >= maxReceiveCount,
    };
    return takeIn(router, once, input);
  }

  const registerContext = (context: Parameters<typeof once.registerContext>[0]) => {
    once.registerContext(context);
    indicatorOnce.registerContext(context);
  };
  return sqsBatchHandler({ logger, metrics, registerContext, recordHandler });
}

/** The Lambda entry point; built on first use from the function's environment. */
export const handler = lazyHandler(() => createHandler());
