/**
 * OperationsConstruct: what platform operators need, in the platform stack.
 *
 * - The environment's **alarm target**: an SNS topic encrypted with its own customer-managed key
 *   (only CloudWatch may use it, to publish alarms) and TLS-only, with the configured e-mail
 *   subscriptions; or, when the configuration names one, an existing topic.
 * - The **dashboard** `ndx-<environment>`: lookups by outcome and code, end-to-end latency, depth,
 *   in-flight and oldest-message age of every queue, DLQ depth, function errors, throttles and
 *   p50/p99 durations. Its widgets use CloudWatch search expressions and Metrics Insights queries on
 *   ndx's naming convention, so adding an agency or a registry never changes this stack.
 * - The **operator role** `ndx-operator`, for `ndx ops`: read queue attributes, list dead-letter
 *   messages, start a redrive by invoking `ndx-redrive`, describe registry tables, read CloudWatch
 *   metrics. It cannot send to any queue (so it cannot send a lookup as an agency, nor a reply), read
 *   any table's items, nor receive from a queue other than a dead-letter queue. Only the configured
 *   principals may assume it; with none configured, principals of the account that signed in with MFA.
 * - The **redrive function** `ndx-redrive` (functions/redrive/handler.ts): the only holder of the
 *   right to move dead-lettered messages (SQS's message move task sends as its caller); its code only
 *   moves `<queue>-dlq` back to `<queue>`. Each queue names its role as the redriver in its own policy,
 *   and each queue key in its key policy.
 */
import { Duration, Fn, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { names } from '../../config/names.ts';
import type { Deployment } from '../deployment.ts';
import { logRetention } from '../deployment.ts';
import { handlerEntries } from './environment.ts';
import { grantFanOut, queuePatternFinding } from './fan-out.ts';
import { NdxFunction } from './ndx-function.ts';
import { acknowledge, acknowledgeXRay } from './nag.ts';
import { ndxKey } from './keys.ts';
import type { AlarmTarget } from './monitoring.ts';
import { METRICS_NAMESPACE } from './environment.ts';
import { METRIC } from '../../config/names.ts';

/** Fixed names, so that runbooks and the CLI can refer to them. */
export const operationsNames = {
  alarmTopic: 'ndx-alarms',
  operatorRole: 'ndx-operator',
  redriveFunction: 'ndx-redrive',
  dashboard: (environment: string) => `ndx-${environment}`,
} as const;

/**
 * SQS actions of `ndx ops` on dead-letter queues: list (receive, then release), delete a message once
 * understood, follow and cancel the move task `ndx-redrive` started. No StartMessageMoveTask: without
 * sqs:SendMessage on the destination it could not run anyway.
 */
export const DLQ_OPERATOR_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ListMessageMoveTasks',
  'sqs:CancelMessageMoveTask',
] as const;

/** What a message move task needs on its source, the dead-letter queue (SQS developer guide, DLQ redrive permissions). */
export const MOVE_TASK_SOURCE_ACTIONS = ['sqs:StartMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const;

export interface OperationsConstructProps {
  readonly deployment: Deployment;
  /** Removal policy of the alarm topic's key and of the redrive function's logs. */
  readonly removalPolicy: RemovalPolicy;
  /** Encrypts the redrive function's logs (the platform key). */
  readonly key: kms.Key;
}

export class OperationsConstruct extends Construct implements AlarmTarget {
  /** The environment's alarm topic (created, or imported from `alarms.topicArn`). */
  readonly topic: sns.ITopic;
  /** The key of the created topic; undefined when the topic is imported. */
  readonly topicKey?: kms.Key;
  readonly dashboard: cloudwatch.Dashboard;
  readonly operatorRole: iam.Role;
  /** Moves dead-lettered messages back to their queue; the only redriver the queues allow. */
  readonly redrive: NdxFunction;

  constructor(scope: Construct, id: string, props: OperationsConstructProps) {
    super(scope, id);
    const d = props.deployment;
    const { alarms } = d.settings;

    if (alarms.topicArn) {
      this.topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', alarms.topicArn);
    } else {
      this.topicKey = ndxKey(this, 'AlarmKey', {
        alias: 'alias/ndx-alarms',
        description: 'ndx alarm topic: only CloudWatch publishes to it',
        removalPolicy: props.removalPolicy,
      });
      // CloudWatch alarms publish to an encrypted topic only if CloudWatch may use its key.
      this.topicKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchPublishesAlarms',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
      const topic = new sns.Topic(this, 'AlarmTopic', {
        topicName: operationsNames.alarmTopic,
        displayName: `ndx ${d.environment} alarms`,
        masterKey: this.topicKey,
        enforceSSL: true,
      });
      for (const address of alarms.email) {
        const subscription = new subscriptions.EmailSubscription(address);
        topic.addSubscription(subscription);
      }
      for (const child of topic.node.children) if (child instanceof sns.Subscription) acknowledge(child, 'Serverless-SNSRedrivePolicy');
      this.topic = topic;
    }

    this.operatorRole = new iam.Role(this, 'OperatorRole', {
      roleName: operationsNames.operatorRole,
      assumedBy: operatorPrincipal(d.settings.operators),
      description: 'ndx operators (ndx ops): queue status, dead-letter listing, redrive through ndx-redrive, registry table status, metrics',
      maxSessionDuration: Duration.hours(1),
    });
    this.redrive = new NdxFunction(this, 'Redrive', {
      functionName: operationsNames.redriveFunction,
      entry: handlerEntries.redrive,
      description: 'ndx redrive: moves <queue>-dlq back to <queue> (an SQS message move task), for ndx ops redrive',
      environment: { POWERTOOLS_SERVICE_NAME: operationsNames.redriveFunction },
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: props.removalPolicy,
      logEncryptionKey: props.key,
      alarmTarget: this,
      reservedConcurrency: 2,
      runsLocally: false,
    });
    acknowledgeXRay(this.redrive);
    this.grantRedrive();
    this.grantOperator();
    this.dashboard = this.buildDashboard(d);
  }

  /** The redrive function's role (queues and queue keys name it as their redriver). */
  get redriveRole(): iam.IRole {
    return this.redrive.role;
  }

  /**
   * The redrive function: start a move task on any ndx dead-letter queue, send to the main queues
   * (what the move task does as its caller). Constant size, by naming convention; each queue's policy
   * and key policy name the role.
   */
  private grantRedrive(): void {
    const dlqs = names.deadLetterQueue('ndx-*');
    const policy = grantFanOut(this, 'RedriveQueues', this.redrive.role, { sendTo: MAIN_QUEUE_PATTERNS });
    policy.addStatements(new iam.PolicyStatement({ sid: 'MoveFromDeadLetters', actions: [...MOVE_TASK_SOURCE_ACTIONS], resources: [queueArn(dlqs)] }));
    Validations.of(policy).acknowledge({
      id: queuePatternFinding(dlqs),
      reason: 'The redrive function moves any ndx dead-letter queue back to its own queue, addressed by naming convention so the policy keeps a constant size.',
    });
  }

  /** Constant-size permissions by naming convention; no send to any queue (see grantRedrive). */
  private grantOperator(): void {
    const role = this.operatorRole;
    const dlqs = names.deadLetterQueue('ndx-*');
    const policy = new iam.Policy(this, 'OperatorQueues', { roles: [role] });
    acknowledge(policy, 'NIST.800.53.R5-IAMNoInlinePolicy');
    policy.addStatements(
      new iam.PolicyStatement({ sid: 'StartRedrive', actions: ['lambda:InvokeFunction'], resources: [this.redrive.function.functionArn] }),
      new iam.PolicyStatement({
        sid: 'InspectEveryQueue',
        actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [queueArn('ndx-*')],
      }),
      new iam.PolicyStatement({ sid: 'ListDeadLetters', actions: [...DLQ_OPERATOR_ACTIONS], resources: [queueArn(dlqs)] }),
      new iam.PolicyStatement({
        sid: 'DescribeRegistryTables',
        actions: ['dynamodb:DescribeTable'],
        resources: [Fn.sub(`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${names.registryTable('*')}`)],
      }),
      // GetMetricData has no resource-level permissions: `*` is the only resource it accepts.
      new iam.PolicyStatement({ sid: 'ReadMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    for (const pattern of ['ndx-*', dlqs]) {
      Validations.of(policy).acknowledge({
        id: queuePatternFinding(pattern),
        reason:
          `Operators inspect every ndx queue and list dead letters, addressed by naming convention (${pattern}) so the policy keeps a constant size; ` +
          'they may only read attributes of main queues, receive only from dead-letter queues, and send to none.',
      });
    }
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${names.registryTable('*')}]`,
      reason: 'Operators check that every registry table is ACTIVE (DescribeTable only: no item is readable), addressed by naming convention.',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:GetMetricData supports no resource-level permissions; the statement holds that one read-only action.',
    });
  }

  private buildDashboard(d: Deployment): cloudwatch.Dashboard {
    const search = (query: string, stat: string, label: string, period = Duration.minutes(1)) =>
      new cloudwatch.SearchExpression({ expression: `SEARCH('${query}', '${stat}', ${period.toSeconds()})`, label, period });
    const insights = (query: string, label: string) =>
      new cloudwatch.MathExpression({ expression: query, usingMetrics: {}, label, period: Duration.minutes(5) });
    const lookupSchema = `SCHEMA("${METRICS_NAMESPACE}", code, contract, outcome, service, stage)`;
    const sqs = (metric: string, extra: string) => `{AWS/SQS,QueueName} MetricName="${metric}" QueueName=ndx ${extra}`.trim();
    const lambda = (metric: string) => `{AWS/Lambda,FunctionName} MetricName="${metric}" FunctionName=ndx`;
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6, legendPosition: cloudwatch.LegendPosition.BOTTOM });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: operationsNames.dashboard(d.environment),
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: 24,
        height: 2,
        markdown:
          `# ndx ${d.environment}\n` +
          'Every queue and function of the platform, found by name (`ndx-*`). Recover with `ndx ops status`, `ndx ops dlq list <queue>`, `ndx ops redrive <queue>` (README, "Operate").',
      }),
    );
    dashboard.addWidgets(
      graph('Lookups by outcome', [insights(`SELECT SUM(Lookups) FROM ${lookupSchema} GROUP BY outcome`, 'lookups')]),
      graph('Lookups by code', [insights(`SELECT SUM(Lookups) FROM ${lookupSchema} GROUP BY code`, 'lookups')]),
      graph('Lookup latency, sent to answered (ms)', [
        search(`{${METRICS_NAMESPACE},service,stage} MetricName="LookupLatency"`, 'p50', 'p50'),
        search(`{${METRICS_NAMESPACE},service,stage} MetricName="LookupLatency"`, 'p99', 'p99'),
      ]),
    );
    dashboard.addWidgets(
      graph('Queue depth (visible)', [search(sqs('ApproximateNumberOfMessagesVisible', 'NOT QueueName=dlq'), 'Maximum', 'depth')]),
      graph('In flight (received, not deleted)', [search(sqs('ApproximateNumberOfMessagesNotVisible', 'NOT QueueName=dlq'), 'Maximum', 'in flight')]),
      graph('Age of oldest message (s)', [search(sqs('ApproximateAgeOfOldestMessage', 'NOT QueueName=dlq'), 'Maximum', 'age')]),
    );
    dashboard.addWidgets(
      graph('Dead-letter queue depth', [search(sqs('ApproximateNumberOfMessagesVisible', 'QueueName=dlq'), 'Maximum', 'DLQ depth')]),
      graph('Function errors and failed records', [
        search(lambda('Errors'), 'Sum', 'invocation errors'),
        search(`{${METRICS_NAMESPACE},service,stage} MetricName="RecordFailures"`, 'Sum', 'failed records (retried)'),
      ]),
      graph('Throttles', [search(lambda('Throttles'), 'Sum', 'throttles')]),
    );
    dashboard.addWidgets(
      graph(
        'Security events (forwarded lookups refused by adapters)',
        [search(`{${METRICS_NAMESPACE},service,stage} MetricName="${METRIC.securityEvents}"`, 'Sum', 'security events', Duration.minutes(5))],
        24,
      ),
    );
    dashboard.addWidgets(
      graph('Function duration p50 (ms)', [search(lambda('Duration'), 'p50', 'p50')], 12),
      graph('Function duration p99 (ms)', [search(lambda('Duration'), 'p99', 'p99')], 12),
    );
    // Each registry's indicators job (infra/constructs/indicator-job.ts): its state machine's runs by outcome.
    const runs = (metric: string) => `{AWS/States,StateMachineArn} MetricName="${metric}" StateMachineArn=ndx-indicators`;
    dashboard.addWidgets(
      graph(
        'Indicator runs (state machines ndx-indicators-*)',
        [
          search(runs('ExecutionsSucceeded'), 'Sum', 'succeeded', Duration.hours(1)),
          search(runs('ExecutionsFailed'), 'Sum', 'failed', Duration.hours(1)),
          search(runs('ExecutionsTimedOut'), 'Sum', 'timed out', Duration.hours(1)),
        ],
        24,
      ),
    );
    return dashboard;
  }
}

/** ndx's main queues, the sources of dead-letter queues, by naming convention. */
const MAIN_QUEUE_PATTERNS = [names.agencyOutQueue('*'), names.agencyInQueue('*'), names.registryInQueue('*')];

/**
 * Who may assume `ndx-operator`: the configured principals, or else principals of this account who
 * signed in with MFA (`aws:MultiFactorAuthPresent`), as the account's IAM policies allow.
 */
export function operatorPrincipal(operators: readonly string[]): iam.IPrincipal {
  if (operators.length) return new iam.CompositePrincipal(...operators.map((arn) => new iam.ArnPrincipal(arn)));
  return new iam.PrincipalWithConditions(new iam.AccountRootPrincipal(), { Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
}

function queueArn(namePattern: string): string {
  return Fn.sub(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${namePattern}`);
}
