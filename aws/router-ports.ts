/**
 * The router's ports wired to AWS (DynamoDB, SQS, Secrets Manager): one wiring for every front door
 * that routes lookups, the router Lambda (agencies' out-queues) and the HTTP API Lambda, so both run
 * the same pipeline against the same stores.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Env, HandlerDeps } from '../config/env.ts';
import { ENV, names } from '../config/names.ts';
import { statusOf } from '../contracts/protocol.ts';
import { consentSigningKey, verifyConsentSignature } from '../domain/consent/consent.ts';
import { ContractCatalog } from '../domain/contracts/catalog.ts';
import { signForwarded } from '../domain/lookup/forwarded.ts';
import type { Mailbox } from '../domain/lookup/mailbox.ts';
import { deliver } from '../domain/lookup/respond.ts';
import type { RouterPorts } from '../domain/lookup/route.ts';
import { subjectHasher } from '../domain/subject-hash.ts';
import { AuditAppender, auditLogOptions } from './audit-log.ts';
import { documentClient } from './clients.ts';
import { ConsentStore } from './consent-store.ts';
import { ContractRecords } from './contract-records.ts';
import { forwardingKeys } from './forwarding-key.ts';
import type { LookupMetrics } from './metrics.ts';
import { loadPepper } from './pepper.ts';
import type { Queues } from './queues.ts';
import { RateLimiter } from './rate-limit.ts';

export interface RouterWiring {
  env: Env;
  /** Table names, read from the environment by the handler. */
  tables: { audit: string; consents: string; rateLimits: string; contracts: string };
  deps: HandlerDeps;
  logger: Logger;
  metrics: LookupMetrics;
  queues: Queues;
  /** Where replies with a reply route go (the HTTP API). */
  mailbox?: Mailbox;
}

export function routerPorts(w: RouterWiring): RouterPorts {
  const { env, logger, metrics, queues } = w;
  const keys = forwardingKeys(env);
  const pepper = () => loadPepper(env);
  const replies = { queues, ...(w.mailbox ? { mailbox: w.mailbox } : {}) };
  return {
    contracts: new ContractCatalog({
      registry: new ContractRecords(documentClient(), w.tables.contracts),
      ttlMs: Number(env[ENV.contractCacheSeconds] ?? 30) * 1000,
      ...(w.deps.findContract ? { find: w.deps.findContract } : {}),
      onTampered: (contractId, versions) => logger.error('contract versions differ from their published digest; not served', { contractId, versions }),
    }),
    rateLimit: new RateLimiter(documentClient(), w.tables.rateLimits),
    consents: new ConsentStore(documentClient(), w.tables.consents),
    consentAuthentic: async () => {
      const key = consentSigningKey(await pepper());
      return (consent) => verifyConsentSignature(consent, key);
    },
    hashSubject: async () => subjectHasher(await pepper()),
    responder: { audit: new AuditAppender(documentClient(), w.tables.audit, auditLogOptions(env)), ...replies },
    forward: async (lookup, registry) => {
      await queues.sendJson(names.registryInQueue(registry), signForwarded(lookup, await keys.current()));
    },
    send: (consumer, reply, route) => deliver(replies, consumer, reply, route),
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
  };
}
