/**
 * The router Lambda: reads lookups from agencies' out-queues and hands each to the lookup router
 * (domain/lookup/route.ts), wired here to DynamoDB, SQS and Secrets Manager. Thin: it reads the
 * envelope once, keys the idempotent step, and reports to logs and metrics.
 */
import type { SQSRecord } from 'aws-lambda';
import { AuditLog, auditShards } from '../../aws/audit-log.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import { ContractRegistry } from '../../aws/contract-registry.ts';
import { forwardingKeys } from '../../aws/forwarding-key.ts';
import { IdempotencyValidationError, idempotent, type Ran } from '../../aws/idempotency.ts';
import { createLogger } from '../../aws/logger.ts';
import { LookupMetrics } from '../../aws/metrics.ts';
import { loadPepper } from '../../aws/pepper.ts';
import { Queues } from '../../aws/queues.ts';
import { RateLimiter } from '../../aws/rate-limit.ts';
import { requireEnv, type Env, type HandlerDeps } from '../../config/env.ts';
import { agencyOfOutQueue, ENV, names } from '../../config/names.ts';
import { findContract as shippedContracts } from '../../contracts/catalog.ts';
import { statusOf } from '../../contracts/protocol.ts';
import { consentSigningKey, verifyConsentSignature } from '../../domain/consent/consent.ts';
import { ContractCatalog } from '../../domain/contracts/catalog.ts';
import { readEnvelope } from '../../domain/lookup/envelope.ts';
import { signForwarded } from '../../domain/lookup/forwarded.ts';
import { requestDigest } from '../../domain/lookup/resend.ts';
import { lookupRouter, type RouteInput } from '../../domain/lookup/route.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { lazyHandler, receiveCount, sqsBatchHandler } from '../shared/sqs-batch-handler.ts';

export function createHandler(env: Env = process.env, deps: HandlerDeps = {}) {
  const vars = requireEnv(env, [ENV.auditTable, ENV.consentTable, ENV.idempotencyTable, ENV.rateLimitTable, ENV.contractTable, ENV.maxReceiveCount]);
  const maxReceiveCount = Number(vars[ENV.maxReceiveCount]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-router', env);
  const knownContract = deps.findContract ?? shippedContracts;
  const metrics = new LookupMetrics({ stage: 'router', serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'ndx-router', isKnownContract: (id) => Boolean(knownContract(id)), env });
  const queues = new Queues(sqsClient());
  const keys = forwardingKeys(env);
  const pepper = () => loadPepper(env);

  const router = lookupRouter({
    contracts: new ContractCatalog({
      registry: new ContractRegistry(documentClient(), vars[ENV.contractTable]),
      ttlMs: Number(env[ENV.contractCacheSeconds] ?? 30) * 1000,
      ...(deps.findContract ? { find: deps.findContract } : {}),
      onTampered: (contractId, versions) => logger.error('contract versions differ from their published digest; not served', { contractId, versions }),
    }),
    rateLimit: new RateLimiter(documentClient(), vars[ENV.rateLimitTable]),
    consents: new ConsentStore(documentClient(), vars[ENV.consentTable]),
    consentAuthentic: async () => {
      const key = consentSigningKey(await pepper());
      return (consent) => verifyConsentSignature(consent, key);
    },
    hashSubject: async () => subjectHasher(await pepper()),
    responder: { audit: new AuditLog(documentClient(), vars[ENV.auditTable], { shards: auditShards(env) }), queues },
    forward: async (lookup, registry) => {
      await queues.sendJson(names.registryInQueue(registry), signForwarded(lookup, await keys.current()));
    },
    send: async (consumer, reply) => {
      await queues.sendJson(names.agencyInQueue(consumer), reply);
    },
    observe: {
      answered: ({ consumer, requestId, contract, code, receivedAt }) => {
        logger.info('lookup answered by router', { requestId, consumer, contract, code });
        metrics.record({ status: statusOf(code), code, contract, sentAt: Date.parse(receivedAt) });
      },
      forwarded: ({ consumer, requestId, contract, version, registry }) => {
        logger.info('lookup forwarded', { requestId, consumer, contract, version, registry });
        metrics.record({ status: 'FORWARDED', code: 'FORWARDED', contract });
      },
      failed: ({ consumer, messageId, error }) => logger.error('lookup failed on its last delivery; answering INTERNAL', { consumer, messageId, error }),
    },
  });

  const once = idempotent<RouteInput & { key: string }>(vars[ENV.idempotencyTable], 'ndx-router', (input) => router.route(input));

  async function recordHandler(record: SQSRecord): Promise<Ran | undefined> {
    const consumer = agencyOfOutQueue(record.eventSourceARN);
    if (!consumer) throw new Error(`router is mapped to a queue that is not an agency out-queue: ${record.eventSourceARN}`);
    const envelope = readEnvelope(record.body);
    const requestId = envelope.ok ? envelope.request.requestId : envelope.requestId;
    const input = {
      key: requestId ? `${consumer}:${requestId}` : `${consumer}:message:${record.messageId}`,
      digest: requestDigest(await pepper(), envelope.ok ? envelope.request : undefined, record.body),
      consumer,
      envelope,
      messageId: record.messageId,
      receivedAt: new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString(),
      finalAttempt: receiveCount(record) >= maxReceiveCount,
    };
    let ran: Ran;
    try {
      ran = await once.run(input);
    } catch (error) {
      if (!(error instanceof IdempotencyValidationError)) throw error;
      await router.reused(input);
      return undefined;
    }
    if (ran.replayed) await router.resent(input, ran);
    return ran;
  }

  return sqsBatchHandler({ logger, metrics, registerContext: once.registerContext, recordHandler });
}

/** The Lambda entry point; built on first use from the function's environment. */
export const handler = lazyHandler(() => createHandler());
