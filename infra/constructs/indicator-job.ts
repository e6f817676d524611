/**
 * IndicatorJob: the scheduled computation of one registry's indicator aggregates, scaling with the
 * registry (README: Indicators). An EventBridge Scheduler schedule starts a Step Functions state
 * machine for the period; the state machine
 *
 * 1. **plans** (`ndx-indicators-<id>`, step `plan`): the registry table's size cut into parallel scan
 *    segments, and the instant the run counts as of;
 * 2. fans out over the segments with a **distributed map** (one child execution per segment, at most
 *    `maxConcurrency` at once, no failure tolerated): `ndx-indicators-<id>-segment` scans its segment
 *    (`Segment`/`TotalSegments`) and keeps its partial in `ndx-indicator-runs`;
 * 3. **merges** (`ndx-indicators-<id>`, step `merge`): adds the committed partials up and writes the
 *    aggregates to `ndx-indicators`, replacing those of the same indicator and period.
 *
 * Least privilege: the segment function may `Scan` this registry's table (and decrypt with its key)
 * and put this registry's partials (`dynamodb:LeadingKeys` `<id>#*`); the run function may describe the
 * table (its size), read this registry's partials and batch-write the aggregates of this registry's
 * indicators only (`LeadingKeys` = their ids). A failed segment is retried, then fails the map, the run
 * and its alarm; a dropped schedule alarms too. Re-runs are new runs whose merge overwrites.
 */
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ENV, names } from '../../config/names.ts';
import { logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { functionNames, handlerEntries, METRICS_NAMESPACE } from './environment.ts';
import { ALARM_PERIOD, ndxAlarm, type AlarmTarget } from './monitoring.ts';
import { acknowledge, acknowledgeXRay } from './nag.ts';
import { NdxFunction } from './ndx-function.ts';
import type { SecureTable } from './secure-table.ts';
import { allowLogsToEncrypt } from './keys.ts';

/** How a registry table is cut into scan segments (domain/indicators/run.ts SegmentSizing). */
export interface IndicatorSizing {
  readonly bytesPerSegment: number;
  readonly minSegments: number;
  readonly maxSegments: number;
}

export interface IndicatorJobProps {
  readonly deployment: Deployment;
  readonly registryId: string;
  /** The registry's records table (the segments scan it). */
  readonly registryTable: SecureTable;
  /** `ndx-indicators`: the aggregates the merge writes. */
  readonly indicatorTable: SecureTable;
  /** `ndx-indicator-runs`: the segments' partials. */
  readonly runTable: SecureTable;
  /** Ids of the indicators this registry's records are counted in: the only aggregates the merge may write. */
  readonly indicators: readonly string[];
  /** Encrypts the functions' and the state machine's logs (the registry's key). */
  readonly key: kms.Key;
  readonly alarmTarget: AlarmTarget;
  /**
   * When runs start (EventBridge Scheduler). A run counts as of the first of the month it starts in,
   * 00:00 UTC, and so gives the month before.
   * @default - 00:30 UTC on the first of every month
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * How the table is cut into segments.
   * @default - the job's own (domain/indicators/run.ts DEFAULT_SIZING: 256 MiB a segment, 1 to 1,000 segments)
   */
  readonly sizing?: IndicatorSizing;
  /**
   * Segments read at once (the distributed map's MaxConcurrency): bounds the read rate a run takes
   * from the registry table (each segment reads about 5 MB/s).
   * @default 100
   */
  readonly maxConcurrency?: number;
  /** @default 1024 */
  readonly segmentMemoryMb?: number;
  /**
   * How long one segment may take (the sizing aims at about a minute).
   * @default Duration.minutes(10)
   */
  readonly segmentTimeout?: Duration;
  /**
   * How long a whole run may take before it fails as timed out (and alarms).
   * @default Duration.hours(6)
   */
  readonly runTimeout?: Duration;
}

export class IndicatorJob extends Construct {
  /** Scans one segment and keeps its partial. */
  readonly segmentFunction: NdxFunction;
  /** Plans a run and merges it. */
  readonly runFunction: NdxFunction;
  readonly stateMachine: sfn.StateMachine;
  /** The state machine's execution history (ALL events, execution data: segment numbers and counts). */
  readonly logGroup: logs.LogGroup;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Assumed by EventBridge Scheduler; may start this state machine only. */
  readonly scheduleRole: iam.Role;
  readonly schedule: scheduler.Schedule;
  /** Fires when a run fails (a segment failed after its retries, the merge found a segment missing, ...). */
  readonly failedRunAlarm: cloudwatch.Alarm;
  /** Fires when a run takes longer than `runTimeout`. */
  readonly timedOutRunAlarm: cloudwatch.Alarm;
  /** Fires when the schedule could not start a run after its retries. */
  readonly droppedScheduleAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: IndicatorJobProps) {
    super(scope, id);
    const d = props.deployment;
    const registry = props.registryId;
    const removalPolicy = statefulRemovalPolicy(d);
    const stack = Stack.of(this);
    const name = functionNames.indicators(registry);
    const common = {
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: props.key,
      alarmTarget: props.alarmTarget,
      // Invoked by the state machine only, which retries and fails the run visibly: not run by the local engine
      // (it runs the same steps in process: aws/indicator-job.ts).
      runsLocally: false,
    } as const;
    const environment = {
      [ENV.registryId]: registry,
      [ENV.registryTable]: names.registryTable(registry),
      [ENV.indicatorRunTable]: names.indicatorRunTable,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };

    this.segmentFunction = new NdxFunction(this, 'Segment', {
      ...common,
      functionName: functionNames.indicatorSegment(registry),
      entry: handlerEntries.indicatorSegment,
      description: `ndx indicators of ${registry}: scans one parallel scan segment of the registry table and keeps its partial tally`,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: functionNames.indicatorSegment(registry) },
      timeout: props.segmentTimeout ?? Duration.minutes(10),
      memorySize: props.segmentMemoryMb ?? 1024,
    });
    this.segmentFunction.addToRolePolicy(
      // Scan only, on the table only (no index), and its key to decrypt.
      ...props.registryTable.statements(['dynamodb:Scan'], false, { indexes: false }),
      // Its registry's partials only.
      ...props.runTable.statements(['dynamodb:PutItem'], true, { indexes: false, leadingKeys: [`${registry}#*`] }),
    );
    acknowledgeXRay(this.segmentFunction);

    this.runFunction = new NdxFunction(this, 'Run', {
      ...common,
      functionName: name,
      entry: handlerEntries.indicatorRun,
      description: `ndx indicators of ${registry}: plans a run (scan segments from the table size) and merges its partials into the aggregates`,
      environment: {
        ...environment,
        [ENV.indicatorTable]: names.indicatorTable,
        ...(props.sizing ? { [ENV.indicatorSizing]: JSON.stringify(props.sizing) } : {}),
        POWERTOOLS_SERVICE_NAME: name,
      },
      timeout: Duration.minutes(5),
      memorySize: 1024,
      // One plan or merge at a time per registry: runs do not overlap by design.
      reservedConcurrency: 2,
    });
    this.runFunction.addToRolePolicy(
      // The table's size (DescribeTable reads no item, so no key).
      new iam.PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [props.registryTable.tableArn] }),
      ...props.runTable.statements(['dynamodb:GetItem', 'dynamodb:Query'], false, { indexes: false, leadingKeys: [`${registry}#*`] }),
      // The aggregates of this registry's indicators (one item per indicator and period, replaced by a re-run).
      ...props.indicatorTable.statements(['dynamodb:BatchWriteItem'], true, { indexes: false, leadingKeys: [...props.indicators] }),
    );
    acknowledgeXRay(this.runFunction);

    const planStep = new tasks.LambdaInvoke(this, 'Plan', {
      lambdaFunction: this.runFunction.function,
      comment: 'The table size cut into scan segments, and the instant the run counts as of',
      // The execution's input ({scheduledTime} from the schedule, or {period} / {asOf} from an operator) is the start.
      payload: sfn.TaskInput.fromObject({ step: 'plan', registry, run: sfn.JsonPath.executionName, start: sfn.JsonPath.entirePayload }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const segmentStep = new tasks.LambdaInvoke(this, 'ScanSegment', {
      lambdaFunction: this.segmentFunction.function,
      comment: 'One parallel scan segment, tallied and kept as a partial',
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    // A segment that failed (a timeout, throttling, a crash) is read again from the start: its new
    // attempt's partial replaces the old one at its commit, so nothing is counted twice.
    segmentStep.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: 3, interval: Duration.seconds(20), backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    const fanOut = new sfn.DistributedMap(this, 'Segments', {
      comment: 'Every segment of the table, at most maxConcurrency at once; one failed segment fails the run',
      itemsPath: sfn.JsonPath.stringAt('$.segments'),
      itemSelector: {
        registry: sfn.JsonPath.stringAt('$.registry'),
        run: sfn.JsonPath.stringAt('$.run'),
        asOf: sfn.JsonPath.stringAt('$.asOf'),
        totalSegments: sfn.JsonPath.numberAt('$.totalSegments'),
        segment: sfn.JsonPath.numberAt('$$.Map.Item.Value'),
      },
      maxConcurrency: props.maxConcurrency ?? 100,
      toleratedFailurePercentage: 0,
      // Standard child executions: a segment may run longer than an express execution's five minutes.
      mapExecutionType: sfn.StateMachineType.STANDARD,
      label: 'Segments',
      resultPath: sfn.JsonPath.DISCARD,
    });
    fanOut.itemProcessor(segmentStep);
    const mergeStep = new tasks.LambdaInvoke(this, 'Merge', {
      lambdaFunction: this.runFunction.function,
      comment: 'Every committed partial added up; the aggregates written (each replacing its indicator and period)',
      payload: sfn.TaskInput.fromObject({
        step: 'merge',
        registry,
        run: sfn.JsonPath.stringAt('$.run'),
        asOf: sfn.JsonPath.stringAt('$.asOf'),
        totalSegments: sfn.JsonPath.numberAt('$.totalSegments'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      resultSelector: {
        registry: sfn.JsonPath.stringAt('$.registry'),
        records: sfn.JsonPath.numberAt('$.records'),
        unclassified: sfn.JsonPath.numberAt('$.unclassified'),
        segments: sfn.JsonPath.numberAt('$.segments'),
        aggregates: sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.aggregates')),
      },
    });
    // A segment missing is not transient: no retry, the run fails. Anything else (a timeout) twice more.
    mergeStep.addRetry({ errors: ['IncompleteRunError'], maxAttempts: 0 });
    mergeStep.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: 2, interval: Duration.seconds(30), backoffRate: 2 });

    const stateMachineName = `ndx-indicators-${registry}`;
    const logGroupName = `/aws/vendedlogs/states/${stateMachineName}`;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      retention: logRetention(d.settings.logRetentionDays),
      encryptionKey: props.key,
      removalPolicy,
    });
    // CloudWatch Logs encrypts with the key only for this log group.
    allowLogsToEncrypt(props.key, this, logGroupName, `LogsEncrypt${stateMachineName.replace(/[^A-Za-z0-9]/g, '')}`);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      comment: `ndx indicators of ${registry}: plan, every scan segment in parallel, merge`,
      definitionBody: sfn.DefinitionBody.fromChainable(planStep.next(fanOut).next(mergeStep)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: props.runTimeout ?? Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    const machineRole = this.stateMachine.role;
    const machinePolicy = machineRole.node.tryFindChild('DefaultPolicy') as iam.Policy;
    acknowledge(machinePolicy, 'NIST.800.53.R5-IAMNoInlinePolicy');
    // The distributed map's own policy (CDK's): start this state machine's child executions, describe, stop and redrive them.
    const mapPolicy = this.stateMachine.node.tryFindChild('DistributedMapPolicy') as iam.Policy;
    acknowledge(mapPolicy, 'NIST.800.53.R5-IAMNoInlinePolicy');
    const machineName = Arn.split(this.stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName as string;
    const executions = (suffix: string) =>
      nagResource(
        stack,
        stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machineName}${suffix}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      );
    Validations.of(mapPolicy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${executions(':*')}]`,
        reason: 'The distributed map describes and stops the child executions of this state machine only; their names exist only at run time.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions('/Segments:*')}]`,
        reason: 'The distributed map redrives the child executions of its own map run (label Segments) only; their names exist only at run time.',
      },
    );
    Validations.of(machinePolicy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and CloudWatch Logs log delivery ' +
          '(CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, ' +
          'DescribeResourcePolicies, DescribeLogGroups) support no resource-level permissions; Step Functions needs them to trace and log.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.runFunction.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'Invoking the run function includes its versions and aliases (ARN suffix :*); the function itself is named.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.segmentFunction.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'Invoking the segment function includes its versions and aliases (ARN suffix :*); the function itself is named.',
      },
    );

    // The schedule's own role (instead of the stack-wide one CDK would share): it may start this state machine only.
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `EventBridge Scheduler: starts ${stateMachineName}`,
    });
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', { scheduleGroupName: stateMachineName, removalPolicy: RemovalPolicy.DESTROY });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: stateMachineName,
      scheduleGroup: this.scheduleGroup,
      description: `ndx: computes the indicators of ${registry} for the month just ended`,
      schedule: props.schedule ?? scheduler.ScheduleExpression.cron({ minute: '30', hour: '0', day: '1' }),
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        role: this.scheduleRole,
        // The run counts as of the first of the month of the time it was scheduled for, however late it starts.
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 20,
        maxEventAge: Duration.hours(12),
      }),
    });

    acknowledge(this.scheduleRole.node.tryFindChild('DefaultPolicy') as iam.Policy, 'NIST.800.53.R5-IAMNoInlinePolicy');

    this.failedRunAlarm = ndxAlarm(this, 'FailedRunAlarm', props.alarmTarget, {
      alarmName: `${stateMachineName}-failed`,
      description:
        `${stateMachineName}: a run of the ${registry} indicators failed (a segment after its retries, or the merge); no aggregate of that run was written. ` +
        `See the execution in the Step Functions console, fix, and start a new execution with {"period":"YYYY-MM"}: a re-run replaces, never adds.`,
      metric: this.stateMachine.metricFailed({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
    });
    this.timedOutRunAlarm = ndxAlarm(this, 'TimedOutRunAlarm', props.alarmTarget, {
      alarmName: `${stateMachineName}-timed-out`,
      description: `${stateMachineName}: a run of the ${registry} indicators took longer than its timeout and stopped; raise maxConcurrency or the sizing's bytes per segment.`,
      metric: this.stateMachine.metricTimedOut({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
    });
    this.droppedScheduleAlarm = ndxAlarm(this, 'DroppedScheduleAlarm', props.alarmTarget, {
      alarmName: `${stateMachineName}-schedule-dropped`,
      description: `The schedule ${stateMachineName} could not start a run after its retries: the month's ${registry} indicators were not computed. Start an execution with {"period":"YYYY-MM"}.`,
      metric: this.scheduleGroup.metricDropped({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
    });
  }
}

/** A resource as cdk-nag names it in a finding: pseudo parameters as `<AWS::X>`, other intrinsics as their JSON. */
function nagResource(stack: Stack, value: string): string {
  const resolved: unknown = stack.resolve(value);
  const part = (p: unknown): string => {
    if (typeof p === 'string') return p;
    const ref = (p as { Ref?: unknown }).Ref;
    if (typeof ref === 'string' && ref.startsWith('AWS::')) return `<${ref}>`;
    return JSON.stringify(p);
  };
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return join ? join[1].map(part).join(join[0]) : part(resolved);
}
