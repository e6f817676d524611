/**
 * What operators get from the CDK app: alarms on every DLQ, queue age, function errors and throttles,
 * all to the environment's alarm target; the dashboard; the operator role; encrypted logs; bounded
 * concurrency; and the configuration that drives them (adding an agency is one entry).
 */
import { describe, expect, it } from 'vitest';
import { defineConfig, type NdxConfigInput } from '../../config/schema.ts';
import { names } from '../../config/names.ts';
import { build, devApp, logicalId, resourcesOfType, synthesize, testConfig, type CfnTemplate } from './helpers.ts';

const s = devApp();
const platform = s.json.get('ndx-platform')!;
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const alarms = resourcesOfType(s, 'AWS::CloudWatch::Alarm');
const alarmNamed = (name: string) => alarms.find((a) => a.resource.Properties!.AlarmName === name);
const topicId = logicalId(platform, 'AWS::SNS::Topic', 'TopicName', 'ndx-alarms');

/** The reference by which a stack's alarms point at the platform's alarm topic. */
function topicRef(stack: string): unknown {
  if (stack === 'ndx-platform') return { Ref: topicId };
  const exported = Object.values(platform.Outputs ?? {}).find((o) => JSON.stringify(o.Value) === JSON.stringify({ Ref: topicId }));
  return { 'Fn::ImportValue': exported!.Export!.Name };
}

function roleStatements(t: CfnTemplate, roleId: string): any[] {
  return Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((r) => r.Properties!.PolicyDocument.Statement);
}

describe('alarms', () => {
  const mainQueues = [
    ...testConfig.agencies.flatMap((a) => [names.agencyOutQueue(a.id), names.agencyInQueue(a.id)]),
    ...testConfig.registries.map((r) => names.registryInQueue(r.id)),
  ];

  it('every dead-letter queue alarms at its first message', () => {
    for (const q of mainQueues) {
      const alarm = alarmNamed(`${names.deadLetterQueue(q)}-depth`);
      expect(alarm, q).toBeDefined();
      expect(alarm!.resource.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: expect.anything() }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Period: 60,
      });
      expect(alarm!.resource.Properties!.AlarmDescription).toContain(`ndx ops redrive ${q}`);
    }
  });

  it('the oldest message alarms: consumed queues at monitoring.oldestMessageAgeSeconds, reply queues at unreadReplyAgeSeconds', () => {
    for (const q of mainQueues) {
      const alarm = alarmNamed(`${q}-oldest-message-age`)!;
      expect(alarm.resource.Properties).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Statistic: 'Maximum' });
      const limit =
        q.endsWith('-in') && q.startsWith('ndx-agency-') ? testConfig.monitoring.unreadReplyAgeSeconds : testConfig.monitoring.oldestMessageAgeSeconds;
      expect(alarm.resource.Properties!.Threshold, q).toBe(limit);
    }
  });

  it('every function alarms on errors and throttles', () => {
    for (const fn of ['ndx-router', ...testConfig.registries.map((r) => `ndx-adapter-${r.id}`)]) {
      expect(alarmNamed(`${fn}-errors`)!.resource.Properties).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
      expect(alarmNamed(`${fn}-throttles`)!.resource.Properties).toMatchObject({ MetricName: 'Throttles', Namespace: 'AWS/Lambda', Threshold: 1 });
    }
  });

  it('each adapter alarms at its first security event within 5 minutes (a forwarded lookup that fails verification)', () => {
    for (const r of testConfig.registries) {
      const alarm = alarmNamed(`ndx-adapter-${r.id}-security-events`)!;
      expect(alarm.stack).toBe(`ndx-registry-${r.id}`);
      expect(alarm.resource.Properties).toMatchObject({
        Namespace: 'ndx',
        MetricName: 'SecurityEvents',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(alarm.resource.Properties!.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'service', Value: `ndx-adapter-${r.id}` },
          { Name: 'stage', Value: 'adapter' },
        ]),
      );
    }
  });

  it('all of them, and only them, notify the alarm topic when they fire and when they clear', () => {
    // router, adapters, anchor, archive, rotation, redrive, and per registry the indicators job's run and segment functions
    const functionCount = 1 + testConfig.registries.length + 4 + 2 * testConfig.registries.length;
    // + a security alarm per adapter, + the anchor schedule's failed invocations (the daily archive alarms on its function's errors),
    // + per registry the indicators job's failed runs, timed-out runs and dropped schedules
    expect(alarms).toHaveLength(2 * mainQueues.length + 2 * functionCount + testConfig.registries.length + 1 + 3 * testConfig.registries.length);
    for (const { stack, resource } of alarms) {
      expect(resource.Properties!.ActionsEnabled).toBe(true);
      expect(resource.Properties!.AlarmActions).toEqual([topicRef(stack)]);
      expect(resource.Properties!.OKActions).toEqual([topicRef(stack)]);
    }
  });
});

describe('alarm target', () => {
  it('is a topic encrypted with its own key, which only CloudWatch may use, TLS only, with the configured e-mails', () => {
    const topic = platform.Resources[topicId]!.Properties!;
    const keyId = topic.KmsMasterKeyId['Fn::GetAtt'][0] as string;
    expect(platform.Resources[keyId]!.Type).toBe('AWS::KMS::Key');
    const keyPolicy = platform.Resources[keyId]!.Properties!.KeyPolicy.Statement as any[];
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({
        Sid: 'CloudWatchPublishesAlarms',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      }),
    );
    const policy = resourcesOfType(s, 'AWS::SNS::TopicPolicy')[0]!.resource.Properties!.PolicyDocument.Statement as any[];
    expect(policy).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(resourcesOfType(s, 'AWS::SNS::Subscription')).toEqual([]); // dev has no e-mails configured

    const prod = synthesize(build(testConfig, { environment: 'prod' }));
    const subscriptions = resourcesOfType(prod, 'AWS::SNS::Subscription').map((x) => x.resource.Properties!);
    expect(subscriptions).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'ndx-oncall@ndx.gov.vn' })]);
  });

  it('can be an existing topic instead (no topic or key is created)', () => {
    const topicArn = 'arn:aws:sns:ap-southeast-1:123456789012:oncall';
    const config = defineConfig({ ...(testConfig as NdxConfigInput), environments: { dev: { alarms: { topicArn } } } });
    const x = synthesize(build(config));
    expect(resourcesOfType(x, 'AWS::SNS::Topic')).toEqual([]);
    expect(resourcesOfType(x, 'AWS::KMS::Key').filter((k) => k.stack === 'ndx-platform')).toHaveLength(1);
    for (const { resource } of resourcesOfType(x, 'AWS::CloudWatch::Alarm')) expect(resource.Properties!.AlarmActions).toEqual([topicArn]);
  });
});

describe('dashboard', () => {
  const [dashboard] = resourcesOfType(s, 'AWS::CloudWatch::Dashboard');
  const body = JSON.stringify(dashboard!.resource.Properties!.DashboardBody);

  it('one per environment, in the platform stack', () => {
    expect(resourcesOfType(s, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
    expect(dashboard!.stack).toBe('ndx-platform');
    expect(dashboard!.resource.Properties!.DashboardName).toBe('ndx-dev');
  });

  it('shows lookups by outcome and code, latency, queue depth, in-flight, age, DLQ depth, errors, throttles, p50/p99 durations and indicator runs', () => {
    for (const part of [
      'GROUP BY outcome',
      'GROUP BY code',
      'LookupLatency',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateAgeOfOldestMessage',
      'QueueName=dlq',
      'MetricName=\\\\\\"Errors\\\\\\"',
      'RecordFailures',
      'Throttles',
      'SecurityEvents',
      "'p50'",
      "'p99'",
      'MetricName=\\\\\\"ExecutionsFailed\\\\\\" StateMachineArn=ndx-indicators',
    ]) {
      expect(body, part).toContain(part);
    }
  });

  it('finds queues and functions by naming convention: adding an agency changes neither it nor any other existing stack', () => {
    const more = defineConfig({
      ...(testConfig as NdxConfigInput),
      agencies: [...testConfig.agencies, { id: 'hue-land-office', name: 'Huế Land Registration Office' }],
    });
    const x = synthesize(build(more));
    expect([...x.json.keys()].sort()).toEqual([...s.json.keys(), 'ndx-agency-hue-land-office'].sort());
    for (const [stack, template] of s.json) expect(x.json.get(stack), stack).toEqual(template);
    const added = x.json.get('ndx-agency-hue-land-office')!;
    const queues = Object.values(added.Resources)
      .filter((r) => r.Type === 'AWS::SQS::Queue')
      .map((r) => r.Properties!.QueueName)
      .sort();
    expect(queues).toEqual([
      'ndx-agency-hue-land-office-in',
      'ndx-agency-hue-land-office-in-dlq',
      'ndx-agency-hue-land-office-out',
      'ndx-agency-hue-land-office-out-dlq',
    ]);
    expect(Object.values(added.Resources).filter((r) => r.Type === 'AWS::IAM::Role')).toHaveLength(1);
  });
});

describe('operator role', () => {
  const roleId = logicalId(platform, 'AWS::IAM::Role', 'RoleName', 'ndx-operator');
  const statements = roleStatements(platform, roleId);
  const bySid = (sid: string) => statements.find((st) => st.Sid === sid);
  const text = (x: unknown) => JSON.stringify(x);

  it('inspects every queue, lists dead letters, redrives only by invoking ndx-redrive, and can send to no queue', () => {
    expect(bySid('InspectEveryQueue').Action).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl']);
    expect(text(bySid('ListDeadLetters').Resource)).toContain(':ndx-*-dlq');
    expect(bySid('ListDeadLetters').Action).toContain('sqs:ListMessageMoveTasks');
    const actions = statements.flatMap((st) => asArray(st.Action));
    // Cannot send a lookup as an agency (out-queues), a forged forwarded lookup (registry in-queues) or a reply.
    expect(actions.filter((a) => a === 'sqs:SendMessage' || a === 'sqs:SendMessageBatch' || a === 'sqs:StartMessageMoveTask')).toEqual([]);
    const redriveFn = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-redrive');
    expect(bySid('StartRedrive')).toMatchObject({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [redriveFn, 'Arn'] } });
    for (const st of statements) {
      if (st.Sid !== 'ListDeadLetters') expect(asArray(st.Action)).not.toContain('sqs:ReceiveMessage');
    }
    expect(statements.every((st) => st.Effect === 'Allow')).toBe(true);
  });

  it('ndx-redrive moves dead letters back: a move task on the DLQs, sends to the main queues (what the task does as its caller)', () => {
    const fnId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-redrive');
    const st = roleStatements(platform, platform.Resources[fnId]!.Properties!.Role['Fn::GetAtt'][0]);
    const move = st.find((x) => x.Sid === 'MoveFromDeadLetters');
    expect(move.Action).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:StartMessageMoveTask']);
    expect(text(move.Resource)).toContain(':ndx-*-dlq');
    const send = st.find((x) => x.Sid === 'SendByNamingConvention');
    expect(send.Action).toEqual(['sqs:GetQueueUrl', 'sqs:SendMessage']);
    for (const pattern of [':ndx-agency-*-out"', ':ndx-agency-*-in"', ':ndx-registry-*-in"']) expect(text(send.Resource)).toContain(pattern);
    expect(platform.Resources[fnId]!.Metadata?.['ndx:handler']).toBeUndefined();
  });

  it('reads no table item, no secret, no key beyond SQS redrive', () => {
    const actions = statements.flatMap((st) => asArray(st.Action));
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:DescribeTable']);
    expect(actions.some((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:'))).toBe(false);
    expect(bySid('ReadMetrics')).toMatchObject({ Action: 'cloudwatch:GetMetricData', Resource: '*' });
  });

  it('is assumed by the configured principals, else by principals of the account signed in with MFA', () => {
    const trust = (t: CfnTemplate) => t.Resources[logicalId(t, 'AWS::IAM::Role', 'RoleName', 'ndx-operator')]!.Properties!.AssumeRolePolicyDocument.Statement;
    const dev = trust(platform);
    expect(dev).toHaveLength(1);
    expect(text(dev[0].Principal)).toMatch(/:iam::.*AWS::AccountId.*:root/);
    expect(dev[0].Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
    const prod = trust(synthesize(build(testConfig, { environment: 'prod' })).json.get('ndx-platform')!);
    expect(prod).toHaveLength(1);
    expect(prod[0].Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:role/ndx-oncall' });
  });

  it('each queue key lets ndx-redrive move messages and operators read dead letters, through SQS only', () => {
    for (const stack of [...testConfig.agencies.map((a) => `ndx-agency-${a.id}`), ...testConfig.registries.map((r) => `ndx-registry-${r.id}`)]) {
      const t = s.json.get(stack)!;
      const key = Object.values(t.Resources).find((r) => r.Type === 'AWS::KMS::Key')!;
      const statements = key.Properties!.KeyPolicy.Statement as any[];
      const redrive = statements.find((x) => x.Sid === 'RedriveMovesDeadLetters');
      const operator = statements.find((x) => x.Sid === 'OperatorReadsDeadLetters');
      expect(redrive.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(operator.Action).toBe('kms:Decrypt');
      for (const st of [redrive, operator]) {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own Fn::Sub placeholder, filled in at deploy time
        expect(st.Condition, stack).toEqual({ StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sqs.${AWS::Region}.amazonaws.com' } } });
      }
    }
  });
});

describe('functions', () => {
  const functions = resourcesOfType(s, 'AWS::Lambda::Function');

  it('log to a group encrypted with their stack’s key, which lets CloudWatch Logs use it for that group only', () => {
    for (const { stack, resource } of functions) {
      const t = s.json.get(stack)!;
      const group = t.Resources[resource.Properties!.LoggingConfig.LogGroup.Ref]!.Properties!;
      const keyId = group.KmsKeyId['Fn::GetAtt'][0] as string;
      const sid = `LogsEncrypt${String(resource.Properties!.FunctionName).replace(/[^A-Za-z0-9]/g, '')}`;
      const statement = (t.Resources[keyId]!.Properties!.KeyPolicy.Statement as any[]).find((x) => x.Sid === sid);
      expect(statement.Principal.Service).toBe(`logs.${testConfig.environments.dev!.region}.amazonaws.com`);
      expect(JSON.stringify(statement.Condition)).toContain(`log-group:${group.LogGroupName}`);
    }
  });

  it('are fed by mappings with a maximum concurrency; reserved concurrency only where configured', () => {
    for (const { resource } of resourcesOfType(s, 'AWS::Lambda::EventSourceMapping')) {
      expect(resource.Properties!.ScalingConfig).toEqual({ MaximumConcurrency: testConfig.functions.maxConcurrency });
    }
    // The lookup functions (the ones the mappings feed); the anchor, rotation and redrive functions reserve 1-2.
    for (const { resource } of functions.filter((f) => f.resource.Metadata?.['ndx:handler']))
      expect(resource.Properties!.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('queues stay invisible for at least 6x their consumer’s timeout', () => {
    for (const { resource } of resourcesOfType(s, 'AWS::SQS::Queue')) {
      if (!String(resource.Properties!.QueueName).endsWith('-dlq'))
        expect(resource.Properties!.VisibilityTimeout).toBeGreaterThanOrEqual(6 * testConfig.functions.timeoutSeconds);
    }
  });
});

describe('least privilege across tenants', () => {
  it('an adapter can read no other registry’s table', () => {
    for (const r of testConfig.registries) {
      const t = s.json.get(`ndx-registry-${r.id}`)!;
      const fnId = logicalId(t, 'AWS::Lambda::Function', 'FunctionName', `ndx-adapter-${r.id}`);
      const ownTable = logicalId(t, 'AWS::DynamoDB::Table', 'TableName', names.registryTable(r.id));
      const statements = roleStatements(t, t.Resources[fnId]!.Properties!.Role['Fn::GetAtt'][0]);
      for (const st of statements.filter((x) => asArray(x.Action).some((a: string) => a.startsWith('dynamodb:')))) {
        for (const resource of asArray(st.Resource)) {
          const ref = JSON.stringify(resource);
          // Its own table (same stack), or a platform table imported from ndx-platform: never another registry's.
          expect(ref.includes(ownTable) || ref.includes('Fn::ImportValue'), ref).toBe(true);
          for (const other of testConfig.registries.filter((x) => x.id !== r.id)) expect(ref).not.toContain(other.id);
        }
      }
    }
  });

  it('an agency role can receive from no other agency’s reply queue (identity policy and queue policy both)', () => {
    for (const a of testConfig.agencies) {
      const t = s.json.get(`ndx-agency-${a.id}`)!;
      const roleId = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role')![0];
      const statements = roleStatements(t, roleId);
      for (const b of testConfig.agencies.filter((x) => x.id !== a.id)) {
        const other = s.json.get(`ndx-agency-${b.id}`)!;
        // A's role is granted nothing on B's queues (its policy names only its own stack's resources)...
        expect(JSON.stringify(statements)).not.toContain(b.id);
        expect(JSON.stringify(statements)).not.toContain('*');
        // ...and B's in-queue denies receiving to every principal but B's role.
        const inId = logicalId(other, 'AWS::SQS::Queue', 'QueueName', names.agencyInQueue(b.id));
        const policy = Object.values(other.Resources).find(
          (r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties!.Queues) === JSON.stringify([{ Ref: inId }]),
        )!;
        const deny = (policy.Properties!.PolicyDocument.Statement as any[]).find((st) => st.Sid === 'DenyConsumeExceptConsumers');
        const otherRole = Object.entries(other.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role')![0];
        expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([{ 'Fn::GetAtt': [otherRole, 'Arn'] }]);
      }
    }
  });
});

describe('configuration', () => {
  const base: Pick<NdxConfigInput, 'registries' | 'agencies'> = {
    registries: [{ id: 'population', title: 'P', operator: 'O', key: { partition: 'nationalId' } }],
    agencies: [{ id: 'hanoi-land-office', name: 'H' }],
  };
  const problems = (input: Record<string, unknown>) => {
    try {
      defineConfig({ ...base, ...input } as unknown as NdxConfigInput);
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('a production environment must name an alarm target', () => {
    expect(problems({ environments: { prod: { production: true } } })).toContain('a production environment needs an alarm target');
    expect(problems({ environments: { prod: { production: true, alarms: { email: ['oncall@ndx.gov.vn'] } } } })).toBe('');
  });

  it('says what is wrong, where', () => {
    const message = problems({
      environments: { prod: { account: '12345', alarms: { email: ['not-an-address'], topicArn: 'arn:aws:sqs:x' }, operators: ['bob'] } },
      functions: { maxConcurrency: 1 },
    });
    expect(message).toContain('→ at environments.prod.account');
    expect(message).toContain('→ at environments.prod.alarms.email[0]');
    expect(message).toContain('an SNS topic ARN');
    expect(message).toContain('→ at environments.prod.operators[0]');
    expect(message).toContain('→ at functions.maxConcurrency');
  });
});
