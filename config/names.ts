/**
 * Physical names of ndx's queues and tables. The CDK app names resources with these, and handlers
 * find each other's queues by them, so the queue a message arrives on identifies its sender.
 */
export const names = {
  agencyOutQueue: (agencyId: string) => `ndx-agency-${agencyId}-out`,
  agencyInQueue: (agencyId: string) => `ndx-agency-${agencyId}-in`,
  registryInQueue: (registryId: string) => `ndx-registry-${registryId}-in`,
  deadLetterQueue: (queueName: string) => `${queueName}-dlq`,
  registryTable: (registryId: string) => `ndx-registry-${registryId}`,
  auditTable: 'ndx-audit',
  consentTable: 'ndx-consents',
  idempotencyTable: 'ndx-idempotency',
  rateLimitTable: 'ndx-rate-limits',
  contractTable: 'ndx-contracts',
  /** Sealed replies waiting for callers of the HTTP API (aws/reply-mailbox.ts). */
  replyMailboxTable: 'ndx-reply-mailbox',
  /** Console sessions and sign-ins in progress (hashed tokens only; TTL). */
  consoleSessionsTable: 'ndx-console-sessions',
  /** Indicator aggregates: counts by indicator, period and cell (aws/indicator-store.ts). */
  indicatorTable: 'ndx-indicators',
  /** Partials of the indicators job's runs, per run and segment (aws/indicator-runs.ts; counts only; TTL). */
  indicatorRunTable: 'ndx-indicator-runs',
} as const;

/** The agency whose out-queue an SQS event source ARN or queue name designates, if any. */
export function agencyOfOutQueue(arnOrName: string): string | undefined {
  const name = arnOrName.split(':').pop() ?? '';
  return /^ndx-agency-([a-z0-9-]+)-out$/.exec(name)?.[1];
}

/** The agency whose in-queue (replies) an SQS event source ARN or queue name designates, if any. */
export function agencyOfInQueue(arnOrName: string): string | undefined {
  const name = arnOrName.split(':').pop() ?? '';
  return /^ndx-agency-([a-z0-9-]+)-in$/.exec(name)?.[1];
}

/** The registry whose inbound queue an SQS event source ARN or queue name designates, if any. */
export function registryOfInQueue(arnOrName: string): string | undefined {
  const name = arnOrName.split(':').pop() ?? '';
  return /^ndx-registry-([a-z0-9-]+)-in$/.exec(name)?.[1];
}

/** Environment variables the handlers read; the CDK app sets them, the local engine reads them from the template. */
export const ENV = {
  auditTable: 'NDX_AUDIT_TABLE',
  consentTable: 'NDX_CONSENT_TABLE',
  idempotencyTable: 'NDX_IDEMPOTENCY_TABLE',
  rateLimitTable: 'NDX_RATE_LIMIT_TABLE',
  contractTable: 'NDX_CONTRACT_TABLE',
  /** How long the router caches contract lifecycle state, in seconds (default 30). */
  contractCacheSeconds: 'NDX_CONTRACT_CACHE_SECONDS',
  registryTable: 'NDX_REGISTRY_TABLE',
  registryId: 'NDX_REGISTRY_ID',
  /** Set when the registry is read from an agency system over HTTP (config `source: { kind: 'http' }`). */
  registrySourceUrl: 'NDX_REGISTRY_SOURCE_URL',
  registrySourceTimeoutMs: 'NDX_REGISTRY_SOURCE_TIMEOUT_MS',
  registrySourceAttempts: 'NDX_REGISTRY_SOURCE_ATTEMPTS',
  maxReceiveCount: 'NDX_MAX_RECEIVE_COUNT',
  /** Secrets Manager secret id holding the key for hashing subject identifiers. */
  pepperSecretId: 'NDX_PEPPER_SECRET_ID',
  /** The key itself; only for local runs and tests. */
  pepper: 'NDX_PEPPER',
  /** Secrets Manager secret id of the key the router signs forwarded lookups with (HMAC); adapters verify. */
  forwardingKeySecretId: 'NDX_FORWARDING_KEY_SECRET_ID',
  /** The forwarding key itself; only for local runs and tests. */
  forwardingKey: 'NDX_FORWARDING_KEY',
  /** Audit chain shards per registry and day (default 16); see domain/audit/chain.ts. */
  auditShards: 'NDX_AUDIT_SHARDS',
  /** Until this UTC day, a lookup's append also looks for a marker where earlier versions kept it (auditLegacyMarkersUntil). */
  auditLegacyMarkersUntil: 'NDX_AUDIT_LEGACY_MARKERS_UNTIL',
  /** S3 bucket (Object Lock) holding the scheduled audit anchors; see aws/anchor-store.ts. */
  anchorBucket: 'NDX_ANCHOR_BUCKET',
  /** Days audit partitions stay in DynamoDB before the archive job moves them (auditRetention.dynamoDbDays). */
  auditDynamoDbDays: 'NDX_AUDIT_DYNAMODB_DAYS',
  /** Days Object Lock keeps each archived partition (auditRetention.archiveDays). */
  auditArchiveDays: 'NDX_AUDIT_ARCHIVE_DAYS',
  /** JSON: the agencies, registries and age thresholds the console's operator desk watches (domain/ops/queues.ts OpsTopology). */
  opsTopology: 'NDX_OPS_TOPOLOGY',
  /** The reply mailbox table (HTTP API callers' sealed replies). */
  replyMailboxTable: 'NDX_REPLY_MAILBOX_TABLE',
  /** The indicator aggregates table (router, HTTP API, indicators job). */
  indicatorTable: 'NDX_INDICATOR_TABLE',
  /** The indicators job's partials table (segment and run functions). */
  indicatorRunTable: 'NDX_INDICATOR_RUN_TABLE',
  /** JSON: how the indicators job cuts a registry table into scan segments (domain/indicators/run.ts SegmentSizing). */
  indicatorSizing: 'NDX_INDICATOR_SIZING',
  /** The OAuth 2.0 issuer of agencies' access tokens. */
  apiIssuer: 'NDX_API_ISSUER',
  /** Its JSON Web Key Set URL. */
  apiJwksUrl: 'NDX_API_JWKS_URL',
  /** JSON object: OAuth client id → agency id. */
  apiClients: 'NDX_API_CLIENTS',
  /** JSON object: agency id → webhook URL, for agencies whose replies are pushed. */
  webhooks: 'NDX_WEBHOOKS',
  /** The console's sessions table. */
  consoleSessionsTable: 'NDX_CONSOLE_SESSIONS_TABLE',
  /** JSON: the console's OpenID Connect settings (console/oidc.ts OidcSettings plus jwksUrl and claim names). */
  consoleOidc: 'NDX_CONSOLE_OIDC',
  /** `true` on the local engine: the console shows that it is a local test platform. */
  consoleLocal: 'NDX_CONSOLE_LOCAL',
  /** JSON object: agency id → its name (ndx.config.ts), for pages people read. */
  agencyNames: 'NDX_AGENCY_NAMES',
} as const;

/** Fixed name of the Secrets Manager secret holding the key for hashing subject identifiers. */
export const PEPPER_SECRET_NAME = 'ndx/subject-pepper';
/**
 * Fixed name of the Secrets Manager secret holding the key the router signs forwarded lookups with
 * (HMAC) and the adapters verify them with; rotated automatically (AWSCURRENT signs, AWSCURRENT or
 * AWSPREVIOUS verifies).
 */
export const FORWARDING_KEY_SECRET_NAME = 'ndx/forwarding-key';

/**
 * The audit table's index of records by subject (keys only: the citizen's view reads the records
 * themselves by key). Named apart from the first one (every attribute projected), which CloudFormation
 * could not change in place.
 */
export const AUDIT_SUBJECT_INDEX = 'bySubjectKeys';

/** Metric names, shared with the dashboard. */
export const METRIC = { lookups: 'Lookups', latency: 'LookupLatency', recordFailures: 'RecordFailures', securityEvents: 'SecurityEvents' } as const;

/** Where archived audit partitions are kept, in the anchor bucket or the local data folder (domain/audit/archive.ts). */
export const ARCHIVE_PREFIX = 'audit-archive/';

/** Where audit anchors are kept, in the anchor bucket or the local data folder. */
export const ANCHOR_PREFIX = 'anchors/';

/** The console's staff roles: Cognito groups of these names (domain/console/principal.ts reads them from the ID token). */
export const STAFF_GROUPS = ['steward', 'dpo', 'operator', 'official'] as const;
