/**
 * ndx-platform: what every lookup passes through. The platform KMS key, the audit, consent and
 * idempotency tables, the secret pepper for hashing subject identifiers, and the router function.
 * Agency and registry stacks depend on this one, never the reverse.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { AUDIT_SUBJECT_INDEX, ENV, names } from '../../config/names.ts';
import { functionTimeout, logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { AgencyApi } from '../constructs/agency-api.ts';
import { Console } from '../constructs/console.ts';
import { AuditAnchors } from '../constructs/audit-anchors.ts';
import { FORWARDING_KEY_SECRET_NAME, PEPPER_SECRET_NAME } from '../../config/names.ts';
import {
  functionNames,
  handlerEntries,
  idempotencyKeyPattern,
  METRICS_NAMESPACE,
  routerEnvironment,
  auditUpgradeEnvironment,
  webhookEnvironment,
  webhookUrls,
} from '../constructs/environment.ts';
import { grantFanOut } from '../constructs/fan-out.ts';
import { ndxKey } from '../constructs/keys.ts';
import { NdxFunction } from '../constructs/ndx-function.ts';
import { OperationsConstruct } from '../constructs/operations.ts';
import { AUDIT_WRITER_ACTIONS, IDEMPOTENCY_ACTIONS, ITEM_READ_ACTIONS, SecureTable } from '../constructs/secure-table.ts';
import { acknowledge, acknowledgeXRay, defaultPolicyOf } from '../constructs/nag.ts';

export interface PlatformStackProps extends StackProps {
  readonly deployment: Deployment;
}

const S = dynamodb.AttributeType.STRING;

export class PlatformStack extends Stack {
  /** Encrypts the platform tables, the secrets and the audit anchors. */
  readonly key: kms.Key;
  readonly auditTable: SecureTable;
  readonly consentTable: SecureTable;
  readonly idempotencyTable: SecureTable;
  readonly rateLimitTable: SecureTable;
  readonly contractTable: SecureTable;
  /** Indicator aggregates: counts by indicator, period and cell (aws/indicator-store.ts); no personal data. */
  readonly indicatorTable: SecureTable;
  /** Partials of the indicators job's runs (aws/indicator-runs.ts): counts only, expiring after a week. */
  readonly indicatorRunTable: SecureTable;
  readonly pepperSecret: secretsmanager.Secret;
  /** The key the router signs forwarded lookups with and the adapters verify (rotated automatically). */
  readonly forwardingKeySecret: secretsmanager.Secret;
  /** Rotates the forwarding key (functions/rotation/handler.ts). */
  readonly forwardingKeyRotation: NdxFunction;
  /** The scheduled audit anchors and their Object Lock bucket. */
  readonly anchors: AuditAnchors;
  readonly router: NdxFunction;
  /** Alarm topic, dashboard and operator role of the environment. */
  readonly operations: OperationsConstruct;
  /** The agency HTTP API, when the environment configures one. */
  readonly api?: AgencyApi;
  /** The web console, when the environment configures `console`. */
  readonly console?: Console;
  /** Pushes replies to agencies with a webhook (functions/webhook/handler.ts), when any has one. */
  readonly webhook?: NdxFunction;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const d = props.deployment;
    const production = d.settings.production;
    const removalPolicy = statefulRemovalPolicy(d);

    this.key = ndxKey(this, 'Key', {
      alias: 'alias/ndx-platform',
      description: 'ndx platform: audit, consent and idempotency tables, subject pepper',
      removalPolicy,
    });

    // The audit trail, hash-chained in partitions `<registry|platform>#<day>#<shard>` (aws/audit-log.ts):
    // pk `chain#<partition>` / sk zero-padded seq for records, `<kind>#<auditId>` / `record` for the idempotency
    // markers, `partitions` / `<day>#<partition>` for the directory that `ndx audit verify` walks. The subject
    // index serves the citizen's view with keys only (the view reads each record by key: a keys-only entry is
    // about 250 bytes instead of a second copy of the record). Functions may only insert (conditional puts) and read.
    this.auditTable = new SecureTable(this, 'Audit', {
      tableName: names.auditTable,
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      globalSecondaryIndexes: [
        {
          indexName: AUDIT_SUBJECT_INDEX,
          partitionKey: { name: 'subjectHash', type: S },
          sortKey: { name: 'at', type: S },
          projectionType: dynamodb.ProjectionType.KEYS_ONLY,
        },
      ],
      encryptionKey: this.key,
      production,
      warmThroughput: d.capacity.warmThroughput[names.auditTable],
    });
    this.consentTable = new SecureTable(this, 'Consents', {
      tableName: names.consentTable,
      partitionKey: { name: 'consentId', type: S },
      globalSecondaryIndexes: [{ indexName: 'bySubject', partitionKey: { name: 'subjectHash', type: S }, sortKey: { name: 'grantedAt', type: S } }],
      encryptionKey: this.key,
      production,
    });
    // Powertools idempotency's defaults: partition key `id`, expiry in `expiration` (epoch seconds).
    this.idempotencyTable = new SecureTable(this, 'Idempotency', {
      tableName: names.idempotencyTable,
      partitionKey: { name: 'id', type: S },
      timeToLiveAttribute: 'expiration',
      encryptionKey: this.key,
      production,
      warmThroughput: d.capacity.warmThroughput[names.idempotencyTable],
    });

    // Fixed one-minute windows per agency and contract; counters expire by themselves.
    this.rateLimitTable = new SecureTable(this, 'RateLimits', {
      tableName: names.rateLimitTable,
      partitionKey: { name: 'pk', type: S },
      timeToLiveAttribute: 'expiresAt',
      encryptionKey: this.key,
      production,
      warmThroughput: d.capacity.warmThroughput[names.rateLimitTable],
    });

    // The contract registry: lifecycle state of every contract version (content is code, by digest).
    this.contractTable = new SecureTable(this, 'Contracts', {
      tableName: names.contractTable,
      partitionKey: { name: 'contractId', type: S },
      sortKey: { name: 'version', type: S },
      encryptionKey: this.key,
      production,
    });

    // Indicator aggregates, written by the indicators job (functions/indicators) and read by the router and the API.
    this.indicatorTable = new SecureTable(this, 'Indicators', {
      tableName: names.indicatorTable,
      partitionKey: { name: 'indicator', type: S },
      sortKey: { name: 'period', type: S },
      encryptionKey: this.key,
      production,
    });
    // Each registry's indicators job keeps its segments' partials here between the scan and the merge:
    // pk `<registry>#<run>#<segment>` (grants name `<registry>#*`), sk `commit` or `chunk#<attempt>#<n>`.
    this.indicatorRunTable = new SecureTable(this, 'IndicatorRuns', {
      tableName: names.indicatorRunTable,
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      timeToLiveAttribute: 'expiresAt',
      encryptionKey: this.key,
      production,
    });

    this.pepperSecret = new secretsmanager.Secret(this, 'SubjectPepper', {
      secretName: PEPPER_SECRET_NAME,
      description: 'Key for hashing subject identifiers (HMAC pepper) in audit and consent records',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    acknowledge(this.pepperSecret, 'AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled');

    this.forwardingKeySecret = new secretsmanager.Secret(this, 'ForwardingKey', {
      secretName: FORWARDING_KEY_SECRET_NAME,
      description: 'Key of the HMAC the router signs forwarded lookups with; adapters verify (AWSCURRENT or AWSPREVIOUS)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false, requireEachIncludedType: true },
      removalPolicy,
    });

    this.operations = new OperationsConstruct(this, 'Operations', { deployment: d, removalPolicy, key: this.key });

    this.forwardingKeyRotation = new NdxFunction(this, 'ForwardingKeyRotation', {
      functionName: functionNames.rotation,
      entry: handlerEntries.rotation,
      description: 'ndx: rotates the forwarding key (a new random version; AWSCURRENT moves, the former stays AWSPREVIOUS)',
      environment: { POWERTOOLS_SERVICE_NAME: functionNames.rotation, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE },
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: this.key,
      alarmTarget: this.operations,
      reservedConcurrency: 1,
      runsLocally: false,
    });
    // Grants the function DescribeSecret, GetSecretValue, PutSecretValue and UpdateSecretVersionStage on
    // this secret, GetRandomPassword (no resource-level permissions), use of the key through Secrets
    // Manager, and Secrets Manager the right to invoke it.
    this.forwardingKeySecret.addRotationSchedule('Rotation', {
      rotationLambda: this.forwardingKeyRotation.function,
      automaticallyAfter: Duration.days(d.settings.forwardingKeyRotationDays),
    });
    acknowledgeXRay(this.forwardingKeyRotation);
    Validations.of(defaultPolicyOf(this.forwardingKeyRotation)).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords and Secrets Manager GetRandomPassword support no resource-level permissions; ' +
        'every other action of this rotation function names the forwarding key secret or its key.',
    });

    this.anchors = new AuditAnchors(this, 'AuditAnchors', { deployment: d, key: this.key, auditTable: this.auditTable, alarmTarget: this.operations });

    this.router = new NdxFunction(this, 'Router', {
      functionName: functionNames.router,
      entry: handlerEntries.router,
      description: 'ndx router: checks each lookup (envelope, contract, purpose, consent, limits) and forwards or answers it',
      environment: { ...routerEnvironment(d.config, d.capacity.auditShards), ...auditUpgradeEnvironment(d.settings) },
      timeout: functionTimeout(d),
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: this.key,
      alarmTarget: this.operations,
      reservedConcurrency: d.capacity.reserved.router,
    });
    const router = this.router;
    router.addToRolePolicy(
      // Only what the router's code sends: see the handler and aws/*.ts.
      ...this.auditTable.statements(AUDIT_WRITER_ACTIONS, true, { indexes: false }),
      // Reads consents; UpdateItem only to count uses of consents with use limits (one conditional update per lookup).
      ...this.consentTable.statements([...ITEM_READ_ACTIONS, 'dynamodb:UpdateItem'], true, { indexes: false }),
      ...this.rateLimitTable.statements(['dynamodb:UpdateItem'], true),
      // The lifecycle state of a contract's versions: one Query by contract id.
      ...this.contractTable.statements(['dynamodb:Query'], false),
      // Indicator requests: one aggregate by indicator and period.
      ...this.indicatorTable.statements(['dynamodb:GetItem'], false),
      // Its own idempotency records only: Powertools keys them `<keyPrefix>#<hash>`, the router's prefix is its name.
      ...this.idempotencyTable.statements(IDEMPOTENCY_ACTIONS, true, { leadingKeys: [idempotencyKeyPattern(functionNames.router)] }),
      ...this.secretStatements(),
    );
    acknowledgeXRay(router);
    // The router consumes every agency's out-queue and sends to every agency's in-queue (DENIED and
    // INVALID replies) and every registry's in-queue. Each of those queues, in its own stack, names
    // the router in its queue policy and key policy.
    grantFanOut(this, 'RouterQueues', router.role, {
      consumeFrom: [names.agencyOutQueue('*')],
      sendTo: [names.agencyInQueue('*'), names.registryInQueue('*')],
    });

    if (d.settings.api) {
      this.api = new AgencyApi(this, 'AgencyApi', {
        deployment: d,
        api: d.settings.api,
        key: this.key,
        alarmTarget: this.operations,
        tables: {
          audit: this.auditTable,
          consents: this.consentTable,
          idempotency: this.idempotencyTable,
          rateLimits: this.rateLimitTable,
          contracts: this.contractTable,
          indicators: this.indicatorTable,
        },
        secretStatements: () => this.secretStatements(),
      });
      if (d.settings.console) {
        this.console = new Console(this, 'Console', {
          deployment: d,
          console: d.settings.console,
          api: this.api,
          key: this.key,
          alarmTarget: this.operations,
          tables: {
            audit: this.auditTable,
            consents: this.consentTable,
            contracts: this.contractTable,
            indicators: this.indicatorTable,
            rateLimits: this.rateLimitTable,
          },
          secretStatements: () => this.secretStatements(),
          operations: { redrive: this.operations.redrive.function, anchors: this.anchors.bucket },
        });
      }
    }

    if (Object.keys(webhookUrls(d.config)).length > 0) {
      const webhook = new NdxFunction(this, 'Webhook', {
        functionName: functionNames.webhook,
        entry: handlerEntries.webhook,
        description: 'ndx webhooks: posts replies, signed (Standard Webhooks), to agencies that have a webhook',
        environment: webhookEnvironment(d.config),
        timeout: functionTimeout(d),
        memorySize: 256,
        logRetention: logRetention(d.settings.logRetentionDays),
        logRemovalPolicy: removalPolicy,
        logEncryptionKey: this.key,
        alarmTarget: this.operations,
      });
      // The pepper derives each agency's signing secret; the in-queues are consumed by naming convention
      // (each names this role as its only consumer when its agency has a webhook).
      webhook.addToRolePolicy(...this.secretStatements());
      acknowledgeXRay(webhook);
      grantFanOut(this, 'WebhookQueues', webhook.role, { consumeFrom: [names.agencyInQueue('*')] });
      this.webhook = webhook;
    }

    new CfnOutput(this, 'RouterFunctionName', { value: router.function.functionName });
    new CfnOutput(this, 'PepperSecretName', { value: PEPPER_SECRET_NAME });
    new CfnOutput(this, 'ForwardingKeySecretName', { value: FORWARDING_KEY_SECRET_NAME });
    new CfnOutput(this, 'AnchorBucketName', {
      value: this.anchors.bucket.bucketName,
      description: `Audit anchors (Object Lock); set ${ENV.anchorBucket} for ndx audit verify`,
    });
  }

  /**
   * Statements to read the pepper (hashing subjects) and the forwarding key (signing or verifying
   * forwarded lookups): the router and every adapter need both.
   */
  secretStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [this.pepperSecret.secretArn, this.forwardingKeySecret.secretArn],
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
      }),
    ];
  }

  /** The router's execution role (registry and agency stacks name it in their resource policies). */
  get routerRole(): iam.IRole {
    return this.router.role;
  }

  /** Where every stack's alarms go. */
  get alarmTarget(): OperationsConstruct {
    return this.operations;
  }

  /** The `ndx-operator` role (registry and agency stack keys let it read their dead letters). */
  get operatorRole(): iam.IRole {
    return this.operations.operatorRole;
  }

  /** Roles that may decrypt dead letters to list them: `ndx-operator` and, with a console, its function (the operators' desk). */
  get deadLetterReaders(): iam.IRole[] {
    return [this.operations.operatorRole, ...(this.console ? [this.console.function.role] : [])];
  }

  /** The `ndx-redrive` function's role, the only redriver the queues allow. */
  get redriveRole(): iam.IRole {
    return this.operations.redriveRole;
  }
}
