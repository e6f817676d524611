/**
 * The console Lambda (API Gateway HTTP API, payload 2.0, routes /console and /console/{proxy+}):
 * wires console/app.ts to DynamoDB (sessions, audit, consents, contracts), the pepper and the
 * identity provider's keys. Thin: sign-in, sessions, areas and pages are console/ and domain/console/.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import * as z from 'zod';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { type AnchorStore, FileAnchorStore, S3AnchorStore } from '../../aws/anchor-store.ts';
import { FileArchiveStore, S3ArchiveStore } from '../../aws/archive-store.ts';
import { AuditLog, auditShards } from '../../aws/audit-log.ts';
import { documentClient, dynamoClient, sqsClient } from '../../aws/clients.ts';
import {
  type Clients,
  listDeadLetters,
  lookupLatency,
  ndxAlarms,
  ndxQueues,
  type OpsTopology,
  platformStatus,
  redrive,
  redriveThroughFunction,
} from '../../aws/operations.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import { ConsoleSessionTable } from '../../aws/console-sessions.ts';
import { ContractRegistry } from '../../aws/contract-registry.ts';
import { contractUsage } from '../../aws/contract-usage.ts';
import { createLogger } from '../../aws/logger.ts';
import { loadPepper } from '../../aws/pepper.ts';
import { type Env, type HandlerDeps, requireEnv } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import { CONTRACTS, findContract as shippedContracts } from '../../contracts/catalog.ts';
import { consoleApp } from '../../console/app.ts';
import { citizenRoutes } from '../../console/routes/citizen.ts';
import { stewardRoutes } from '../../console/routes/steward.ts';
import { operatorRoutes } from '../../console/routes/operator.ts';
import { CitizenDesk } from '../../domain/console/citizen.ts';
import { OperatorDesk } from '../../domain/console/operator.ts';
import { DEFAULT_CLAIMS } from '../../domain/console/principal.ts';
import { StewardDesk } from '../../domain/console/steward.ts';
import { ContractLifecycle } from '../../domain/contracts/lifecycle-service.ts';
import { Sessions } from '../../domain/console/session.ts';
import { ConsentService } from '../../domain/consent/service.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { requestOf } from '../shared/http-event.ts';
import { indicatorPorts } from '../../aws/indicator-ports.ts';
import { IndicatorStore } from '../../aws/indicator-store.ts';
import { RateLimiter } from '../../aws/rate-limit.ts';
import { names } from '../../config/names.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { GOVERNMENT_OFFICE } from '../../contracts/indicators/terms.ts';
import { indicatorRoutes } from '../../console/routes/indicators.ts';
import { OfficialDesk } from '../../domain/console/indicators.ts';
import { indicatorService } from '../../domain/indicators/service.ts';

export type ConsoleHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** NDX_CONSOLE_OIDC: where people sign in (infra/constructs/console.ts writes it; the local engine points it at its demo issuer). */
export const ConsoleOidcEnv = z.strictObject({
  issuer: z.string().min(1),
  authorizeUrl: z.url(),
  tokenUrl: z.url(),
  jwksUrl: z.url(),
  clientId: z.string().min(1),
  redirectUri: z.url(),
  logoutUrl: z.url().optional(),
  providers: z.strictObject({ citizen: z.string().optional(), staff: z.string().optional() }).optional(),
  groupsClaim: z.string().default(DEFAULT_CLAIMS.groups),
  nationalIdClaim: z.string().default(DEFAULT_CLAIMS.nationalId),
});
export type ConsoleOidcEnv = z.input<typeof ConsoleOidcEnv>;

export function createHandler(env: Env = process.env, deps: HandlerDeps = {}): ConsoleHandler {
  const vars = requireEnv(env, [ENV.auditTable, ENV.consentTable, ENV.contractTable, ENV.consoleSessionsTable, ENV.consoleOidc]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-console', env);
  const oidc = ConsoleOidcEnv.parse(JSON.parse(vars[ENV.consoleOidc]));
  const doc = documentClient();
  const findContract = deps.findContract ?? shippedContracts;
  const agencyNames = JSON.parse(env[ENV.agencyNames] ?? '{}') as Record<string, string>;
  const agencyName = (id: string) => (Object.hasOwn(agencyNames, id) ? agencyNames[id] : undefined);
  // Records past the audit's DynamoDB retention are in the archive (the anchor bucket on AWS, the data folder locally).
  const archiveBucket = env[ENV.anchorBucket];
  const archive = archiveBucket ? new S3ArchiveStore(new S3Client({}), archiveBucket) : env.NDX_DATA_DIR ? new FileArchiveStore(env.NDX_DATA_DIR) : undefined;
  const audit = new AuditLog(doc, vars[ENV.auditTable], { shards: auditShards(env), ...(archive ? { archive } : {}) });
  const consents = new ConsentService({ store: new ConsentStore(doc, vars[ENV.consentTable]), audit });
  const citizen = new CitizenDesk({
    trail: (subjectHash, now) => audit.trail(subjectHash, now),
    consents: consents.store,
    change: (id, change, by, reason) => consents.change(id, change, by, reason),
    findContract,
    agencyName,
  });
  const steward = new StewardDesk({
    contracts: () => CONTRACTS,
    findContract,
    lifecycle: new ContractLifecycle({ registry: new ContractRegistry(doc, vars[ENV.contractTable]) }),
    usage: (id, range) => contractUsage(audit, id, range),
    agencyName,
  });
  const operator = operatorDesk(env, audit);
  // The officials' dashboard: releases through the indicator service, as the Government Office (audited, rate-limited).
  const indicatorTable = env[ENV.indicatorTable] ?? names.indicatorTable;
  const store = new IndicatorStore(doc, indicatorTable);
  const official = new OfficialDesk({
    indicators: INDICATORS,
    service: indicatorService(
      indicatorPorts(
        env,
        { audit: vars[ENV.auditTable], contracts: vars[ENV.contractTable], indicators: indicatorTable },
        { rateLimit: new RateLimiter(doc, env[ENV.rateLimitTable] ?? names.rateLimitTable) },
      ),
    ),
    periods: async (id) => (await store.periods(id)).map((a) => a.period),
    agency: GOVERNMENT_OFFICE,
  });
  const app = consoleApp({
    sessions: new Sessions({ store: new ConsoleSessionTable(doc, vars[ENV.consoleSessionsTable]) }),
    oidc: {
      settings: {
        issuer: oidc.issuer,
        authorizeUrl: oidc.authorizeUrl,
        tokenUrl: oidc.tokenUrl,
        clientId: oidc.clientId,
        redirectUri: oidc.redirectUri,
        ...(oidc.logoutUrl ? { logoutUrl: oidc.logoutUrl } : {}),
        ...(oidc.providers ? { providers: oidc.providers } : {}),
      },
      keys: createRemoteJWKSet(new URL(oidc.jwksUrl)),
    },
    hashSubject: async () => subjectHasher(await loadPepper(env)),
    claims: { groups: oidc.groupsClaim, nationalId: oidc.nationalIdClaim },
    routes: [...citizenRoutes(citizen), ...stewardRoutes(steward), ...(operator ? operatorRoutes(operator) : []), ...indicatorRoutes(official)],
    local: env[ENV.consoleLocal] === 'true',
    secureCookies: !oidc.redirectUri.startsWith('http://'),
    failed: (error) => logger.error('console request failed', { error: (error as Error).name, message: (error as Error).message }),
  });

  return async (event) => {
    const res = await app(requestOf(event));
    logger.info('console request', { method: event.requestContext.http.method, status: res.status });
    return { statusCode: res.status, headers: res.headers, body: res.body, ...(res.cookies ? { cookies: res.cookies } : {}) };
  };
}

/**
 * The operators' desk, wired to what `ndx ops` and `ndx audit verify` use: SQS and DynamoDB for the
 * queues and registries; on AWS (not the local engine) CloudWatch for ages, alarms and latency, and
 * the ndx-redrive function for redrives; the anchors in NDX_ANCHOR_BUCKET, or locally under
 * NDX_DATA_DIR. Without NDX_OPS_TOPOLOGY there is no desk (its pages are "not found").
 */
function operatorDesk(env: Env, audit: AuditLog): OperatorDesk | undefined {
  const raw = env[ENV.opsTopology];
  if (!raw) return undefined;
  const topology = JSON.parse(raw) as OpsTopology;
  const onAws = env[ENV.consoleLocal] !== 'true';
  const cloudwatch = onAws ? new CloudWatchClient({}) : undefined;
  const clients: Clients = {
    sqs: sqsClient(),
    dynamo: dynamoClient(),
    ...(cloudwatch ? { cloudwatch, startMoveTask: redriveThroughFunction(new LambdaClient({})) } : {}),
  };
  const bucket = env[ENV.anchorBucket];
  const dataDir = env.NDX_DATA_DIR;
  const anchors: AnchorStore | undefined = bucket ? new S3AnchorStore(new S3Client({}), bucket) : dataDir ? new FileAnchorStore(dataDir) : undefined;
  return new OperatorDesk({
    queues: ndxQueues(topology),
    status: () => platformStatus(topology, clients),
    deadLetters: (q, max) => listDeadLetters(clients, q, max),
    // API Gateway answers within 29 s: follow the move task for 20 s at most, then report it running.
    redrive: (q) => redrive(clients, q, { followMs: 20_000 }),
    lookups: (days) => audit.lookups(days),
    verify: (range, anchor) => audit.verify(range, undefined, anchor),
    ...(anchors ? { latestAnchor: () => anchors.latest() } : {}),
    ...(cloudwatch
      ? {
          alarms: () => ndxAlarms(cloudwatch, topology),
          latency: (w) => lookupLatency(cloudwatch, w, env.POWERTOOLS_METRICS_NAMESPACE ?? 'ndx'),
        }
      : {}),
  });
}

let instance: ConsoleHandler | undefined;
/** The Lambda entry point; built on first use from the function's environment. */
export const handler: ConsoleHandler = (event, context) => {
  instance ??= createHandler();
  return instance(event, context);
};
