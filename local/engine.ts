/**
 * The local engine: the whole ndx platform on one machine, no Docker, no AWS account.
 * It serves DynamoDB and SQS on one endpoint, creates the tables and queues the CDK app defines
 * (read from its synthesized templates), runs the same Lambda handlers behind local event source
 * mappings, and seeds deterministic synthetic data.
 */
import { endCallsAtDeadline } from './deadline.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateTableCommand, ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NdxConfig } from '../config/schema.ts';
import { buildApp } from '../infra/build-app.ts';
import { startLocalAnchoring } from '../aws/audit-anchoring.ts';
import { dynamoClient, sqsClient } from '../aws/clients.ts';
import type { HandlerDeps } from '../config/env.ts';
import { agencyOfOutQueue, ENV, registryOfInQueue } from '../config/names.ts';
import { DEFAULT_PORT, DEFAULT_REGION, LOCAL_ACCOUNT_ID, LOCAL_FORWARDING_KEY, LOCAL_PEPPER } from '../config/local.ts';
import { handlerEntries } from '../infra/constructs/environment.ts';
import type { ApiHandler } from '../functions/api/handler.ts';
import { apiListener } from './api-server.ts';
import { startEndpoint, type Endpoint } from './endpoint.ts';
import { JWKS_PATH, LOCAL_API_ISSUER, localClientId, startLocalIssuer, TOKEN_PATH, type LocalIssuer } from './issuer.ts';
import { AUTHORIZE_PATH, LOCAL_CONSOLE_CLIENT_ID } from './console-sign-in.ts';
import { DEFAULT_CLAIMS } from '../domain/console/principal.ts';
import type { ConsoleHandler, ConsoleOidcEnv } from '../functions/console/handler.ts';
import { startMapping, type RunningMapping, type SqsHandler } from './event-source.ts';
import { localResources, type LocalResources, type StackTemplate } from './resources.ts';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Concurrent batches Lambda starts an SQS event source mapping with. */
const LAMBDA_INITIAL_SQS_BATCHES = 5;

export interface EngineOptions {
  config: NdxConfig;
  /** 0 picks a free port. Default 4566, or NDX_PORT. */
  port?: number;
  region?: string;
  /** Keep DynamoDB data in this folder across restarts; in memory when absent. */
  dataDir?: string;
  /** Powertools log level for the handlers. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Start the event source mappings (default true). */
  runFunctions?: boolean;
  onInvoke?: Parameters<typeof startMapping>[0]['onInvoke'];
  /** Extra environment variables for every function (e.g. NDX_CONTRACT_CACHE_SECONDS=0 in tests). */
  functionEnvironment?: Record<string, string>;
  /** Handler dependencies, e.g. extra contract definitions in tests. */
  deps?: HandlerDeps;
  /**
   * End a queue-driven invocation's AWS calls at its timeout, as Lambda ends the invocation (local/deadline.ts).
   * Default true; the test harness's one-second timeouts (chosen for fast redelivery) turn it off.
   */
  endInvocationsAtDeadline?: boolean;
}

export interface Engine {
  endpoint: Endpoint;
  /** The agency HTTP API on the endpoint (/v1/...) and the local OAuth 2.0 issuer of its credentials. */
  api: { url: string; issuer: LocalIssuer };
  /** The web console on the endpoint; its demo sign-in offers DEMO_STAFF and the citizens given to `issuer.console.setPeople`. */
  console: { url: string };
  region: string;
  resources: LocalResources;
  queueUrl(name: string): string;
  queueArn(name: string): string;
  /** Pauses the event source mapping on a queue (messages wait there), or resumes it. */
  setMappingEnabled(queueName: string, enabled: boolean): Promise<void>;
  /**
   * Stops: takes no new lookups from agencies, answers what was accepted (the lookups on their way
   * between router and registries) within `drainMs`, then stops polling and the servers.
   */
  stop(options?: StopOptions): Promise<DrainReport>;
}

export interface StopOptions {
  /** How long to wait for accepted lookups to be answered (default 20 s; 0: stop at once). */
  drainMs?: number;
  /** Told what is still on its way, about every 200 ms while draining. */
  onProgress?: (pending: Pending) => void;
}

/** Lookups accepted but not yet answered. */
export interface Pending {
  /** Messages on registry queues (forwarded by the router, waiting for or being answered by an adapter). */
  forwarded: number;
  /** Messages the router took from agencies but did not finish (a failed attempt waiting for its retry): resent by the agency, they are carried through. */
  routing: number;
}

export interface DrainReport extends Pending {
  drained: boolean;
}

/** Synthesizes the CDK app (without bundling) and returns its stack templates. */
export function synthesizeTemplates(config: NdxConfig): StackTemplate[] {
  const outdir = mkdtempSync(join(tmpdir(), 'ndx-synth-'));
  try {
    // The local engine mirrors the dev environment (or the first one configured).
    const environment = 'dev' in config.environments ? 'dev' : Object.keys(config.environments)[0];
    const assembly = buildApp(config, { bundle: false, outdir, ...(environment ? { environment } : {}) }).synth();
    return assembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The configuration as the local engine runs it: the agency HTTP API on, its tokens issued by the local
 * issuer, one local client per agency (besides any configured for AWS).
 */
export function withLocalApi(config: NdxConfig): NdxConfig {
  const environment = 'dev' in config.environments ? 'dev' : (Object.keys(config.environments)[0] ?? 'dev');
  const settings = config.environments[environment];
  if (!settings) return config;
  return {
    ...config,
    agencies: config.agencies.map((a) => ({ ...a, api: { ...a.api, clientIds: [...(a.api?.clientIds ?? []), localClientId(a.id)] } })),
    environments: {
      ...config.environments,
      [environment]: {
        ...settings,
        api: { issuer: LOCAL_API_ISSUER, throttle: { ratePerSecond: 50, burst: 100 }, corsOrigins: [] },
        // The console signs people in at the local issuer's demo sign-in (the engine points these at its endpoint).
        console: {
          identity: {
            kind: 'oidc',
            issuer: LOCAL_API_ISSUER,
            authorizeUrl: `http://localhost:${DEFAULT_PORT}${AUTHORIZE_PATH}`,
            tokenUrl: `http://localhost:${DEFAULT_PORT}${TOKEN_PATH}`,
            jwksUrl: `http://localhost:${DEFAULT_PORT}${JWKS_PATH}`,
            clientId: LOCAL_CONSOLE_CLIENT_ID,
            groupsClaim: DEFAULT_CLAIMS.groups,
            nationalIdClaim: DEFAULT_CLAIMS.nationalId,
          },
          url: `http://localhost:${DEFAULT_PORT}`,
        },
      },
    },
  };
}

/** Points every AWS SDK client in this process at the local endpoint (standard AWS configuration). */
export function useLocalAws(url: string, region: string): void {
  process.env.AWS_ENDPOINT_URL = url;
  process.env.AWS_REGION = region;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env[ENV.pepper] ??= LOCAL_PEPPER;
  process.env[ENV.forwardingKey] ??= LOCAL_FORWARDING_KEY;
}

export async function provision(resources: LocalResources, ddb: DynamoDBClient, sqs: SQSClient, region: string): Promise<void> {
  const existing = new Set((await ddb.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const table of resources.tables) {
    if (!table.TableName) throw new Error('a local table definition has no TableName');
    if (!existing.has(table.TableName)) await ddb.send(new CreateTableCommand(table));
  }
  for (const q of resources.queues) {
    const attributes: Record<string, string> = {};
    if (q.visibilityTimeout !== undefined) attributes.VisibilityTimeout = String(q.visibilityTimeout);
    if (q.retentionSeconds !== undefined) attributes.MessageRetentionPeriod = String(q.retentionSeconds);
    if (q.redrive) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${q.redrive.deadLetterQueue}`,
        maxReceiveCount: q.redrive.maxReceiveCount,
      });
    }
    await sqs.send(new CreateQueueCommand({ QueueName: q.name, Attributes: attributes }));
  }
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const region = options.region ?? DEFAULT_REGION;
  const resources = localResources(synthesizeTemplates(withLocalApi(options.config)));
  const endpoint = await startEndpoint({ port: options.port ?? DEFAULT_PORT, region, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  useLocalAws(endpoint.url, region);
  const sqs = sqsClient();
  if (options.endInvocationsAtDeadline ?? true) for (const client of [dynamoClient(), sqs]) endCallsAtDeadline(client);
  await provision(resources, dynamoClient(), sqs, region);
  // With a data folder, audit anchors are taken there (every 10 minutes and on stop), where `ndx audit verify` finds them.
  const anchoring = options.dataDir
    ? startLocalAnchoring({ dataDir: options.dataDir, onError: (e) => console.error(`ndx: audit anchor failed: ${(e as Error).message}`) })
    : undefined;
  const queueUrl = (name: string) => `${endpoint.url}/${LOCAL_ACCOUNT_ID}/${name}`;
  const queueArn = (name: string) => `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${name}`;

  const consoleCallback = `${endpoint.url}/console/callback`;
  const issuer = await startLocalIssuer(
    options.config.agencies.map((a) => a.id),
    { allowedRedirect: (uri) => uri === consoleCallback },
  );
  const consoleOidc: ConsoleOidcEnv = {
    issuer: LOCAL_API_ISSUER,
    authorizeUrl: `${endpoint.url}${AUTHORIZE_PATH}`,
    tokenUrl: `${endpoint.url}${TOKEN_PATH}`,
    jwksUrl: `${endpoint.url}${JWKS_PATH}`,
    clientId: LOCAL_CONSOLE_CLIENT_ID,
    redirectUri: consoleCallback,
  };
  endpoint.mount(['/_ndx/oauth2/'], (req, res) => {
    if (issuer.handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not_found' }));
  });

  const mappings: RunningMapping[] = [];
  if (options.runFunctions !== false) {
    const handlers = new Map<string, SqsHandler>();
    for (const fn of resources.functions) {
      const module = (await import(pathToFileURL(join(PROJECT_ROOT, fn.entry)).href)) as {
        createHandler?: (env: Record<string, string | undefined>, deps?: HandlerDeps) => unknown;
      };
      if (typeof module.createHandler !== 'function') throw new Error(`${fn.entry} does not export createHandler(env)`);
      const environment = {
        ...fn.environment,
        [ENV.pepper]: process.env[ENV.pepper],
        [ENV.forwardingKey]: process.env[ENV.forwardingKey],
        POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.NDX_LOG_LEVEL ?? 'WARN',
        // EMF metrics are CloudWatch's; locally they would only clutter the output (NDX_METRICS=print shows them).
        POWERTOOLS_METRICS_DISABLED: process.env.NDX_METRICS === 'print' ? 'false' : 'true',
        ...options.functionEnvironment,
        // The API verifies tokens against the local issuer's key set, fetched over HTTP as on AWS.
        [ENV.apiJwksUrl]: `${endpoint.url}${JWKS_PATH}`,
        ...(fn.entry === handlerEntries.console
          ? {
              [ENV.consoleOidc]: JSON.stringify(consoleOidc),
              [ENV.consoleLocal]: 'true',
              // The operators' desk finds the local anchors where the engine takes them.
              ...(options.dataDir ? { NDX_DATA_DIR: options.dataDir } : {}),
            }
          : {}),
      };
      const created = module.createHandler(environment, options.deps);
      // The HTTP API's handler serves /v1/ on the endpoint; every other function is driven by its queue mappings.
      if (fn.entry === handlerEntries.api) endpoint.mount(['/v1/'], apiListener(created as ApiHandler, { name: fn.name, timeoutSeconds: fn.timeoutSeconds }));
      else if (fn.entry === handlerEntries.console)
        endpoint.mount(['/console'], apiListener(created as ConsoleHandler, { name: fn.name, timeoutSeconds: fn.timeoutSeconds }));
      else handlers.set(fn.id, created as SqsHandler);
    }
    for (const m of resources.mappings) {
      const fn = resources.functions.find((f) => f.id === m.functionId);
      const handler = handlers.get(m.functionId);
      if (!fn || !handler) throw new Error(`event source mapping on ${m.queue} targets unknown function ${m.functionId}`);
      mappings.push(
        startMapping({
          queues: endpoint.queues,
          queueName: m.queue,
          queueUrl: queueUrl(m.queue),
          queueArn: queueArn(m.queue),
          region,
          functionName: fn.name,
          timeoutSeconds: fn.timeoutSeconds,
          batchSize: m.batchSize,
          maximumBatchingWindowSeconds: m.maximumBatchingWindowSeconds,
          reportBatchItemFailures: m.reportBatchItemFailures,
          // Lambda starts an SQS mapping with five concurrent batches, up to the mapping's maximum.
          pollers: Math.min(m.maximumConcurrency ?? LAMBDA_INITIAL_SQS_BATCHES, LAMBDA_INITIAL_SQS_BATCHES),
          handler,
          ...(options.onInvoke ? { onInvoke: options.onInvoke } : {}),
        }),
      );
    }
  }

  const queueNames = resources.queues.map((q) => q.name).filter((n) => !n.endsWith('-dlq'));
  const depth = async (names: string[]) => {
    let n = 0;
    for (const name of names) {
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl(name), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      n += Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    return n;
  };
  const pending = async (): Promise<Pending> => ({
    forwarded: await depth(queueNames.filter((n) => registryOfInQueue(n))),
    // Agencies' waiting requests are not counted (not accepted yet); those the router holds are in flight.
    routing: await inFlightDepth(queueNames.filter((n) => agencyOfOutQueue(n))),
  });
  const inFlightDepth = async (names: string[]) => {
    let n = 0;
    for (const name of names) {
      const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl(name), AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
      n += Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    return n;
  };

  /** No new lookups from agencies; then wait until what the platform accepted is answered, or the deadline. */
  async function drain({ drainMs = 20_000, onProgress }: StopOptions): Promise<DrainReport> {
    await Promise.all(mappings.filter((m) => agencyOfOutQueue(m.queueUrl.split('/').pop() ?? '')).map((m) => m.pause()));
    const until = Date.now() + drainMs;
    for (;;) {
      const now = await pending().catch(() => ({ forwarded: 0, routing: 0 }));
      // A request whose routing failed waits out its visibility timeout for a retry: it is not waited for
      // (the router takes no new work now); it is reported, and the agency's resend carries it through.
      if (now.forwarded === 0) return { drained: true, ...now };
      onProgress?.(now);
      if (Date.now() >= until) return { drained: false, ...now };
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    endpoint,
    api: { url: `${endpoint.url}/v1`, issuer },
    console: { url: `${endpoint.url}/console` },
    region,
    resources,
    queueUrl,
    queueArn,
    async setMappingEnabled(queueName, enabled) {
      const running = mappings.filter((m) => m.queueUrl === queueUrl(queueName));
      if (running.length === 0) throw new Error(`no event source mapping on ${queueName}`);
      for (const m of running) enabled ? m.resume() : await m.pause();
    },
    async stop(stopOptions = {}) {
      const report = await drain(stopOptions);
      await Promise.all(mappings.map((m) => m.stop()));
      await anchoring?.stop();
      await endpoint.close();
      return report;
    },
  };
}
