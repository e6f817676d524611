/**
 * The indicators job on AWS, as the templates hold it (infra/constructs/indicator-job.ts): per registry an
 * EventBridge Scheduler schedule starts a Step Functions state machine — plan, a distributed map over
 * the table's parallel scan segments, merge — whose functions may do only what their code sends: the
 * segment function Scan on its registry's table and PutItem on its registry's partials, the run function
 * DescribeTable, its partials' reads and BatchWriteItem on its own indicators' aggregates. Failed runs,
 * timed-out runs and dropped schedules alarm. (nag.test.ts passes the whole app through the three packs.)
 */
import { describe, expect, it } from 'vitest';
import { names } from '../../config/names.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { devApp, logicalId, resourcesOfType, roleStatements, testConfig, type CfnTemplate } from './helpers.ts';

const s = devApp();
const registries = testConfig.registries.map((r) => r.id);
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** The state machine's definition, with every intrinsic (function ARNs) written as `<LogicalId>`. */
function definitionOf(t: CfnTemplate, machineId: string): any {
  const body = t.Resources[machineId]!.Properties!.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof body === 'string') return JSON.parse(body);
  const text = body['Fn::Join'][1]
    .map((p) => (typeof p === 'string' ? p : `<${JSON.stringify(p).match(/"(?:Fn::GetAtt|Ref)":\[?"([A-Za-z0-9]+)"/)?.[1] ?? '?'}>`))
    .join(body['Fn::Join'][0]);
  return JSON.parse(text);
}

function fnStatements(t: CfnTemplate, name: string): any[] {
  const fn = t.Resources[logicalId(t, 'AWS::Lambda::Function', 'FunctionName', name)]!;
  return roleStatements(t, fn.Properties!.Role['Fn::GetAtt'][0]);
}

const dynamo = (statements: any[]) => statements.filter((st) => asArray(st.Action).some((a: string) => a.startsWith('dynamodb:')));

describe.each(registries)('the indicators job of %s', (registry) => {
  const t = s.json.get(`ndx-registry-${registry}`)!;
  const machineId = logicalId(t, 'AWS::StepFunctions::StateMachine', 'StateMachineName', `ndx-indicators-${registry}`);
  const runFn = logicalId(t, 'AWS::Lambda::Function', 'FunctionName', `ndx-indicators-${registry}`);
  const segmentFn = logicalId(t, 'AWS::Lambda::Function', 'FunctionName', `ndx-indicators-${registry}-segment`);
  const recordsTable = logicalId(t, 'AWS::DynamoDB::Table', 'TableName', names.registryTable(registry));

  it('is started monthly by its own schedule, for the month the schedule fires in, retried, with a role that may start only it', () => {
    const schedules = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const p = schedules[0]![1].Properties!;
    expect(p.Name).toBe(`ndx-indicators-${registry}`);
    expect(p.ScheduleExpression).toBe('cron(30 0 1 * ? *)');
    expect(p.State).toBe('ENABLED');
    expect(p.Target.Arn).toEqual({ Ref: machineId });
    expect(JSON.parse(p.Target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(p.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 12 * 3600 });
    const role = t.Resources[p.Target.RoleArn['Fn::GetAtt'][0]]!.Properties!;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    expect(roleStatements(t, p.Target.RoleArn['Fn::GetAtt'][0])).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: machineId } }]);
  });

  it('plans, fans out over every scan segment with a distributed map (no failure tolerated, retried segments), then merges', () => {
    const machine = t.Resources[machineId]!.Properties!;
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    const d = definitionOf(t, machineId);
    expect(d.StartAt).toBe('Plan');
    expect(d.TimeoutSeconds).toBe(6 * 3600);
    const { Plan: plan, Segments: map, Merge: merge } = d.States;
    expect(Object.keys(d.States)).toEqual(['Plan', 'Segments', 'Merge']);
    // Lambda invoked directly (the function's ARN as the resource; the reply's payload is the state's output).
    expect(plan).toMatchObject({ Type: 'Task', Next: 'Segments', Resource: `<${runFn}>` });
    expect(plan.Parameters).toEqual({ step: 'plan', registry, 'run.$': '$$.Execution.Name', 'start.$': '$' });
    expect(map).toMatchObject({
      Type: 'Map',
      Next: 'Merge',
      ItemsPath: '$.segments',
      MaxConcurrency: 100,
      ResultPath: null,
      Label: 'Segments',
      ItemSelector: {
        'registry.$': '$.registry',
        'run.$': '$.run',
        'asOf.$': '$.asOf',
        'totalSegments.$': '$.totalSegments',
        'segment.$': '$$.Map.Item.Value',
      },
    });
    // No tolerated failure (Step Functions' default when neither is given): one failed segment fails the map and the run.
    expect([map.ToleratedFailurePercentage ?? 0, map.ToleratedFailureCount ?? 0]).toEqual([0, 0]);
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    const scan = map.ItemProcessor.States[map.ItemProcessor.StartAt];
    expect(scan).toMatchObject({ Type: 'Task', End: true, Resource: `<${segmentFn}>` });
    expect(scan.Parameters).toBeUndefined(); // the item, as selected, is the segment function's input
    // Lambda's own transient errors, then any error twice more: a failed segment is read again, never counted twice.
    expect(scan.Retry.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], IntervalSeconds: 20, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' });
    expect(merge).toMatchObject({ Type: 'Task', End: true, Resource: `<${runFn}>` });
    expect(merge.Parameters).toEqual({ step: 'merge', registry, 'run.$': '$.run', 'asOf.$': '$.asOf', 'totalSegments.$': '$.totalSegments' });
    // A missing segment is not retried; the run fails.
    const retries = merge.Retry.map((r: { ErrorEquals: string[]; MaxAttempts: number }) => [r.ErrorEquals.join(), r.MaxAttempts]);
    expect(retries.findIndex(([e]: [string]) => e === 'IncompleteRunError')).toBeLessThan(retries.findIndex(([e]: [string]) => e === 'States.ALL'));
    expect(retries).toContainEqual(['IncompleteRunError', 0]);
  });

  it('segment function: Scan on its registry’s table only (and that table’s key), PutItem on its registry’s partials only', () => {
    const statements = fnStatements(t, `ndx-indicators-${registry}-segment`);
    const d = dynamo(statements);
    expect(d).toHaveLength(2);
    expect(d[0]).toEqual({ Action: 'dynamodb:Scan', Effect: 'Allow', Resource: { 'Fn::GetAtt': [recordsTable, 'Arn'] } });
    expect(d[1]).toMatchObject({ Action: 'dynamodb:PutItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${registry}#*`] } } });
    expect(JSON.stringify(d[1].Resource)).toContain('IndicatorRunsTable');
    const kms = statements.filter((st) => asArray(st.Action).some((a: string) => a.startsWith('kms:')));
    // Decrypt with the registry's key (reads), encrypt with the platform's (the partials).
    expect(kms.map((st) => [asArray(st.Action).sort(), JSON.stringify(st.Resource).includes('ImportValue') ? 'platform' : 'registry'])).toEqual([
      [['kms:Decrypt', 'kms:DescribeKey'], 'registry'],
      [['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], 'platform'],
    ]);
    const fn = t.Resources[segmentFn]!.Properties!;
    expect(fn.Environment.Variables).toMatchObject({
      NDX_REGISTRY_ID: registry,
      NDX_REGISTRY_TABLE: names.registryTable(registry),
      NDX_INDICATOR_RUN_TABLE: names.indicatorRunTable,
    });
    expect(fn.Timeout).toBe(600);
  });

  it('run function: the table’s size, its registry’s partials, and BatchWriteItem on the aggregates of its registry’s indicators only', () => {
    const d = dynamo(fnStatements(t, `ndx-indicators-${registry}`));
    const ids = INDICATORS.filter((i) => i.provider === registry).map((i) => i.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(d).toEqual([
      { Action: 'dynamodb:DescribeTable', Effect: 'Allow', Resource: { 'Fn::GetAtt': [recordsTable, 'Arn'] } },
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${registry}#*`] } },
      }),
      expect.objectContaining({ Action: 'dynamodb:BatchWriteItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ids } } }),
    ]);
    expect(JSON.stringify(d[1].Resource)).toContain('IndicatorRunsTable');
    expect(JSON.stringify(d[2].Resource)).toMatch(/IndicatorsTable/);
    expect(t.Resources[runFn]!.Properties!.ReservedConcurrentExecutions).toBe(2);
  });

  it('the state machine may invoke its two functions and nothing else of Lambda', () => {
    const role = t.Resources[machineId]!.Properties!.RoleArn['Fn::GetAtt'][0];
    const invoke = roleStatements(t, role).filter((st) => asArray(st.Action).includes('lambda:InvokeFunction'));
    const targets = invoke.flatMap((st) => asArray(st.Resource)).map((r) => JSON.stringify(r));
    expect(targets.every((r) => r.includes(runFn) || r.includes(segmentFn))).toBe(true);
    expect(targets.some((r) => r.includes(runFn)) && targets.some((r) => r.includes(segmentFn))).toBe(true);
  });

  it('alarms when a run fails or times out, and when the schedule drops a start', () => {
    const alarms = Object.values(t.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties!.AlarmName).startsWith(`ndx-indicators-${registry}-`))
      .map((r) => [r.Properties!.AlarmName, r.Properties!.Namespace, r.Properties!.MetricName]);
    expect(alarms).toEqual(
      expect.arrayContaining([
        [`ndx-indicators-${registry}-failed`, 'AWS/States', 'ExecutionsFailed'],
        [`ndx-indicators-${registry}-timed-out`, 'AWS/States', 'ExecutionsTimedOut'],
        [`ndx-indicators-${registry}-schedule-dropped`, 'AWS/Scheduler', 'InvocationDroppedCount'],
      ]),
    );
  });
});

describe('the partials table', () => {
  it('is in the platform stack, keyed by pk/sk, with items expiring (TTL expiresAt)', () => {
    const tables = resourcesOfType(s, 'AWS::DynamoDB::Table').filter((x) => x.resource.Properties!.TableName === names.indicatorRunTable);
    expect(tables).toHaveLength(1);
    expect(tables[0]!.stack).toBe('ndx-platform');
    expect(tables[0]!.resource.Properties!.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(tables[0]!.resource.Properties!.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('no other function reads or writes it, and no other function writes the aggregates', () => {
    for (const { stack, resource } of resourcesOfType(s, 'AWS::Lambda::Function')) {
      const name = resource.Properties!.FunctionName as string;
      if (name.startsWith('ndx-indicators-')) continue;
      const text = JSON.stringify(dynamo(fnStatements(s.json.get(stack)!, name)));
      expect(text, name).not.toContain('IndicatorRunsTable');
      for (const st of dynamo(fnStatements(s.json.get(stack)!, name)))
        if (JSON.stringify(st.Resource).includes('IndicatorsTable')) expect(asArray(st.Action), name).toEqual(['dynamodb:GetItem']);
    }
  });
});
