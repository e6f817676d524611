/**
 * The environment variables of ndx's functions: literal strings (never tokens), named by `ENV` in
 * config/names.ts, so that the local engine can run a handler with exactly the
 * environment the synthesized template gives it.
 */
import { ENV, FORWARDING_KEY_SECRET_NAME, names, PEPPER_SECRET_NAME } from '../../config/names.ts';
import type { NdxConfig } from '../../config/schema.ts';
import { CAPACITY_FACTS } from '../../config/capacity.ts';

/** Physical names of ndx's functions. */
export const functionNames = {
  router: 'ndx-router',
  adapter: (registryId: string) => `ndx-adapter-${registryId}`,
  anchor: 'ndx-audit-anchor',
  archive: 'ndx-audit-archive',
  rotation: 'ndx-forwarding-key-rotation',
  api: 'ndx-api',
  webhook: 'ndx-webhook',
  console: 'ndx-console',
  /** Plans and merges the runs of a registry's indicators job (infra/constructs/indicator-job.ts). */
  indicators: (registryId: string) => `ndx-indicators-${registryId}`,
  indicatorSegment: (registryId: string) => `ndx-indicators-${registryId}-segment`,
} as const;

/** Handler entries, relative to the repository root (also the `ndx:handler` metadata). */
export const handlerEntries = {
  router: 'functions/router/handler.ts',
  adapter: 'functions/adapter/handler.ts',
  anchor: 'functions/anchor/handler.ts',
  archive: 'functions/archive/handler.ts',
  rotation: 'functions/rotation/handler.ts',
  redrive: 'functions/redrive/handler.ts',
  api: 'functions/api/handler.ts',
  webhook: 'functions/webhook/handler.ts',
  console: 'functions/console/handler.ts',
  indicatorRun: 'functions/indicator-run/handler.ts',
  indicatorSegment: 'functions/indicator-segment/handler.ts',
} as const;

/**
 * The `dynamodb:LeadingKeys` pattern of a function's Powertools idempotency records: Powertools keys
 * them `<keyPrefix>#<hash of the payload>`, and each handler's keyPrefix is its function name
 * (`ndx-router`, `ndx-adapter-<registryId>`; see functions/router/handler.ts, functions/adapter/handler.ts).
 */
export function idempotencyKeyPattern(functionName: string): string {
  return `${functionName}#*`;
}

/** The variable that keeps appends looking for markers where earlier versions kept them, when the environment says until when. */
export function auditUpgradeEnvironment(settings: { auditLegacyMarkersUntil?: string | undefined }): Record<string, string> {
  return settings.auditLegacyMarkersUntil ? { [ENV.auditLegacyMarkersUntil]: settings.auditLegacyMarkersUntil } : {};
}

/** CloudWatch namespace of ndx's own (EMF) metrics. */
export const METRICS_NAMESPACE = 'ndx';

/** Audit chain shards when the environment states no capacity (config/capacity.ts). */
const DEFAULT_SHARDS = CAPACITY_FACTS.defaultAuditShards;

/** Variables every ndx function gets; `auditShards` from the environment's capacity plan (config/capacity.ts). */
export function commonEnvironment(config: NdxConfig, serviceName: string, auditShards: number = DEFAULT_SHARDS): Record<string, string> {
  return {
    [ENV.auditShards]: String(auditShards),
    [ENV.auditTable]: names.auditTable,
    [ENV.consentTable]: names.consentTable,
    [ENV.idempotencyTable]: names.idempotencyTable,
    [ENV.maxReceiveCount]: String(config.queues.maxReceiveCount),
    [ENV.pepperSecretId]: PEPPER_SECRET_NAME,
    [ENV.forwardingKeySecretId]: FORWARDING_KEY_SECRET_NAME,
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
}

export function routerEnvironment(config: NdxConfig, auditShards: number = DEFAULT_SHARDS): Record<string, string> {
  return {
    ...commonEnvironment(config, functionNames.router, auditShards),
    [ENV.rateLimitTable]: names.rateLimitTable,
    [ENV.contractTable]: names.contractTable,
    [ENV.indicatorTable]: names.indicatorTable,
  };
}

/**
 * The HTTP API function: the router's variables (it runs the router's pipeline), the reply mailbox,
 * and who issues agencies' access tokens, with the clients of each agency (ndx.config.ts).
 */
export function apiEnvironment(
  config: NdxConfig,
  api: NonNullable<NdxConfig['environments'][string]['api']>,
  auditShards: number = DEFAULT_SHARDS,
): Record<string, string> {
  const clients: Record<string, string> = {};
  for (const agency of config.agencies) for (const id of agency.api?.clientIds ?? []) clients[id] = agency.id;
  return {
    ...routerEnvironment(config, auditShards),
    POWERTOOLS_SERVICE_NAME: functionNames.api,
    [ENV.replyMailboxTable]: names.replyMailboxTable,
    [ENV.apiIssuer]: api.issuer,
    ...(api.jwksUrl ? { [ENV.apiJwksUrl]: api.jwksUrl } : {}),
    [ENV.apiClients]: JSON.stringify(clients),
    [ENV.webhooks]: JSON.stringify(webhookUrls(config)),
  };
}

/** Agency id → webhook URL, for agencies whose replies are pushed. */
export function webhookUrls(config: NdxConfig): Record<string, string> {
  return Object.fromEntries(config.agencies.flatMap((a) => (a.api?.webhook ? [[a.id, a.api.webhook.url]] : [])));
}

export function webhookEnvironment(config: NdxConfig): Record<string, string> {
  return { ...commonEnvironment(config, functionNames.webhook), [ENV.webhooks]: JSON.stringify(webhookUrls(config)) };
}

export function adapterEnvironment(config: NdxConfig, registryId: string, withMailbox = false, auditShards: number = DEFAULT_SHARDS): Record<string, string> {
  return {
    ...commonEnvironment(config, functionNames.adapter(registryId), auditShards),
    ...(withMailbox ? { [ENV.replyMailboxTable]: names.replyMailboxTable } : {}),
    [ENV.registryId]: registryId,
    [ENV.registryTable]: names.registryTable(registryId),
    ...registrySourceEnvironment(config, registryId),
  };
}

/** For a registry read from its agency's system over HTTP: where, and how patiently. */
function registrySourceEnvironment(config: NdxConfig, registryId: string): Record<string, string> {
  const source = config.registries.find((r) => r.id === registryId)?.source;
  if (source?.kind !== 'http') return {};
  return {
    [ENV.registrySourceUrl]: source.url,
    [ENV.registrySourceTimeoutMs]: String(source.timeoutMs),
    [ENV.registrySourceAttempts]: String(source.attempts),
  };
}
