/**
 * AgencyConstruct: one consuming agency. Its own KMS key, its out-queue (requests: only the agency's
 * role may send, only the router may receive, so the queue a message arrives on authenticates the
 * caller), its in-queue (replies: only the router and the registry adapters may send, only the agency
 * may receive), each with a dead-letter queue; the IAM role the agency assumes, which may do nothing
 * but send to its out-queue and receive from its in-queue; and the event source mapping that feeds
 * the out-queue to the router, with a maximum concurrency so that one busy agency cannot take all of
 * the router. Alarms: both DLQs' depth, the out-queue's oldest message (the router is stalled) and
 * the in-queue's oldest unread reply (the agency is not reading).
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { NdxConfig } from '../../config/schema.ts';
import { names } from '../../config/names.ts';
import { asciiDescription, consumerVisibilityTimeout, functionTimeout, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { allowQueueKeyUse, ndxKey } from './keys.ts';
import type { AlarmTarget } from './monitoring.ts';
import { acknowledge } from './nag.ts';
import { KMS_CONSUME_ACTIONS, KMS_SEND_ACTIONS, SecureQueue } from './secure-queue.ts';

export interface AgencyConstructProps {
  readonly agency: NdxConfig['agencies'][number];
  readonly deployment: Deployment;
  /** The router function, which consumes the out-queue. */
  readonly router: lambda.IFunction;
  /** The router's execution role. */
  readonly routerRole: iam.IRole;
  /** Execution roles of every registry adapter (they send replies to the in-queue). */
  readonly adapterRoles: readonly iam.IRole[];
  /** The `ndx-operator` role, which may list dead-lettered messages (`ndx ops dlq list`). */
  readonly operatorRole: iam.IRole;
  /** The `ndx-redrive` function's role, which moves dead-lettered messages back (`ndx ops redrive`). */
  readonly redriveRole: iam.IRole;
  /**
   * The console function's role: its operators' desk lists dead letters as `ndx-operator` does.
   * @default - no console
   */
  readonly consoleRole?: iam.IRole | undefined;
  /** The environment's alarm target. */
  readonly alarmTarget: AlarmTarget;
  /** The webhook function, when the agency has a webhook: it, not the agency, consumes the in-queue. */
  readonly webhook?: { readonly function: lambda.IFunction; readonly role: iam.IRole } | undefined;
  /** The HTTP API function's role: it runs the router's pipeline, so it replies to the in-queue of an agency with a webhook. */
  readonly apiRole?: iam.IRole | undefined;
  /**
   * Who may assume the agency's role.
   * @default the account's root principal (i.e. IAM principals of this account the account allows)
   */
  readonly assumedBy?: iam.IPrincipal;
}

export class AgencyConstruct extends Construct {
  readonly agencyId: string;
  readonly key: kms.Key;
  readonly outbound: SecureQueue;
  readonly inbound: SecureQueue;
  readonly role: iam.Role;
  readonly eventSourceMapping: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: AgencyConstructProps) {
    super(scope, id);
    const { agency, deployment: d } = props;
    this.agencyId = agency.id;
    const queueDefaults = {
      maxReceiveCount: d.config.queues.maxReceiveCount,
      retentionPeriod: Duration.days(d.config.queues.retentionDays),
      visibilityTimeout: consumerVisibilityTimeout(d),
      alarmTarget: props.alarmTarget,
    };

    this.key = ndxKey(this, 'Key', {
      alias: `alias/ndx-agency-${agency.id}`,
      description: `ndx agency ${agency.id}: its request and reply queues`,
      removalPolicy: statefulRemovalPolicy(d),
    });
    this.outbound = new SecureQueue(this, 'Outbound', {
      queueName: names.agencyOutQueue(agency.id),
      encryptionKey: this.key,
      consumerTimeout: functionTimeout(d),
      oldestMessageAlarm: Duration.seconds(d.config.monitoring.oldestMessageAgeSeconds),
      ...queueDefaults,
    });
    this.inbound = new SecureQueue(this, 'Inbound', {
      queueName: names.agencyInQueue(agency.id),
      encryptionKey: this.key,
      oldestMessageAlarm: Duration.seconds(d.config.monitoring.unreadReplyAgeSeconds),
      ...queueDefaults,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: props.assumedBy ?? new iam.AccountRootPrincipal(),
      description: asciiDescription(
        `ndx agency ${agency.id} (${agency.name}): sends lookups to ${this.outbound.queueName}, receives replies from ${this.inbound.queueName}`,
      ),
      maxSessionDuration: Duration.hours(1),
    });
    for (const s of [...this.outbound.sendStatements(), ...this.inbound.consumeStatements()]) this.role.addToPrincipalPolicy(s);
    acknowledge(this.role.node.findChild('DefaultPolicy'), 'NIST.800.53.R5-IAMNoInlinePolicy');

    const routerRoleArn = props.routerRole.roleArn;
    const adapterRoleArns = props.adapterRoles.map((r) => r.roleArn);
    const redrivers = [props.redriveRole.roleArn];
    this.outbound.restrict({ senders: [this.role.roleArn], consumers: [routerRoleArn], redrivers });
    // With a webhook, ndx-webhook alone reads the replies (and pushes them); otherwise the agency does.
    const webhook = agency.api?.webhook ? props.webhook : undefined;
    const apiSenders = webhook && props.apiRole ? [props.apiRole.roleArn] : [];
    this.inbound.restrict({
      senders: [routerRoleArn, ...adapterRoleArns, ...apiSenders],
      consumers: [webhook ? webhook.role.roleArn : this.role.roleArn],
      redrivers,
    });
    if (apiSenders.length) allowQueueKeyUse(this.key, 'ApiRepliesToAgency', apiSenders, KMS_SEND_ACTIONS);
    if (webhook) {
      allowQueueKeyUse(this.key, 'WebhookReadsReplies', [webhook.role.roleArn], KMS_CONSUME_ACTIONS);
      const mapping = new lambda.EventSourceMapping(this, 'WebhookMapping', {
        target: webhook.function,
        eventSourceArn: this.inbound.queueArn,
        batchSize: d.config.queues.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: d.config.functions.maxConcurrency,
      });
      acknowledge(mapping, 'Serverless-LambdaEventSourceMappingDestination');
    }
    // The router reads requests and writes DENIED/INVALID replies; adapters write the other replies.
    allowQueueKeyUse(this.key, 'RouterUsesAgencyQueues', [routerRoleArn], KMS_SEND_ACTIONS);
    allowQueueKeyUse(this.key, 'AdaptersReplyToAgency', adapterRoleArns, KMS_SEND_ACTIONS);
    allowQueueKeyUse(this.key, 'RedriveMovesDeadLetters', redrivers, [...new Set([...KMS_SEND_ACTIONS, ...KMS_CONSUME_ACTIONS])]);
    allowQueueKeyUse(
      this.key,
      'OperatorReadsDeadLetters',
      [props.operatorRole, ...(props.consoleRole ? [props.consoleRole] : [])].map((r) => r.roleArn),
      KMS_CONSUME_ACTIONS,
    );

    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'RouterMapping', {
      target: props.router,
      eventSourceArn: this.outbound.queueArn,
      batchSize: d.config.queues.batchSize,
      reportBatchItemFailures: true,
      // Sized from the agency's share of the environment's peak (config/capacity.ts), never below functions.maxConcurrency.
      maxConcurrency: d.capacity.routerMappings[agency.id] ?? d.config.functions.maxConcurrency,
    });
    acknowledge(this.eventSourceMapping, 'Serverless-LambdaEventSourceMappingDestination');
  }
}
