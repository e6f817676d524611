/**
 * RegistryConstruct: one national registry as ndx exposes it. Its own KMS key, its records table,
 * its inbound queue (only the router may send, only the adapter may receive) with a dead-letter
 * queue, and the adapter function fed by an event source mapping with partial batch responses and a
 * maximum concurrency. Alarms: the queue's DLQ depth and oldest message age, the adapter's errors
 * and throttles.
 */
import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { NdxConfig } from '../../config/schema.ts';
import { names } from '../../functions/platform/names.ts';
import {
  asciiDescription,
  consumerVisibilityTimeout,
  functionTimeout,
  logRetention,
  statefulRemovalPolicy,
  type Deployment,
} from '../deployment.ts';
import { adapterEnvironment, functionNames, handlerEntries } from './environment.ts';
import { grantFanOut } from './fan-out.ts';
import { allowQueueKeyUse, ndxKey } from './keys.ts';
import { acknowledge, acknowledgeXRay } from './nag.ts';
import { NdxFunction } from './ndx-function.ts';
import type { AlarmTarget } from './monitoring.ts';
import { KMS_CONSUME_ACTIONS, KMS_SEND_ACTIONS, SecureQueue } from './secure-queue.ts';
import { SecureTable, TABLE_APPEND_ACTIONS, TABLE_DELETE_ACTIONS, TABLE_INSERT_ACTIONS, TABLE_READ_ACTIONS } from './secure-table.ts';

/** What a registry needs from the platform: the shared tables and who the router is. */
export interface PlatformAccess {
  readonly auditTable: SecureTable;
  readonly consentTable: SecureTable;
  readonly idempotencyTable: SecureTable;
  readonly routerRole: iam.IRole;
  /** The `ndx-operator` role, which may move dead-lettered messages back (`ndx ops redrive`). */
  readonly operatorRole: iam.IRole;
  /** The environment's alarm target. */
  readonly alarmTarget: AlarmTarget;
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
    });

    this.adapter = new NdxFunction(this, 'Adapter', {
      functionName: functionNames.adapter(registry.id),
      entry: handlerEntries.adapter,
      description: asciiDescription(`ndx adapter for ${registry.title} (${registry.operator})`),
      environment: adapterEnvironment(d.config, registry.id),
      timeout: functionTimeout(d),
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: this.key,
      alarmTarget: platform.alarmTarget,
      reservedConcurrency: d.settings.reservedConcurrency?.adapter,
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
    const operatorRoleArn = platform.operatorRole.roleArn;
    // Only the router sends lookups to a registry; only its adapter reads them; operators redrive.
    this.inbound.restrict({ senders: [routerRoleArn], consumers: [adapterRoleArn], redrivers: [operatorRoleArn] });
    allowQueueKeyUse(this.key, 'RouterSendsToRegistry', [routerRoleArn], KMS_SEND_ACTIONS);
    allowQueueKeyUse(this.key, 'OperatorRedrives', [operatorRoleArn], [...new Set([...KMS_SEND_ACTIONS, ...KMS_CONSUME_ACTIONS])]);

    const adapter = this.adapter;
    adapter.addToRolePolicy(
      ...this.inbound.consumeStatements(),
      ...this.table.statements(TABLE_READ_ACTIONS, false),
      ...platform.auditTable.statements([...TABLE_READ_ACTIONS, ...TABLE_INSERT_ACTIONS], true),
      // Re-checks the consent (it may have been withdrawn since the router admitted the lookup).
      ...platform.consentTable.statements(TABLE_READ_ACTIONS, false),
      ...platform.idempotencyTable.statements([...TABLE_READ_ACTIONS, ...TABLE_APPEND_ACTIONS, ...TABLE_DELETE_ACTIONS], true),
    );
    // No access to the subject pepper: adapters receive subjects already hashed for the audit by the
    // router, and the pepper is what keeps low-entropy identifiers from being brute-forced.
    acknowledgeXRay(adapter);
    // Replies go to the requesting agency's in-queue; each in-queue names every adapter in its policies.
    grantFanOut(this, 'AdapterQueues', adapter.role, { sendTo: [names.agencyInQueue('*')] });

    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'InboundMapping', {
      target: adapter.function,
      eventSourceArn: this.inbound.queueArn,
      batchSize: d.config.queues.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: d.config.functions.maxConcurrency,
    });
    acknowledge(this.eventSourceMapping, 'Serverless-LambdaEventSourceMappingDestination');
    // The mapping is validated on creation: the role must already allow consuming the queue.
    if (adapter.defaultPolicy) this.eventSourceMapping.node.addDependency(adapter.defaultPolicy);
  }

  /** ARN of the adapter's execution role (agency stacks allow it to send replies). */
  get adapterRole(): iam.IRole {
    return this.adapter.role;
  }
}
