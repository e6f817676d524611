/**
 * RegistryConstruct: one national registry as ndx exposes it. Its own KMS key, its records table,
 * its inbound queue (only the router may send, only the adapter may receive) with a dead-letter
 * queue, and the adapter function fed by an event source mapping with partial batch responses and a
 * maximum concurrency. Alarms: the queue's DLQ depth and oldest message age, the adapter's errors
 * and throttles.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { NdxConfig } from '../../config/schema.ts';
import { names } from '../../config/names.ts';
import { asciiDescription, consumerVisibilityTimeout, functionTimeout, logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { adapterEnvironment, auditUpgradeEnvironment, functionNames, handlerEntries, idempotencyKeyPattern, METRICS_NAMESPACE } from './environment.ts';
import { grantFanOut } from './fan-out.ts';
import { IndicatorJob } from './indicator-job.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { allowQueueKeyUse, ndxKey } from './keys.ts';
import { acknowledge, acknowledgeXRay } from './nag.ts';
import { NdxFunction } from './ndx-function.ts';
import { ndxAlarm, type AlarmTarget } from './monitoring.ts';
import { METRIC } from '../../config/names.ts';
import { KMS_CONSUME_ACTIONS, KMS_SEND_ACTIONS, SecureQueue } from './secure-queue.ts';
import { AUDIT_WRITER_ACTIONS, IDEMPOTENCY_ACTIONS, ITEM_READ_ACTIONS, SecureTable } from './secure-table.ts';

/** What a registry needs from the platform: the shared tables and who the router is. */
/** A security event alarms when at least one is counted within this period. */
export const SECURITY_EVENT_PERIOD = Duration.minutes(5);

export interface PlatformAccess {
  readonly auditTable: SecureTable;
  readonly consentTable: SecureTable;
  readonly idempotencyTable: SecureTable;
  readonly routerRole: iam.IRole;
  /** Statements to read the pepper and the forwarding key (secrets and their key). */
  secretStatements(): iam.PolicyStatement[];
  /** The `ndx-operator` role, which may list dead-lettered messages (`ndx ops dlq list`). */
  readonly operatorRole: iam.IRole;
  /** The `ndx-redrive` function's role, which moves dead-lettered messages back (`ndx ops redrive`). */
  readonly redriveRole: iam.IRole;
  /**
   * Every role that lists dead letters: `ndx-operator` and the console's operators' desk.
   * @default [operatorRole]
   */
  readonly deadLetterReaders?: readonly iam.IRole[];
  /** The environment's alarm target. */
  readonly alarmTarget: AlarmTarget;
  /** `ndx-indicators` and `ndx-indicator-runs`: where the registry's indicators job writes (IndicatorJob). */
  readonly indicatorTable: SecureTable;
  readonly indicatorRunTable: SecureTable;
  /** The agency HTTP API, if any: its function forwards lookups, its mailbox takes adapters' replies. */
  readonly api?: { readonly role: iam.IRole; readonly mailbox: SecureTable } | undefined;
}

export interface RegistryConstructProps {
  readonly registry: NdxConfig['registries'][number];
  readonly deployment: Deployment;
  readonly platform: PlatformAccess;
}

export class RegistryConstruct extends Construct {
  readonly registryId: string;
  readonly key: kms.Key;
  readonly table: SecureTable;
  readonly inbound: SecureQueue;
  readonly adapter: NdxFunction;
  readonly eventSourceMapping: lambda.EventSourceMapping;
  /** Fires when the adapter refuses a forwarded lookup that fails verification (a forgery or an alteration). */
  readonly securityAlarm: cloudwatch.Alarm;
  /** The scheduled indicators job, when an indicator counts this registry's records (contracts/indicators/catalog.ts). */
  readonly indicatorJob?: IndicatorJob;

  constructor(scope: Construct, id: string, props: RegistryConstructProps) {
    super(scope, id);
    const { registry, deployment: d, platform } = props;
    const removalPolicy = statefulRemovalPolicy(d);
    this.registryId = registry.id;

    this.key = ndxKey(this, 'Key', {
      alias: `alias/ndx-registry-${registry.id}`,
      description: `ndx registry ${registry.id}: records table and inbound queue`,
      removalPolicy,
    });

    this.table = new SecureTable(this, 'Records', {
      tableName: names.registryTable(registry.id),
      partitionKey: { name: registry.key.partition, type: dynamodb.AttributeType.STRING },
      sortKey: registry.key.sort ? { name: registry.key.sort, type: dynamodb.AttributeType.STRING } : undefined,
      // The registry's list queries (e.g. parcels by owner) read these; the adapter may query each, by name.
      globalSecondaryIndexes: registry.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partition, type: dynamodb.AttributeType.STRING },
        ...(index.sort ? { sortKey: { name: index.sort, type: dynamodb.AttributeType.STRING } } : {}),
      })),
      encryptionKey: this.key,
      production: d.settings.production,
      warmThroughput: d.capacity.warmThroughput[names.registryTable(registry.id)],
    });

    this.adapter = new NdxFunction(this, 'Adapter', {
      functionName: functionNames.adapter(registry.id),
      entry: handlerEntries.adapter,
      description: asciiDescription(`ndx adapter for ${registry.title} (${registry.operator})`),
      environment: { ...adapterEnvironment(d.config, registry.id, Boolean(platform.api), d.capacity.auditShards), ...auditUpgradeEnvironment(d.settings) },
      timeout: functionTimeout(d),
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: this.key,
      alarmTarget: platform.alarmTarget,
      reservedConcurrency: d.capacity.reserved.adapters[registry.id],
    });

    this.inbound = new SecureQueue(this, 'Inbound', {
      queueName: names.registryInQueue(registry.id),
      encryptionKey: this.key,
      maxReceiveCount: d.config.queues.maxReceiveCount,
      retentionPeriod: Duration.days(d.config.queues.retentionDays),
      visibilityTimeout: consumerVisibilityTimeout(d),
      consumerTimeout: functionTimeout(d),
      alarmTarget: platform.alarmTarget,
      oldestMessageAlarm: Duration.seconds(d.config.monitoring.oldestMessageAgeSeconds),
    });
    const adapterRoleArn = this.adapter.role.roleArn;
    const routerRoleArn = platform.routerRole.roleArn;
    const redriveRoleArn = platform.redriveRole.roleArn;
    // Only the router sends lookups to a registry; only its adapter reads them; ndx-redrive moves them back.
    // The HTTP API runs the router's pipeline in its own function, so it forwards too.
    const forwarders = [routerRoleArn, ...(platform.api ? [platform.api.role.roleArn] : [])];
    this.inbound.restrict({ senders: forwarders, consumers: [adapterRoleArn], redrivers: [redriveRoleArn] });
    allowQueueKeyUse(this.key, 'RouterSendsToRegistry', forwarders, KMS_SEND_ACTIONS);
    allowQueueKeyUse(this.key, 'RedriveMovesDeadLetters', [redriveRoleArn], [...new Set([...KMS_SEND_ACTIONS, ...KMS_CONSUME_ACTIONS])]);
    allowQueueKeyUse(
      this.key,
      'OperatorReadsDeadLetters',
      (platform.deadLetterReaders ?? [platform.operatorRole]).map((r) => r.roleArn),
      KMS_CONSUME_ACTIONS,
    );

    // The adapter's EMF metric (aws/metrics.ts): Powertools adds the service dimension.
    this.securityAlarm = ndxAlarm(this, 'SecurityAlarm', platform.alarmTarget, {
      alarmName: `${functionNames.adapter(registry.id)}-security-events`,
      description:
        `${functionNames.adapter(registry.id)}: a lookup on ${names.registryInQueue(registry.id)} failed verification (not signed by the router, or altered) ` +
        `and went to the dead-letter queue unanswered; its security event is in the audit trail. See \`ndx ops dlq list ${names.registryInQueue(registry.id)}\`.`,
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.securityEvents,
        dimensionsMap: { service: functionNames.adapter(registry.id), stage: 'adapter' },
        statistic: 'Sum',
        period: SECURITY_EVENT_PERIOD,
      }),
      threshold: 1,
    });

    const adapter = this.adapter;
    adapter.addToRolePolicy(
      ...this.inbound.consumeStatements(),
      // Records by key, and the list queries on the indexes (registries/dynamo-source.ts).
      ...this.table.statements([...ITEM_READ_ACTIONS, 'dynamodb:Query'], false),
      ...platform.auditTable.statements(AUDIT_WRITER_ACTIONS, true, { indexes: false }),
      // Re-checks the consent (it may have been withdrawn since the router admitted the lookup).
      ...platform.consentTable.statements(ITEM_READ_ACTIONS, false, { indexes: false }),
      // Its own idempotency records only (keyPrefix `ndx-adapter-<registryId>`).
      ...platform.idempotencyTable.statements(IDEMPOTENCY_ACTIONS, true, { leadingKeys: [idempotencyKeyPattern(functionNames.adapter(registry.id))] }),
      // The pepper, to re-check the subject hash the router forwarded, and the forwarding key, to verify
      // the router's signature before anything is read.
      ...platform.secretStatements(),
      // Replies to HTTP callers: sealed into their mailbox slot (one conditional UpdateItem).
      ...(platform.api ? platform.api.mailbox.statements(['dynamodb:UpdateItem'], true) : []),
    );
    acknowledgeXRay(adapter);
    // Replies go to the requesting agency's in-queue; each in-queue names every adapter in its policies.
    grantFanOut(this, 'AdapterQueues', adapter.role, { sendTo: [names.agencyInQueue('*')] });

    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'InboundMapping', {
      target: adapter.function,
      eventSourceArn: this.inbound.queueArn,
      batchSize: d.config.queues.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: d.capacity.adapterMappings[registry.id] ?? d.config.functions.maxConcurrency,
    });
    acknowledge(this.eventSourceMapping, 'Serverless-LambdaEventSourceMappingDestination');
    // The mapping is validated on creation: the role must already allow consuming the queue.
    if (adapter.defaultPolicy) this.eventSourceMapping.node.addDependency(adapter.defaultPolicy);

    const indicators = INDICATORS.filter((i) => i.provider === registry.id).map((i) => i.id);
    if (indicators.length) {
      this.indicatorJob = new IndicatorJob(this, 'Indicators', {
        deployment: d,
        registryId: registry.id,
        registryTable: this.table,
        indicatorTable: platform.indicatorTable,
        runTable: platform.indicatorRunTable,
        indicators,
        key: this.key,
        alarmTarget: platform.alarmTarget,
      });
    }
  }

  /** ARN of the adapter's execution role (agency stacks allow it to send replies). */
  get adapterRole(): iam.IRole {
    return this.adapter.role;
  }
}
