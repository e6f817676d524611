/**
 * Alarms with ndx's conventions: a fixed, searchable name (`ndx-<resource>-<what>`), one-minute
 * periods, missing data treated as healthy (an idle queue publishes nothing), and the environment's
 * alarm target told both when the alarm fires and when it clears.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Where a stack's alarms go: the environment's alarm topic (created or imported by the platform stack). */
export interface AlarmTarget {
  readonly topic: sns.ITopic;
}

export interface NdxAlarmProps {
  /** Physical alarm name, e.g. `ndx-registry-population-in-dlq-depth`. */
  readonly alarmName: string;
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  /** The alarm fires when the metric is at or above this value. */
  readonly threshold: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
}

/** One alarm, greater-than-or-equal to its threshold, notifying the target on ALARM and on OK. */
export function ndxAlarm(scope: Construct, id: string, target: AlarmTarget, props: NdxAlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.description,
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    datapointsToAlarm: props.evaluationPeriods ?? 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    actionsEnabled: true,
  });
  const action = new actions.SnsAction(target.topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/** The period of every ndx alarm: SQS and Lambda publish one-minute metrics. */
export const ALARM_PERIOD = Duration.minutes(1);
