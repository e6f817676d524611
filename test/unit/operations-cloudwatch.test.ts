/**
 * What the operators' desk asks CloudWatch on AWS, and how it reads the answers (the local engine has
 * no CloudWatch, so these two adapters are checked here against a client that records the commands):
 * the ndx metric alarms page by page, each known queue alarm tied to its queue; the lookup latency as two
 * Metrics Insights queries over the window, put on its hours.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../config/schema.ts';
import { lookupLatency, ndxAlarms } from '../../aws/operations.ts';
import { activityWindow } from '../../domain/ops/activity.ts';

const config = defineConfig({
  registries: [{ id: 'population', title: 'Population', operator: 'MPS', key: { partition: 'nationalId' } }],
  agencies: [{ id: 'hanoi-land-office', name: 'Hanoi Land Registration Office' }],
  environments: { dev: { region: 'ap-southeast-1' } },
});

/** The inputs of the two commands, as far as the tests read them. */
interface Input {
  AlarmNamePrefix?: string;
  AlarmTypes?: string[];
  NextToken?: string;
  StartTime?: Date;
  EndTime?: Date;
  MetricDataQueries: [{ Expression: string; Period: number }];
}

/** A CloudWatch client that answers each command with the next canned output, and keeps the inputs. */
function cloudwatch(outputs: unknown[] | ((input: Input) => unknown)): { client: CloudWatchClient; sent: { name: string; input: Input }[] } {
  const sent: { name: string; input: Input }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Input }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return (typeof outputs === 'function' ? outputs(command.input) : outputs.shift()) ?? {};
    },
  } as unknown as CloudWatchClient;
  return { client, sent };
}

describe('ndxAlarms', () => {
  it('reads every page of the ndx metric alarms and ties the queue alarms to their queues', async () => {
    const since = new Date('2026-11-29T09:00:00.000Z');
    const { client, sent } = cloudwatch([
      {
        MetricAlarms: [
          {
            AlarmName: 'ndx-registry-population-in-dlq-depth',
            StateValue: 'ALARM',
            Threshold: 1,
            StateReason: 'Threshold Crossed',
            StateUpdatedTimestamp: since,
          },
          { AlarmName: 'ndx-agency-hanoi-land-office-in-oldest-message-age', StateValue: 'OK', Threshold: 86400 },
        ],
        NextToken: 'page-2',
      },
      { MetricAlarms: [{ AlarmName: 'ndx-router-errors', StateValue: 'INSUFFICIENT_DATA', Threshold: 1 }] },
    ]);
    const alarms = await ndxAlarms(client, config);
    expect(sent.map((s) => [s.name, s.input.AlarmNamePrefix, s.input.AlarmTypes, s.input.NextToken])).toEqual([
      ['DescribeAlarmsCommand', 'ndx-', ['MetricAlarm'], undefined],
      ['DescribeAlarmsCommand', 'ndx-', ['MetricAlarm'], 'page-2'],
    ]);
    expect(alarms).toEqual([
      {
        name: 'ndx-registry-population-in-dlq-depth',
        state: 'ALARM',
        watches: 'dlq-depth',
        threshold: 1,
        queue: 'ndx-registry-population-in',
        reason: 'Threshold Crossed',
        since: since.toISOString(),
      },
      {
        name: 'ndx-agency-hanoi-land-office-in-oldest-message-age',
        state: 'OK',
        watches: 'oldest-age',
        threshold: 86400,
        queue: 'ndx-agency-hanoi-land-office-in',
      },
      { name: 'ndx-router-errors', state: 'INSUFFICIENT_DATA', watches: 'other', threshold: 1 },
    ]);
  });
});

describe('lookupLatency', () => {
  it('asks for the average and the maximum over every answering function, hour by hour, and puts them on the window', async () => {
    const w = activityWindow(new Date('2026-11-29T10:17:00.000Z'));
    const nine = new Date('2026-11-29T09:00:00.000Z');
    const ten = new Date('2026-11-29T10:00:00.000Z');
    const { client, sent } = cloudwatch((input) =>
      input.MetricDataQueries[0].Expression.includes('AVG')
        ? { MetricDataResults: [{ Id: 'latency', Timestamps: [ten, nine], Values: [50.4, 30] }] }
        : { MetricDataResults: [{ Id: 'latency', Timestamps: [ten], Values: [900.6] }] },
    );
    const rows = await lookupLatency(client, w);
    const queries = sent.map((s) => s.input.MetricDataQueries[0]);
    expect(queries.map((q) => q.Expression).sort()).toEqual([
      'SELECT AVG(LookupLatency) FROM SCHEMA("ndx", service, stage)',
      'SELECT MAX(LookupLatency) FROM SCHEMA("ndx", service, stage)',
    ]);
    expect(queries.every((q) => q.Period === 3600)).toBe(true);
    expect(sent.every((s) => s.input.StartTime === w.from && s.input.EndTime === w.to)).toBe(true);
    expect(rows).toHaveLength(24);
    const at = (d: Date) => rows.find((r) => r.start === d.toISOString());
    expect(at(ten)).toEqual({ start: ten.toISOString(), average: 50, maximum: 901 });
    expect(at(nine)).toEqual({ start: nine.toISOString(), average: 30, maximum: null });
    expect(rows.filter((r) => r.average === null && r.maximum === null)).toHaveLength(22);
  });
});
