/**
 * cdk-nag wiring and the acknowledgements ndx's constructs share.
 *
 * Three rule packs run at every synthesis: AWS Solutions, Serverless and NIST 800-53 rev. 5.
 * Synthesis fails on any finding not acknowledged here; each acknowledgement names the one rule it
 * concerns, sits on the one resource it concerns, and says why the rule does not fit that resource.
 */
import { type App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks, type NagPack } from 'cdk-nag';
import type { NdxFunction } from './ndx-function.ts';

/** The rule packs ndx runs, by the name they report under. */
export const NAG_PACKS = ['AwsSolutions', 'Serverless', 'NIST.800.53.R5'] as const;

/** Registers the rule packs: synthesis then fails on any unacknowledged finding. */
export function addNagChecks(app: App): NagPack[] {
  const props = { verbose: true, writeSuppressionsToCloudFormation: true };
  const packs: NagPack[] = [new AwsSolutionsChecks(app, props), new ServerlessChecks(app, props), new NIST80053R5Checks(app, props)];
  Validations.of(app).addPlugins(...packs);
  return packs;
}

/**
 * Why a rule does not fit: one reason per rule id, shared by every resource it is acknowledged on
 * (tests check that no other acknowledgement exists).
 */
export const REASONS = {
  'AwsSolutions-IAM5[Resource::*]':
    'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; the statement is only those two actions.',
  'Serverless-LambdaDLQ':
    'The function is invoked synchronously, by SQS event source mappings or by a Step Functions task; a function dead-letter queue catches ' +
    'failed asynchronous invocations, which never happen. A record that keeps failing goes to its source queue’s dead-letter queue ' +
    '(redrive policy), which alarms; a task that keeps failing fails its state machine execution, which alarms.',
  'NIST.800.53.R5-LambdaDLQ':
    'The function is invoked synchronously, by SQS event source mappings or by a Step Functions task; a function dead-letter queue catches ' +
    'failed asynchronous invocations, which never happen. A record that keeps failing goes to its source queue’s dead-letter queue ' +
    '(redrive policy), which alarms; a task that keeps failing fails its state machine execution, which alarms.',
  'NIST.800.53.R5-LambdaInsideVPC':
    'The function reaches only AWS service APIs (SQS, DynamoDB, KMS, Secrets Manager) over TLS with IAM authorization and holds no network ' +
    'listener; there is no private network resource to protect, and every data store is reachable only through IAM and key policies.',
  'NIST.800.53.R5-LambdaConcurrency':
    'Concurrency is bounded per queue by each event source mapping’s MaximumConcurrency (functions.maxConcurrency), the control AWS ' +
    'recommends for SQS sources: reserved concurrency below the sum of those maxima throttles polled batches, which then count as ' +
    'receives and can push healthy lookups to a dead-letter queue. Environments may still set reservedConcurrency in ndx.config.ts. ' +
    'An indicators segment function is bounded by its distributed map’s MaxConcurrency instead, which only that map invokes it under.',
  'NIST.800.53.R5-IAMNoInlinePolicy':
    'This policy belongs to exactly one role and lives and dies with it; a customer-managed policy would be a separately attachable ' +
    'object that could be attached to other principals, the opposite of the strict one-to-one least privilege ndx wants here.',
  'Serverless-SQSRedrivePolicy':
    'This is a dead-letter queue: the end of its source queue’s redrive. Its messages are kept 14 days, alarmed on, listed with ' +
    '`ndx ops dlq list` and moved back with `ndx ops redrive`; a dead-letter queue of a dead-letter queue would only hide them.',
  'Serverless-LambdaEventSourceMappingDestination':
    'On-failure destinations exist only for stream sources (Kinesis, DynamoDB Streams, Kafka); for an SQS source the queue’s own redrive ' +
    'policy to its dead-letter queue is the failure destination, and it is configured and alarmed.',
  'NIST.800.53.R5-DynamoDBInBackupPlan':
    'Point-in-time recovery is on for every table (continuous backups, 35 days), with deletion protection and retention in production; ' +
    'long-term backup schedules and vaults are an account-level control (AWS Backup policies of the organisation), not part of this app.',
  'NIST.800.53.R5-SecretsManagerRotationEnabled':
    'The pepper keys the hashes that index audit and consent records by subject; rotating it automatically would orphan every existing ' +
    'hash. It is re-keyed only by a planned procedure that re-hashes the records (a versioned secret), never on a schedule.',
  'Serverless-SNSRedrivePolicy':
    'E-mail subscription of the alarm topic: SNS retries e-mail delivery itself, and an undelivered alarm stays visible in its ALARM ' +
    'state in CloudWatch and on the dashboard; a dead-letter queue for alarm e-mails would need an alarm of its own.',
  'AwsSolutions-SMG4':
    'The pepper keys the hashes that index audit and consent records by subject; rotating it automatically would orphan every ' +
    'existing hash. It is re-keyed only by a planned procedure that re-hashes the records (a versioned secret), never on a schedule.',
  'AwsSolutions-S1':
    'This is the server access log bucket of the audit anchor bucket; logging the log bucket would need yet another bucket, and so on. ' +
    'S3 itself writes to it (TLS only, no public access, versioned, expiring).',
  'NIST.800.53.R5-S3BucketLoggingEnabled':
    'This is the server access log bucket of the audit anchor bucket; logging the log bucket would need yet another bucket, and so on. ' +
    'S3 itself writes to it (TLS only, no public access, versioned, expiring).',
  'NIST.800.53.R5-S3DefaultEncryptionKMS':
    'S3 server access logging delivers only to buckets encrypted with S3-managed keys (SSE-S3), not SSE-KMS; the log bucket holds ' +
    'request metadata of the anchor bucket (no audit content, no personal data).',
  'NIST.800.53.R5-S3BucketReplicationEnabled':
    'Anchors are copies of the audit chain heads whose whole point is to sit outside the audit table under Object Lock (COMPLIANCE); ' +
    'cross-region replication of them (and of their access logs) is an organisation-level backup decision, not part of this app.',
  'Serverless-EventBusDLQ':
    'The target is the scheduled audit anchor. A missed delivery needs no replay: the next run anchors everything since the latest ' +
    'stored anchor, and failed deliveries alarm (the rule’s FailedInvocations), as do the function’s errors.',
} as const;

export type AcknowledgedRule = keyof typeof REASONS;

/** Acknowledges rules on one construct, each with its reason from `REASONS`. */
export function acknowledge(construct: IConstruct, ...ids: AcknowledgedRule[]): void {
  for (const id of ids) Validations.of(construct).acknowledge({ id, reason: REASONS[id] });
}

/**
 * Active tracing makes CDK grant `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*` in the
 * function role's default policy. Those actions have no resource-level permissions, so `*` is the only
 * possible resource. Acknowledged on that policy alone (tests check it holds nothing else on `*`).
 */
export function acknowledgeXRay(fn: NdxFunction): void {
  acknowledge(defaultPolicyOf(fn), 'AwsSolutions-IAM5[Resource::*]', 'NIST.800.53.R5-IAMNoInlinePolicy');
}

/** The function role's default policy, which its first grant creates (active tracing makes one). */
export function defaultPolicyOf(fn: NdxFunction): Policy {
  const policy = fn.defaultPolicy;
  if (!policy) throw new Error(`${fn.node.path}: expected the role's default policy to exist`);
  return policy;
}

/** The AwsSolutions-IAM5 finding of a grant on the objects under `prefix` of `bucket` (as cdk-nag names it). */
export function bucketObjectsFinding(bucket: s3.IBucket, prefix: string): string {
  return `AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${prefix}*]`;
}

/** KMS actions on `key` only on behalf of S3 in the stack's region (objects of a bucket encrypted with that key). */
export function kmsViaS3(sid: string, key: kms.IKey, actions: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: [...actions],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(key).region}.amazonaws.com` } },
  });
}
