/**
 * What the console function may do for the operators' desk, and nothing more: the queue attributes of
 * every ndx queue, receive (and release) from dead-letter queues only, send to no queue, start a
 * redrive only by invoking ndx-redrive, DescribeTable on registry tables, GetMetricData and the ndx
 * alarms, read (not write) the anchors; every queue key lets it decrypt dead letters, as it lets
 * `ndx-operator`.
 */
import { describe, expect, it } from 'vitest';
import { names } from '../../config/names.ts';
import { CONSOLE_DLQ_ACTIONS } from '../../infra/constructs/console.ts';
import { asArray, build, consoleTestConfig as withConsole, logicalId, roleStatements, stackNames, synthesize, testConfig } from './helpers.ts';

describe('the console function’s access for the operators’ desk', () => {
  const s = synthesize(build(withConsole));
  const platform = s.json.get(stackNames.platform)!;
  const fnId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-console');
  const roleId = platform.Resources[fnId]!.Properties!.Role['Fn::GetAtt'][0] as string;
  const statements = roleStatements(platform, roleId);
  const bySid = (sid: string) => statements.find((st) => st.Sid === sid);
  const allActions = statements.flatMap((st) => asArray(st.Action as string | string[]));

  it('inspects every ndx queue and lists dead letters only from dead-letter queues', () => {
    expect(asArray(bySid('InspectEveryQueue').Action).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl']);
    expect(JSON.stringify(bySid('InspectEveryQueue').Resource)).toContain(':ndx-*');
    expect(asArray(bySid('ListDeadLetters').Action).sort()).toEqual([...CONSOLE_DLQ_ACTIONS].sort());
    expect(JSON.stringify(bySid('ListDeadLetters').Resource)).toContain(`:${names.deadLetterQueue('ndx-*')}`);
    // Receiving is allowed only where the resource is a dead-letter queue.
    for (const st of statements.filter((x) => asArray(x.Action).includes('sqs:ReceiveMessage')))
      expect(JSON.stringify(st.Resource)).toContain(names.deadLetterQueue('ndx-*'));
  });

  it('sends to no queue, deletes no dead letter and starts no move task itself', () => {
    for (const a of ['sqs:SendMessage', 'sqs:DeleteMessage', 'sqs:StartMessageMoveTask', 'sqs:CancelMessageMoveTask', 'sqs:PurgeQueue'])
      expect(allActions).not.toContain(a);
  });

  it('starts a redrive only by invoking ndx-redrive', () => {
    const invoke = statements.filter((st) => asArray(st.Action).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    const redriveId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-redrive');
    expect(invoke[0].Resource).toEqual({ 'Fn::GetAtt': [redriveId, 'Arn'] });
  });

  it('reads metrics and the ndx metric alarms, registry tables’ status, and the anchors without writing them', () => {
    expect(bySid('ReadMetrics')).toMatchObject({ Action: 'cloudwatch:GetMetricData', Resource: '*' });
    expect(bySid('DescribeNdxAlarms').Action).toBe('cloudwatch:DescribeAlarms');
    expect(JSON.stringify(bySid('DescribeNdxAlarms').Resource)).toContain(':alarm:ndx-*');
    expect(bySid('DescribeRegistryTables').Action).toBe('dynamodb:DescribeTable');
    expect(bySid('ReadAnchors').Action).toBe('s3:GetObject');
    // The citizen's trail reads records past the DynamoDB retention back from the archive, read-only.
    expect(bySid('ReadAuditArchive').Action).toBe('s3:GetObject');
    expect(JSON.stringify(bySid('ReadAuditArchive').Resource)).toContain('/audit-archive/*');
    expect(bySid('ListAnchors').Condition).toEqual({ StringLike: { 's3:prefix': ['anchors/*'] } });
    expect(allActions).not.toContain('s3:PutObject');
    expect(allActions).not.toContain('s3:DeleteObject');
  });

  it('knows the anchor bucket and the queues it watches', () => {
    const vars = platform.Resources[fnId]!.Properties!.Environment.Variables;
    expect(vars.NDX_ANCHOR_BUCKET).toBeDefined();
    const topology = JSON.parse(vars.NDX_OPS_TOPOLOGY);
    expect(topology.agencies.map((a: { id: string }) => a.id)).toEqual(withConsole.agencies.map((a) => a.id));
    expect(topology.registries.map((r: { id: string }) => r.id)).toEqual(['population', 'land']);
    expect(topology.monitoring).toEqual(withConsole.monitoring);
  });

  it('may decrypt dead letters: every agency and registry queue key names it beside ndx-operator', () => {
    const stacks = [stackNames.registry('population'), stackNames.registry('land'), ...withConsole.agencies.map((a) => stackNames.agency(a.id))];
    for (const name of stacks) {
      const t = s.json.get(name)!;
      const keys = Object.values(t.Resources).filter((r) => r.Type === 'AWS::KMS::Key');
      const readers = keys.flatMap((k) =>
        (k.Properties!.KeyPolicy.Statement as any[]).filter((st) => st.Sid === 'OperatorReadsDeadLetters').flatMap((st) => asArray(st.Principal.AWS)),
      );
      const text = JSON.stringify(readers);
      expect(text, name).toContain(roleId);
      expect(text, name).toMatch(/OperatorRole/);
    }
  });
});

describe('without a console', () => {
  it('the queue keys name ndx-operator alone', () => {
    const s = synthesize(build(testConfig));
    const t = s.json.get(stackNames.registry('population'))!;
    const key = Object.values(t.Resources).find((r) => r.Type === 'AWS::KMS::Key')!;
    const st = (key.Properties!.KeyPolicy.Statement as any[]).find((x) => x.Sid === 'OperatorReadsDeadLetters');
    expect(asArray(st.Principal.AWS)).toHaveLength(1);
  });
});
