/**
 * AuditAnchors: tamper evidence that does not depend on someone remembering. An EventBridge schedule
 * runs the anchor function (functions/anchor/handler.ts) every `anchors.everyMinutes`; it verifies the
 * audit chains against the latest anchor and writes the verified partition heads to a bucket with
 * S3 Object Lock in COMPLIANCE mode (`anchors.retentionDays`): for that long nobody — the account root
 * included — can delete or overwrite an anchor, so a rewritten or truncated chain shows against it.
 *
 * The anchor bucket: KMS-encrypted with the platform key, versioned (Object Lock needs it), TLS only,
 * no public access, server access logs to a log bucket of its own (SSE-S3: S3 server access logging
 * cannot write to a KMS-encrypted bucket).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ANCHOR_PREFIX, ARCHIVE_PREFIX } from '../../config/names.ts';
import { ENV, names } from '../../config/names.ts';
import { logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { functionNames, handlerEntries, METRICS_NAMESPACE } from './environment.ts';
import { ALARM_PERIOD, ndxAlarm, type AlarmTarget } from './monitoring.ts';
import { acknowledge, acknowledgeXRay, bucketObjectsFinding, defaultPolicyOf, kmsViaS3 } from './nag.ts';
import { NdxFunction } from './ndx-function.ts';
import type { SecureTable } from './secure-table.ts';

/** The anchor function may run this long: it walks every partition changed since the last anchor. */
export const ANCHOR_TIMEOUT = Duration.minutes(5);

export interface AuditAnchorsProps {
  readonly deployment: Deployment;
  /** The platform key: encrypts the anchors and the function's logs. */
  readonly key: kms.Key;
  readonly auditTable: SecureTable;
  readonly alarmTarget: AlarmTarget;
}

export class AuditAnchors extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly function: NdxFunction;
  readonly schedule: events.Rule;
  /** Fires when EventBridge could not invoke the anchor function. */
  readonly failedInvocationAlarm: cloudwatch.Alarm;
  readonly retentionDays: number;
  /** Moves audit partitions past their retention in DynamoDB to `audit-archive/` in the bucket (functions/archive/handler.ts). */
  readonly archive: NdxFunction;
  readonly archiveSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: AuditAnchorsProps) {
    super(scope, id);
    const d = props.deployment;
    const { everyMinutes, retentionDays } = d.settings.anchors;
    this.retentionDays = retentionDays;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(Math.max(retentionDays, 90)), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: statefulRemovalPolicy(d),
    });
    acknowledge(
      this.accessLogs.node.defaultChild as s3.CfnBucket,
      'AwsSolutions-S1',
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(retentionDays)),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'anchor-bucket/',
      // Locked objects outlive any stack: the bucket is never deleted with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket.node.defaultChild as s3.CfnBucket, 'NIST.800.53.R5-S3BucketReplicationEnabled');

    this.function = new NdxFunction(this, 'Function', {
      functionName: functionNames.anchor,
      entry: handlerEntries.anchor,
      description: 'ndx audit anchor: verifies the audit chains and writes their heads to the Object Lock bucket',
      environment: {
        [ENV.auditTable]: names.auditTable,
        [ENV.anchorBucket]: this.bucket.bucketName,
        POWERTOOLS_SERVICE_NAME: functionNames.anchor,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      timeout: ANCHOR_TIMEOUT,
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: statefulRemovalPolicy(d),
      logEncryptionKey: props.key,
      alarmTarget: props.alarmTarget,
      // One anchor at a time: a run that overlaps the next would only anchor the same heads twice.
      reservedConcurrency: 1,
      runsLocally: false,
    });
    this.function.addToRolePolicy(
      // Verifying reads the partition directory and each chain (Query only, on the table).
      ...props.auditTable.statements(['dynamodb:Query'], false, { indexes: false }),
      new iam.PolicyStatement({
        sid: 'ListAnchors',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${ANCHOR_PREFIX}*`] } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadAndWriteAnchors',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ANCHOR_PREFIX}*`)],
      }),
      kmsViaS3('AnchorEncryption', props.key, ['kms:GenerateDataKey', 'kms:Decrypt']),
    );
    acknowledgeXRay(this.function);
    Validations.of(defaultPolicyOf(this.function)).acknowledge({
      id: bucketObjectsFinding(this.bucket, ANCHOR_PREFIX),
      reason: `The anchor function reads and writes objects under ${ANCHOR_PREFIX} only (keys sortable by time, one per anchor); Object Lock forbids replacing or deleting them.`,
    });

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `ndx: anchor the audit chains every ${everyMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(everyMinutes)),
      targets: [new targets.LambdaFunction(this.function.function, { retryAttempts: 2, maxEventAge: Duration.minutes(Math.min(everyMinutes, 60)) })],
    });
    acknowledge(this.schedule.node.defaultChild as events.CfnRule, 'Serverless-EventBusDLQ');
    // Audit retention: a daily job archives partitions past auditRetention.dynamoDbDays into this bucket.
    const { dynamoDbDays, archiveDays } = d.settings.auditRetention;
    this.archive = new NdxFunction(this, 'Archive', {
      functionName: functionNames.archive,
      entry: handlerEntries.archive,
      description: 'ndx audit archive: moves audit partitions past their retention in DynamoDB to the Object Lock bucket, leaving stubs',
      environment: {
        [ENV.auditTable]: names.auditTable,
        [ENV.anchorBucket]: this.bucket.bucketName,
        [ENV.auditDynamoDbDays]: String(dynamoDbDays),
        [ENV.auditArchiveDays]: String(archiveDays),
        POWERTOOLS_SERVICE_NAME: functionNames.archive,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      timeout: Duration.minutes(15),
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: statefulRemovalPolicy(d),
      logEncryptionKey: props.key,
      alarmTarget: props.alarmTarget,
      reservedConcurrency: 1,
      runsLocally: false,
    });
    this.archive.addToRolePolicy(
      // Reads chains and the archived list; writes the listing and replaces archived records by stubs
      // (PutItem, conditional on the record's hash): the one writer of the audit table that is not insert-only.
      ...props.auditTable.statements(['dynamodb:Query', 'dynamodb:PutItem'], true, { indexes: false }),
      new iam.PolicyStatement({
        sid: 'ReadAndWriteArchive',
        actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'],
        resources: [this.bucket.arnForObjects(`${ARCHIVE_PREFIX}*`)],
      }),
      kmsViaS3('ArchiveEncryption', props.key, ['kms:GenerateDataKey', 'kms:Decrypt']),
    );
    acknowledgeXRay(this.archive);
    Validations.of(defaultPolicyOf(this.archive)).acknowledge({
      id: bucketObjectsFinding(this.bucket, ARCHIVE_PREFIX),
      reason: `The archive function writes one object per archived partition under ${ARCHIVE_PREFIX} (never replacing one) and reads them back; Object Lock forbids deleting them.`,
    });
    this.archiveSchedule = new events.Rule(this, 'ArchiveSchedule', {
      description: `ndx: archive audit partitions older than ${dynamoDbDays} days, daily`,
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(this.archive.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
    acknowledge(this.archiveSchedule.node.defaultChild as events.CfnRule, 'Serverless-EventBusDLQ');

    this.failedInvocationAlarm = ndxAlarm(this, 'FailedInvocationAlarm', props.alarmTarget, {
      alarmName: `${functionNames.anchor}-failed-invocations`,
      description: `The schedule could not invoke ${functionNames.anchor}: no audit anchor was taken. The next run anchors everything since the latest anchor.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: this.schedule.ruleName },
        statistic: 'Sum',
        period: ALARM_PERIOD,
      }),
      threshold: 1,
    });
  }
}
