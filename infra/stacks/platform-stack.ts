/**
 * ndx-platform: what every lookup passes through. The platform KMS key, the audit, consent and
 * idempotency tables, the secret pepper for hashing subject identifiers, and the router function.
 * Agency and registry stacks depend on this one, never the reverse.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { names } from '../../functions/platform/names.ts';
import { functionTimeout, logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { functionNames, handlerEntries, PEPPER_SECRET_NAME, routerEnvironment } from '../constructs/environment.ts';
import { grantFanOut } from '../constructs/fan-out.ts';
import { ndxKey } from '../constructs/keys.ts';
import { NdxFunction } from '../constructs/ndx-function.ts';
import { OperationsConstruct } from '../constructs/operations.ts';
import {
  SecureTable,
  TABLE_APPEND_ACTIONS,
  TABLE_DELETE_ACTIONS,
  TABLE_INSERT_ACTIONS,
  TABLE_READ_ACTIONS,
} from '../constructs/secure-table.ts';
import { acknowledge, acknowledgeXRay } from '../constructs/nag.ts';

export interface PlatformStackProps extends StackProps {
  readonly deployment: Deployment;
}

const S = dynamodb.AttributeType.STRING;

export class PlatformStack extends Stack {
  /** Encrypts the platform tables and the pepper secret. */
  readonly key: kms.Key;
  readonly auditTable: SecureTable;
  readonly consentTable: SecureTable;
  readonly idempotencyTable: SecureTable;
  readonly rateLimitTable: SecureTable;
  readonly contractTable: SecureTable;
  readonly pepperSecret: secretsmanager.Secret;
  readonly router: NdxFunction;
  /** Alarm topic, dashboard and operator role of the environment. */
  readonly operations: OperationsConstruct;

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

    // The audit trail, hash-chained in partitions `<registry|platform>#<day>#<shard>` (functions/platform/audit.ts):
    // pk `chain#<partition>` / sk zero-padded seq for records, `<kind>#<auditId>` / `record` for the idempotency
    // markers, `partitions` / `<day>#<partition>` for the directory that `ndx audit verify` walks. bySubject
    // serves the citizen's view. Functions may only insert (conditional puts) and read.
    this.auditTable = new SecureTable(this, 'Audit', {
      tableName: names.auditTable,
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      globalSecondaryIndexes: [{ indexName: 'bySubject', partitionKey: { name: 'subjectHash', type: S }, sortKey: { name: 'at', type: S } }],
      encryptionKey: this.key,
      production,
    });
    this.consentTable = new SecureTable(this, 'Consents', {
      tableName: names.consentTable,
      partitionKey: { name: 'consentId', type: S },
      globalSecondaryIndexes: [
        { indexName: 'bySubject', partitionKey: { name: 'subjectHash', type: S }, sortKey: { name: 'grantedAt', type: S } },
      ],
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
    });

    // Fixed one-minute windows per agency and contract; counters expire by themselves.
    this.rateLimitTable = new SecureTable(this, 'RateLimits', {
      tableName: names.rateLimitTable,
      partitionKey: { name: 'pk', type: S },
      timeToLiveAttribute: 'expiresAt',
      encryptionKey: this.key,
      production,
    });

    // The contract registry: lifecycle state of every contract version (content is code, by digest).
    this.contractTable = new SecureTable(this, 'Contracts', {
      tableName: names.contractTable,
      partitionKey: { name: 'contractId', type: S },
      sortKey: { name: 'version', type: S },
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

    this.operations = new OperationsConstruct(this, 'Operations', { deployment: d, removalPolicy });

    this.router = new NdxFunction(this, 'Router', {
      functionName: functionNames.router,
      entry: handlerEntries.router,
      description: 'ndx router: checks each lookup (envelope, contract, purpose, consent, limits) and forwards or answers it',
      environment: routerEnvironment(d.config),
      timeout: functionTimeout(d),
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: this.key,
      alarmTarget: this.operations,
      reservedConcurrency: d.settings.reservedConcurrency?.router,
    });
    const router = this.router;
    router.addToRolePolicy(
      ...this.auditTable.statements([...TABLE_READ_ACTIONS, ...TABLE_INSERT_ACTIONS], true),
      // Reads consents; UpdateItem only to count uses of consents with use limits (one conditional update per lookup).
      ...this.consentTable.statements([...TABLE_READ_ACTIONS, 'dynamodb:UpdateItem'], true),
      ...this.rateLimitTable.statements(['dynamodb:UpdateItem'], true),
      ...this.contractTable.statements(TABLE_READ_ACTIONS, false),
      ...this.idempotencyTable.statements([...TABLE_READ_ACTIONS, ...TABLE_APPEND_ACTIONS, ...TABLE_DELETE_ACTIONS], true),
      ...this.pepperStatements(),
    );
    acknowledgeXRay(router);
    // The router consumes every agency's out-queue and sends to every agency's in-queue (DENIED and
    // INVALID replies) and every registry's in-queue. Each of those queues, in its own stack, names
    // the router in its queue policy and key policy.
    grantFanOut(this, 'RouterQueues', router.role, {
      consumeFrom: [names.agencyOutQueue('*')],
      sendTo: [names.agencyInQueue('*'), names.registryInQueue('*')],
    });

    new CfnOutput(this, 'RouterFunctionName', { value: router.function.functionName });
    new CfnOutput(this, 'PepperSecretName', { value: PEPPER_SECRET_NAME });
  }

  /** Statements to read the pepper secret (any ndx function that hashes subjects needs them). */
  pepperStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.pepperSecret.secretArn] }),
      new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:DescribeKey'], resources: [this.key.keyArn] }),
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

  /** The `ndx-operator` role (registry and agency stacks let it redrive their queues). */
  get operatorRole(): iam.IRole {
    return this.operations.operatorRole;
  }
}
