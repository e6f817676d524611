/**
 * SecureQueue: an SQS queue with ndx's non-negotiable defaults, and its dead-letter queue.
 *
 * - both queues are encrypted with a customer-managed KMS key (SSE-KMS),
 * - both queue policies deny any request that does not use TLS (`aws:SecureTransport`),
 * - the queue redrives to `<name>-dlq` after `maxReceiveCount` receives,
 * - the visibility timeout must be at least six times the consuming function's timeout,
 * - `restrict()` pins which IAM principals may use the queue at all: a Deny for everyone else, so that
 *   the queue a message arrives on really identifies its sender, whatever other grants exist,
 * - an alarm fires as soon as the dead-letter queue holds a message, and (optionally) when the oldest
 *   message on the queue is older than a threshold (a stalled or absent consumer).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { names } from '../../config/names.ts';
import { ALARM_PERIOD, ndxAlarm, type AlarmTarget } from './monitoring.ts';
import { acknowledge } from './nag.ts';

/** SQS actions a producer needs. `GetQueueUrl` lets SDK clients find the queue by its name. */
export const SEND_ACTIONS = ['sqs:SendMessage', 'sqs:GetQueueUrl'] as const;
/** SQS actions a consumer (a person's client or a Lambda event source mapping) needs. */
export const CONSUME_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] as const;
/** KMS actions a producer needs on the queue's key (SQS generates and decrypts data keys for it). */
export const KMS_SEND_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/** KMS actions a consumer needs on the queue's key. */
export const KMS_CONSUME_ACTIONS = ['kms:Decrypt'] as const;

/** The message-moving actions that `restrict()` reserves for the named principals. */
const RESTRICTED_SEND = ['sqs:SendMessage'];
const RESTRICTED_CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'];

export interface SecureQueueProps {
  /** Physical queue name; the dead-letter queue is named `names.deadLetterQueue(queueName)`. */
  readonly queueName: string;
  /** Customer-managed key that encrypts both queues. */
  readonly encryptionKey: kms.IKey;
  /** Receives before a message moves to the dead-letter queue (config `queues.maxReceiveCount`). */
  readonly maxReceiveCount: number;
  /** How long the queue keeps a message (config `queues.retentionDays`). */
  readonly retentionPeriod: Duration;
  /** Visibility timeout; for a queue a Lambda consumes, at least 6x that function's timeout. */
  readonly visibilityTimeout: Duration;
  /**
   * Timeout of the Lambda function that consumes this queue, if one does; the constructor refuses a
   * visibility timeout shorter than six times it.
   * @default - no function consumes the queue
   */
  readonly consumerTimeout?: Duration;
  /**
   * How long the dead-letter queue keeps a message: the maximum, so operators have time to look.
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;
  /** @default RemovalPolicy.DESTROY (queues hold only messages in flight) */
  readonly removalPolicy?: RemovalPolicy;
  /** Where the queue's alarms go. Every queue alarms when its dead-letter queue holds a message. */
  readonly alarmTarget: AlarmTarget;
  /**
   * Alarm when the oldest message on the queue is at least this old.
   * @default - no age alarm
   */
  readonly oldestMessageAlarm?: Duration;
}

/** Principals that may move messages through a queue; everyone else is denied by the queue policy. */
export interface QueueRestriction {
  /** ARNs of the IAM roles allowed to send (`aws:PrincipalArn`). */
  readonly senders: readonly string[];
  /** ARNs of the IAM roles allowed to receive, delete and change visibility. */
  readonly consumers: readonly string[];
  /**
   * ARNs of the roles that may move messages back from the dead-letter queue: the `ndx-redrive`
   * function's role. SQS's message move task sends to this queue as its caller, and no condition key
   * tells its sends from direct ones, so a redriver can send: that is why the redriver is a function
   * whose code only starts move tasks, never a person's role (see README, "Recover").
   * @default none
   */
  readonly redrivers?: readonly string[];
}

export class SecureQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly encryptionKey: kms.IKey;
  readonly queueName: string;
  /** Fires when the dead-letter queue holds at least one message. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Fires when the oldest message is older than `oldestMessageAlarm`, if set. */
  readonly ageAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SecureQueueProps) {
    super(scope, id);
    const { queueName, encryptionKey, maxReceiveCount } = props;
    if (props.consumerTimeout && props.visibilityTimeout.toSeconds() < 6 * props.consumerTimeout.toSeconds()) {
      throw new Error(
        `${queueName}: visibility timeout ${props.visibilityTimeout.toSeconds()}s is shorter than 6x the consumer's timeout (${props.consumerTimeout.toSeconds()}s)`,
      );
    }
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
      throw new Error(`${queueName}: maxReceiveCount must be a positive integer`);
    }
    this.queueName = queueName;
    this.encryptionKey = encryptionKey;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: names.deadLetterQueue(queueName),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod ?? Duration.days(14),
      removalPolicy,
    });
    acknowledge(this.deadLetterQueue.node.defaultChild as sqs.CfnQueue, 'Serverless-SQSRedrivePolicy');

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      removalPolicy,
    });

    this.deadLetterAlarm = ndxAlarm(this, 'DeadLetterAlarm', props.alarmTarget, {
      alarmName: `${names.deadLetterQueue(queueName)}-depth`,
      description: `${queueName}: messages in its dead-letter queue. See them with \`ndx ops dlq list ${queueName}\`, move them back with \`ndx ops redrive ${queueName}\`.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
      threshold: 1,
    });
    if (props.oldestMessageAlarm) {
      const seconds = props.oldestMessageAlarm.toSeconds();
      this.ageAlarm = ndxAlarm(this, 'AgeAlarm', props.alarmTarget, {
        alarmName: `${queueName}-oldest-message-age`,
        description: `${queueName}: the oldest message has waited ${seconds}s or more; its consumer is stalled or absent. Check \`ndx ops status\`.`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: seconds,
      });
    }
  }

  get queueArn(): string {
    return this.queue.queueArn;
  }

  /**
   * Denies SendMessage to every principal but `senders`, and Receive/Delete/ChangeVisibility to every
   * principal but `consumers`, whatever their identity policies say. Call once per queue.
   */
  restrict(restriction: QueueRestriction): void {
    const senders = [...restriction.senders, ...(restriction.redrivers ?? [])];
    this.queue.addToResourcePolicy(denyAllBut('DenySendExceptProducers', RESTRICTED_SEND, this.queue.queueArn, senders));
    this.queue.addToResourcePolicy(denyAllBut('DenyConsumeExceptConsumers', RESTRICTED_CONSUME, this.queue.queueArn, restriction.consumers));
  }

  /** Statements an identity policy needs to send to this queue (queue and key). */
  sendStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ actions: [...SEND_ACTIONS], resources: [this.queue.queueArn] }),
      new iam.PolicyStatement({ actions: [...KMS_SEND_ACTIONS], resources: [this.encryptionKey.keyArn] }),
    ];
  }

  /** Statements an identity policy needs to consume this queue (queue and key). */
  consumeStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ actions: [...CONSUME_ACTIONS], resources: [this.queue.queueArn] }),
      new iam.PolicyStatement({ actions: [...KMS_CONSUME_ACTIONS], resources: [this.encryptionKey.keyArn] }),
    ];
  }
}

function denyAllBut(sid: string, actions: string[], resource: string, allowed: readonly string[]): iam.PolicyStatement {
  if (allowed.length === 0) throw new Error(`${sid}: at least one principal must stay allowed`);
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions,
    resources: [resource],
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...allowed] } },
  });
}
