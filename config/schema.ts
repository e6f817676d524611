/**
 * The shape of ndx's one configuration (ndx.config.ts): registries, agencies, environments.
 * The CDK app and the local engine are both built from it.
 */
import { z } from 'zod';
import { HTTP_MAX_BACKOFF_MS, MIN_HOT_DAYS } from './limits.ts';

const Id = z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'lower-case letters, digits and dashes, 3-32 characters');

export const RegistryConfig = z.strictObject({
  id: Id,
  title: z.string(),
  operator: z.string().describe('The agency that runs the registry.'),
  /** Attribute names of the registry table's key. */
  key: z.strictObject({ partition: z.string(), sort: z.string().optional() }),
  /**
   * Global secondary indexes of the registry table, for its list queries (e.g. parcels by owner).
   * String attributes; every attribute is projected.
   */
  indexes: z
    .array(z.strictObject({ name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{2,254}$/), partition: z.string(), sort: z.string().optional() }))
    .max(20)
    .default([]),
  /**
   * Where the adapter reads records: the registry's DynamoDB table (default), or the agency's
   * existing system over HTTP (see registries/http-source.ts). Every attempt has a timeout;
   * failed attempts are retried with backoff, then the lookup is retried by its queue.
   */
  source: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('dynamodb') }),
      z.strictObject({
        kind: z.literal('http'),
        url: z.url({ protocol: /^https?$/ }).describe('Base URL of the agency system, e.g. https://registry.example.gov.vn/ndx'),
        timeoutMs: z.number().int().min(50).max(60_000).default(2000),
        attempts: z.number().int().min(1).max(10).default(3),
      }),
    ])
    .default({ kind: 'dynamodb' }),
});

/** An agency's access to the HTTP API: the OAuth 2.0 clients (at the environment's issuer) that act as it. */
export const AgencyApiConfig = z.strictObject({
  /** Client ids whose access tokens identify this agency (e.g. the Cognito app client made for it). */
  clientIds: z
    .array(z.string().regex(/^[\w.:-]{1,128}$/, 'an OAuth client id'))
    .max(10)
    .default([]),
  /**
   * Push every reply to this agency to its system instead of its in-queue (README: Webhooks): signed
   * (Standard Webhooks), retried with backoff, dead-lettered after `queues.maxReceiveCount` attempts.
   */
  webhook: z
    .strictObject({
      url: z
        .url({ protocol: /^https?$/ })
        .refine((u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(u), 'an https URL (http only for localhost)'),
    })
    .optional(),
});

export const AgencyConfig = z.strictObject({
  id: Id,
  name: z.string(),
  /** The agency HTTP API (README: The agency HTTP API); without it the agency uses its queues only. */
  api: AgencyApiConfig.optional(),
});

/** The agency HTTP API of an environment: who issues agencies' access tokens, how much traffic, which browsers. */
export const ApiConfig = z.strictObject({
  /** The OAuth 2.0 issuer (`iss`) of agencies' access tokens, e.g. https://cognito-idp.ap-southeast-1.amazonaws.com/<pool id>. */
  issuer: z.url({ protocol: /^https$/ }),
  /** Its JSON Web Key Set. @default `<issuer>/.well-known/jwks.json` */
  jwksUrl: z.url({ protocol: /^https$/ }).optional(),
  /** API Gateway throttling of the whole API (each agency is also held to its contracts' rate limits). */
  throttle: z
    .strictObject({ ratePerSecond: z.number().int().min(1).max(10_000).default(50), burst: z.number().int().min(1).max(5_000).default(100) })
    .default({ ratePerSecond: 50, burst: 100 }),
  /** Browser origins allowed to call the API (CORS); none unless configured. */
  corsOrigins: z.array(z.url({ protocol: /^https$/ })).default([]),
});

/** Citizens' identity provider (OpenID Connect), federated into the console's Cognito user pool: the national identity app (VNeID) in production. */
export const CitizenProviderConfig = z.strictObject({
  /** The provider's name in the user pool (shown nowhere to citizens). */
  name: z
    .string()
    .regex(/^[\w.-]{1,32}$/)
    .default('VNeID'),
  /** The provider's issuer; its discovery document is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: z.url({ protocol: /^https$/ }),
  /** The client id ndx is registered with at the provider. */
  clientId: z.string().min(1),
  /** Secrets Manager secret (name) holding that client's secret, created by hand: it never enters the configuration. */
  clientSecretName: z.string().regex(/^[\w/+=.@-]{1,512}$/),
  /** The provider's claim carrying the personal identification number (12 digits). */
  nationalIdClaim: z.string().min(1).default('sub'),
});

/** How people sign in to the console. */
export const ConsoleIdentityConfig = z.discriminatedUnion('kind', [
  /**
   * A Cognito user pool made by ndx: staff are its users, in the groups steward, dpo and operator (MFA
   * required); citizens come through `citizens`, their national ID kept in the `custom:national_id` attribute.
   */
  z.strictObject({
    kind: z.literal('cognito'),
    /** The hosted sign-in domain prefix: https://<prefix>.auth.<region>.amazoncognito.com. */
    domainPrefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and dashes'),
    citizens: CitizenProviderConfig.optional(),
  }),
  /** Any OpenID Connect provider that issues ID tokens with the groups and national ID claims (the local engine's demo issuer is one). */
  z.strictObject({
    kind: z.literal('oidc'),
    issuer: z.string().min(1),
    authorizeUrl: z.url(),
    tokenUrl: z.url(),
    jwksUrl: z.url(),
    clientId: z.string().min(1),
    groupsClaim: z.string().default('cognito:groups'),
    nationalIdClaim: z.string().default('custom:national_id'),
  }),
]);

/** The web console (README: The console): for citizens, data stewards and operators, on the HTTP API's endpoint. */
export const ConsoleConfig = z.strictObject({
  identity: ConsoleIdentityConfig,
  /** The console's public origin, e.g. https://ndx.gov.vn (a custom domain of the HTTP API). @default the HTTP API's own URL */
  url: z.url({ protocol: /^https?$/ }).optional(),
});

const RoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/,
    'an IAM role, user or account-root ARN, e.g. arn:aws:iam::123456789012:role/platform-oncall',
  );

/** Where an environment's CloudWatch alarms go. */
export const AlarmTargetConfig = z.strictObject({
  /** Addresses subscribed (by email; each confirms once) to the alarm topic ndx creates. */
  email: z.array(z.email('an email address')).default([]),
  /** An existing SNS topic (e.g. the operations team's paging topic) to publish alarms to instead of creating one. */
  topicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'an SNS topic ARN, e.g. arn:aws:sns:ap-southeast-1:123456789012:oncall')
    .optional(),
});

/** Defaults of `anchors.retentionDays`: production keeps anchors longer than a year of audit; dev a day (a locked object cannot be deleted before then). */
export const ANCHOR_RETENTION_DAYS = { production: 400, other: 1 } as const;

/** The scheduled audit anchors (functions/anchor/handler.ts): how often, and how long S3 Object Lock keeps each. */
export const AnchorsConfig = z.strictObject({
  /** Minutes between two anchors (an EventBridge rate). */
  everyMinutes: z.number().int().min(5).max(1440).default(60),
  /**
   * Object Lock retention (COMPLIANCE mode: nobody, the account root included, can delete or shorten it).
   * @default 400 days in production, 1 day elsewhere
   */
  retentionDays: z.number().int().min(1).max(36_500).optional(),
});

/**
 * What an environment must carry, from which the stacks derive their concurrency, audit shards and
 * table warm throughput (config/capacity.ts; README: Capacity). Synthesis fails when the configured
 * limits cannot carry it; `ndx capacity` prints the model.
 */
export const CapacityConfig = z
  .strictObject({
    /** Lookups per second across the platform: the sustained rate (a day's average) and the peak (the busiest hour). */
    lookupsPerSecond: z.strictObject({ sustained: z.number().positive().max(1_000_000), peak: z.number().positive().max(1_000_000) }),
    /**
     * The account's Lambda concurrency quota in the region, as Service Quotas states it (L-B99A9384; a new
     * account may have 10). When given, reserved concurrency is derived and checked against it.
     */
    accountConcurrency: z.number().int().min(1).max(1_000_000).optional(),
    /** Utilisation every stage is sized for at the peak (headroom for bursts and retries). @default 0.7 */
    targetUtilisation: z.number().gt(0).max(1).default(0.7),
    /**
     * How the peak splits over agencies and over registries, as relative weights (ids of ndx.config.ts).
     * @default an even split
     */
    shares: z
      .strictObject({ agencies: z.record(z.string(), z.number().positive()).optional(), registries: z.record(z.string(), z.number().positive()).optional() })
      .default({}),
    /**
     * Milliseconds of one function execution per lookup, batches shared (the benchmark's figures by default),
     * from which the concurrency a rate needs follows (Little's law).
     */
    serviceTimes: z
      .strictObject({ routerMs: z.number().positive().max(60_000).default(25), adapterMs: z.number().positive().max(60_000).default(45) })
      .default({ routerMs: 25, adapterMs: 45 }),
    /** Audit chain shards per registry and day. @default derived from the peak (at least 16) */
    auditShards: z.number().int().min(1).max(1024).optional(),
  })
  .refine((c) => c.lookupsPerSecond.peak >= c.lookupsPerSecond.sustained, {
    path: ['lookupsPerSecond', 'peak'],
    message: 'the peak must be at least the sustained rate',
  });

/** Defaults of `auditRetention` (README: Audit retention): production keeps records a year and more in DynamoDB, then 24 months locked in the archive. */
export const AUDIT_RETENTION_DAYS = { production: { dynamoDbDays: 400, archiveDays: 730 }, other: { dynamoDbDays: 30, archiveDays: 1 } } as const;

/**
 * How long audit records stay where. Vietnamese law found for access logs: Decree 53/2022/ND-CP keeps
 * system logs that serve investigations of cybersecurity violations at least 12 months and localised
 * data at least 24 months; Decree 13/2023/ND-CP and the Law on Personal Data Protection (91/2025/QH15)
 * oblige logging of processing but name no period that was found. Hence 400 days in DynamoDB, then 730
 * (24 months) under Object Lock in the archive, in production.
 */
export const AuditRetentionConfig = z.strictObject({
  /** Days a partition stays in DynamoDB before the archive job moves its records to S3 (stubs stay for the citizen's view). */
  dynamoDbDays: z.number().int().min(MIN_HOT_DAYS).max(36_500).optional(),
  /** Days Object Lock (COMPLIANCE) keeps each archived partition: nobody can delete or change it before. */
  archiveDays: z.number().int().min(1).max(36_500).optional(),
});

export const EnvironmentConfig = z
  .strictObject({
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
    region: z.string().default('ap-southeast-1'),
    /** Production keeps tables and keys on stack deletion and turns on deletion protection. */
    production: z.boolean().default(false),
    logRetentionDays: z.number().int().positive().default(90),
    /** Alarm target; production environments must name one (an email list or an existing topic). */
    alarms: AlarmTargetConfig.default({ email: [] }),
    /**
     * Principals that may assume the `ndx-operator` role (status, DLQ listing, redrive).
     * Empty: the account's root principal, i.e. whoever the account's IAM policies allow.
     */
    operators: z.array(RoleArn).default([]),
    anchors: AnchorsConfig.default({ everyMinutes: 60 }),
    /** The agency HTTP API; without it the environment has none (agencies use their queues). */
    api: ApiConfig.optional(),
    /** The web console, served on the HTTP API's endpoint (so it needs `api`). */
    console: ConsoleConfig.optional(),
    /** Days between automatic rotations of the forwarding key (`ndx/forwarding-key`). */
    forwardingKeyRotationDays: z.number().int().min(1).max(365).default(30),
    /**
     * Reserved concurrent executions per function, if set; see README ("Concurrency"). Event source
     * mappings are always capped by `functions.maxConcurrency`.
     */
    reservedConcurrency: z.strictObject({ router: z.number().int().min(1).optional(), adapter: z.number().int().min(1).optional() }).optional(),
    /** What the environment must carry (README: Capacity); without it, `functions.maxConcurrency` and 16 audit shards. */
    capacity: CapacityConfig.optional(),
    /** How long audit records stay in DynamoDB, then in the archive. @default 400 and 730 days in production, 30 and 1 elsewhere */
    auditRetention: AuditRetentionConfig.default({}),
    /**
     * For an environment deployed before lookups kept their audit marker with the subject's (README: The
     * audit chain): the UTC day of the upgrade plus 18 (the longest a lookup can be retried). Until then,
     * each lookup's append also looks for a marker where earlier versions kept it (one read), so an attempt
     * an earlier version started and did not finish is never recorded twice. @default none (a new environment)
     */
    auditLegacyMarkersUntil: z.iso.date().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.production && e.alarms.email.length === 0 && !e.alarms.topicArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['alarms'],
        message: 'a production environment needs an alarm target: alarms.email (a list of addresses) or alarms.topicArn (an existing SNS topic)',
      });
    }
    if (e.console && !e.api) {
      ctx.addIssue({ code: 'custom', path: ['console'], message: 'the console is served on the HTTP API: configure `api` too' });
    }
    if (e.account && e.alarms.topicArn && e.alarms.topicArn.split(':')[4] !== e.account) {
      ctx.addIssue({ code: 'custom', path: ['alarms', 'topicArn'], message: `the topic must be in the environment's account ${e.account}` });
    }
  })
  .transform((e) => ({
    ...e,
    anchors: { ...e.anchors, retentionDays: e.anchors.retentionDays ?? (e.production ? ANCHOR_RETENTION_DAYS.production : ANCHOR_RETENTION_DAYS.other) },
    auditRetention: {
      dynamoDbDays: e.auditRetention.dynamoDbDays ?? (e.production ? AUDIT_RETENTION_DAYS.production : AUDIT_RETENTION_DAYS.other).dynamoDbDays,
      archiveDays: e.auditRetention.archiveDays ?? (e.production ? AUDIT_RETENTION_DAYS.production : AUDIT_RETENTION_DAYS.other).archiveDays,
    },
  }));

export const NdxConfig = z
  .strictObject({
    registries: z.array(RegistryConfig).min(1),
    agencies: z.array(AgencyConfig).min(1),
    environments: z.record(Id, EnvironmentConfig),
    queues: z
      .strictObject({
        /** Receives before a message moves to its DLQ. */
        maxReceiveCount: z.number().int().min(1).max(1000).default(5),
        retentionDays: z.number().int().min(1).max(14).default(4),
        batchSize: z.number().int().min(1).max(10).default(10),
      })
      .default({ maxReceiveCount: 5, retentionDays: 4, batchSize: 10 }),
    functions: z
      .strictObject({
        timeoutSeconds: z.number().int().min(1).max(900).default(10),
        memoryMb: z.number().int().min(128).max(10240).default(512),
        /**
         * Maximum concurrent invocations each queue's event source mapping may drive (Lambda's
         * ScalingConfig.MaximumConcurrency, 2-1000): one busy agency cannot starve the others.
         */
        maxConcurrency: z.number().int().min(2).max(1000).default(5),
      })
      .default({ timeoutSeconds: 10, memoryMb: 512, maxConcurrency: 5 }),
    /** Alarm thresholds, the same in every environment. */
    monitoring: z
      .strictObject({
        /** Age of the oldest message on a queue a function consumes before it alarms (a stalled consumer). */
        oldestMessageAgeSeconds: z.number().int().min(60).default(300),
        /** Age of the oldest unread reply on an agency's in-queue before it alarms (an agency not reading). */
        unreadReplyAgeSeconds: z.number().int().min(60).default(86_400),
      })
      .default({ oldestMessageAgeSeconds: 300, unreadReplyAgeSeconds: 86_400 }),
  })
  .superRefine((c, ctx) => {
    for (const [name, list] of [
      ['registry', c.registries],
      ['agency', c.agencies],
    ] as const) {
      const ids = list.map((x) => x.id);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) ctx.addIssue({ code: 'custom', message: `${name} id "${dup}" appears twice` });
    }
    const clients = c.agencies.flatMap((a) => a.api?.clientIds ?? []);
    const shared = clients.find((id, i) => clients.indexOf(id) !== i);
    if (shared)
      ctx.addIssue({
        code: 'custom',
        path: ['agencies'],
        message: `OAuth client "${shared}" is given to more than one agency (a client acts as exactly one agency)`,
      });
    for (const [env, e] of Object.entries(c.environments)) {
      for (const [kind, known] of [
        ['agencies', c.agencies],
        ['registries', c.registries],
      ] as const) {
        for (const id of Object.keys(e.capacity?.shares[kind] ?? {})) {
          if (!known.some((x) => x.id === id))
            ctx.addIssue({
              code: 'custom',
              path: ['environments', env, 'capacity', 'shares', kind, id],
              message: `no ${kind === 'agencies' ? 'agency' : 'registry'} "${id}" is configured`,
            });
        }
      }
    }
    for (const [i, r] of c.registries.entries()) {
      const names = r.indexes.map((x) => x.name);
      const dupIndex = names.find((n, j) => names.indexOf(n) !== j);
      if (dupIndex) ctx.addIssue({ code: 'custom', path: ['registries', i, 'indexes'], message: `index "${dupIndex}" appears twice` });
      if (r.source.kind === 'http') {
        // Every attempt, with the backoff between them, must fit in one invocation of the adapter.
        const budget = r.source.attempts * r.source.timeoutMs + (r.source.attempts - 1) * HTTP_MAX_BACKOFF_MS;
        if (budget >= c.functions.timeoutSeconds * 1000) {
          ctx.addIssue({
            code: 'custom',
            path: ['registries', i, 'source'],
            message: `attempts × timeoutMs plus backoff (${budget} ms) must be less than the function timeout (${c.functions.timeoutSeconds * 1000} ms)`,
          });
        }
      }
    }
  });
export type NdxConfig = z.infer<typeof NdxConfig>;
export type NdxConfigInput = z.input<typeof NdxConfig>;

/** Parses a configuration, throwing an error that lists every problem with its path. */
export function defineConfig(input: NdxConfigInput): NdxConfig {
  const parsed = NdxConfig.safeParse(input);
  if (!parsed.success) {
    throw new Error(`ndx configuration is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
