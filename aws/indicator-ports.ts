/**
 * The indicator service's ports wired to AWS, for every door that answers indicator requests (the
 * router Lambda for agencies' out-queues, the HTTP API Lambda): indicator contracts with their
 * lifecycle from the contract registry, the rate limiter, the aggregates, the audit trail.
 */
import type { Env } from '../config/env.ts';
import { ENV } from '../config/names.ts';
import { findIndicator } from '../contracts/indicators/catalog.ts';
import { ContractCatalog } from '../domain/contracts/catalog.ts';
import type { IndicatorPorts } from '../domain/indicators/service.ts';
import type { RouterPorts } from '../domain/lookup/route.ts';
import { AuditAppender, auditShards } from './audit-log.ts';
import { documentClient } from './clients.ts';
import { ContractRecords } from './contract-records.ts';
import { IndicatorAggregates } from './indicator-store.ts';

export function indicatorPorts(
  env: Env,
  tables: { audit: string; contracts: string; indicators: string },
  router: Pick<RouterPorts, 'rateLimit'>,
): IndicatorPorts {
  return {
    indicators: new ContractCatalog({
      registry: new ContractRecords(documentClient(), tables.contracts),
      ttlMs: Number(env[ENV.contractCacheSeconds] ?? 30) * 1000,
      find: findIndicator,
    }),
    // The router's limiter: one agency's lookups and indicator requests share its windows' writes.
    rateLimit: router.rateLimit,
    aggregates: new IndicatorAggregates(documentClient(), tables.indicators),
    audit: new AuditAppender(documentClient(), tables.audit, { shards: auditShards(env) }),
  };
}
