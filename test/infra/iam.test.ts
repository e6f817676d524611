/**
 * Who may do what: the agency roles (only their own queues), the queue policies that pin producers
 * and consumers, the key policies, the function roles, and the absence of cross-stack cycles.
 */
import { describe, expect, it } from 'vitest';
import { names } from '../../config/names.ts';
import { ndxStacks } from '../../infra/build-app.ts';
import { devApp, logicalId, queuePolicyStatements, resourcesOfType, testConfig, type CfnTemplate } from './helpers.ts';

const s = devApp();
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

/** Identity-policy statements attached to a role (AWS::IAM::Policy with Roles: [{Ref: roleId}]) in one template. */
function roleStatements(t: CfnTemplate, roleId: string): any[] {
  return Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((r) => r.Properties!.PolicyDocument.Statement);
}

/** The export name under which a stack exports an attribute of one of its resources. */
function exportOf(stack: string, value: unknown): string {
  const outputs = s.json.get(stack)!.Outputs ?? {};
  const hit = Object.values(outputs).find((o) => JSON.stringify(o.Value) === JSON.stringify(value) && o.Export);
  if (!hit?.Export) throw new Error(`${stack} exports no ${JSON.stringify(value)}`);
  return hit.Export.Name;
}

const platform = s.json.get('ndx-platform')!;
const routerFnId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-router');
const routerRoleRef = (() => {
  const role = platform.Resources[routerFnId]!.Properties!.Role;
  return { 'Fn::ImportValue': exportOf('ndx-platform', role) };
})();
const operatorRoleRef = {
  'Fn::ImportValue': exportOf('ndx-platform', { 'Fn::GetAtt': [logicalId(platform, 'AWS::IAM::Role', 'RoleName', 'ndx-operator'), 'Arn'] }),
};
const redriveRoleRef = {
  'Fn::ImportValue': exportOf(
    'ndx-platform',
    platform.Resources[logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-redrive')]!.Properties!.Role,
  ),
};
const adapterRoleRefs = testConfig.registries.map((r) => {
  const stack = `ndx-registry-${r.id}`;
  const t = s.json.get(stack)!;
  const fn = logicalId(t, 'AWS::Lambda::Function', 'FunctionName', `ndx-adapter-${r.id}`);
  return { 'Fn::ImportValue': exportOf(stack, t.Resources[fn]!.Properties!.Role) };
});

describe.each(testConfig.agencies.map((a) => a.id))('agency %s', (agencyId) => {
  const stack = `ndx-agency-${agencyId}`;
  const t = s.json.get(stack)!;
  const roleId = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role')![0];
  const outId = logicalId(t, 'AWS::SQS::Queue', 'QueueName', names.agencyOutQueue(agencyId));
  const inId = logicalId(t, 'AWS::SQS::Queue', 'QueueName', names.agencyInQueue(agencyId));
  const keyId = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::KMS::Key')![0];
  const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  const statements = roleStatements(t, roleId);

  it('has one role, assumed by the account root, with no managed or inline policies of its own', () => {
    expect(resourcesOfType(s, 'AWS::IAM::Role').filter((r) => r.stack === stack)).toHaveLength(1);
    const role = t.Resources[roleId]!.Properties!;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    const trust = role.AssumeRolePolicyDocument.Statement as any[];
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Action: 'sts:AssumeRole', Effect: 'Allow' });
    expect(trust[0].Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] } });
  });

  it('may only send to its own out-queue and consume its own in-queue (and use its own key)', () => {
    expect(statements.every((st) => st.Effect === 'Allow')).toBe(true);
    const granted = new Map<string, Set<string>>();
    for (const st of statements) {
      for (const r of asArray(st.Resource)) {
        const key = JSON.stringify(r);
        const set = granted.get(key) ?? new Set<string>();
        for (const a of asArray(st.Action)) set.add(a as string);
        granted.set(key, set);
      }
    }
    expect([...granted.keys()].sort()).toEqual([arn(outId), arn(inId), arn(keyId)].map((x) => JSON.stringify(x)).sort());
    expect([...granted.get(JSON.stringify(arn(outId)))!].sort()).toEqual(['sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect([...granted.get(JSON.stringify(arn(inId)))!].sort()).toEqual(
      ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'].sort(),
    );
    expect([...granted.get(JSON.stringify(arn(keyId)))!].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('has no statement on another agency’s queues, nor any wildcard', () => {
    const text = JSON.stringify(statements);
    for (const other of testConfig.agencies.filter((a) => a.id !== agencyId)) expect(text).not.toContain(other.id);
    expect(text).not.toContain('*');
    // ...and no policy anywhere else is attached to it (only its own stack can Ref it).
    for (const [name, other] of s.json) {
      if (name === stack) continue;
      expect(JSON.stringify(other.Resources)).not.toContain(`ndx-agency-${agencyId}-`);
    }
  });

  it('out-queue: only the agency role may send (and ndx-redrive moves dead letters back), only the router may receive', () => {
    const policy = queuePolicyStatements(t, outId);
    expect(policy).toContainEqual({
      Sid: 'DenySendExceptProducers',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:SendMessage',
      Resource: arn(outId),
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [arn(roleId), redriveRoleRef] } },
    });
    expect(policy).toContainEqual({
      Sid: 'DenyConsumeExceptConsumers',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'],
      Resource: arn(outId),
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [routerRoleRef] } },
    });
    expect(policy.filter((st: any) => st.Effect === 'Allow')).toEqual([]);
  });

  it('in-queue: only the router and the adapters may send (and ndx-redrive), only the agency role may receive', () => {
    const policy = queuePolicyStatements(t, inId);
    expect(policy).toContainEqual(
      expect.objectContaining({
        Sid: 'DenySendExceptProducers',
        Action: 'sqs:SendMessage',
      }),
    );
    const senders = policy.find((st: any) => st.Sid === 'DenySendExceptProducers').Condition.ArnNotEquals['aws:PrincipalArn'];
    expect(sorted(senders)).toEqual(sorted([routerRoleRef, ...adapterRoleRefs, redriveRoleRef]));
    expect(JSON.stringify(policy)).not.toContain(JSON.stringify(operatorRoleRef));
    expect(policy).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyConsumeExceptConsumers',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'],
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [arn(roleId)] } },
      }),
    );
  });

  it('its key lets the router and the adapters use it, through SQS only', () => {
    const keyPolicy = t.Resources[keyId]!.Properties!.KeyPolicy.Statement as any[];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own Fn::Sub placeholder, filled in at deploy time
    const via = { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sqs.${AWS::Region}.amazonaws.com' } } };
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({
        Sid: 'RouterUsesAgencyQueues',
        Principal: { AWS: routerRoleRef },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: via,
      }),
    );
    const adapters = keyPolicy.find((st) => st.Sid === 'AdaptersReplyToAgency');
    expect(adapters.Condition).toEqual(via);
    expect(sorted(asArray(adapters.Principal.AWS))).toEqual(sorted(adapterRoleRefs));
  });
});

describe('registry in-queues', () => {
  it.each(testConfig.registries.map((r) => r.id))('%s: only the router may send (and ndx-redrive), only its adapter may receive', (registryId) => {
    const t = s.json.get(`ndx-registry-${registryId}`)!;
    const qId = logicalId(t, 'AWS::SQS::Queue', 'QueueName', names.registryInQueue(registryId));
    const fnId = logicalId(t, 'AWS::Lambda::Function', 'FunctionName', `ndx-adapter-${registryId}`);
    const adapterRoleArn = t.Resources[fnId]!.Properties!.Role;
    const policy = queuePolicyStatements(t, qId);
    expect(policy).toContainEqual(
      expect.objectContaining({ Sid: 'DenySendExceptProducers', Condition: { ArnNotEquals: { 'aws:PrincipalArn': [routerRoleRef, redriveRoleRef] } } }),
    );
    expect(policy).toContainEqual(
      expect.objectContaining({ Sid: 'DenyConsumeExceptConsumers', Condition: { ArnNotEquals: { 'aws:PrincipalArn': [adapterRoleArn] } } }),
    );
  });
});

describe('function roles', () => {
  const functions = resourcesOfType(s, 'AWS::Lambda::Function');

  it('use no AWS managed policies, and use `*` only for X-Ray (and the rotation’s GetRandomPassword)', () => {
    // router, adapters, anchor, archive, rotation, redrive, and per registry the indicators job's run and segment functions
    expect(functions).toHaveLength(1 + testConfig.registries.length + 4 + 2 * testConfig.registries.length);
    for (const { stack, resource } of functions) {
      const t = s.json.get(stack)!;
      const roleId = resource.Properties!.Role['Fn::GetAtt'][0];
      expect(t.Resources[roleId]!.Properties!.ManagedPolicyArns).toBeUndefined();
      for (const st of roleStatements(t, roleId)) {
        if (asArray(st.Resource).includes('*')) {
          // CDK merges the rotation's GetRandomPassword (no resource-level permissions) into the X-Ray statement.
          const rotation = resource.Properties!.FunctionName === 'ndx-forwarding-key-rotation';
          expect(st.Action).toEqual([...(rotation ? ['secretsmanager:GetRandomPassword'] : []), 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
        for (const a of asArray(st.Action)) expect(a).not.toMatch(/\*/);
      }
    }
  });

  it('the router consumes out-queues and sends to in-queues by naming convention, and reads the pepper', () => {
    const statements = roleStatements(platform, platform.Resources[routerFnId]!.Properties!.Role['Fn::GetAtt'][0]);
    const text = JSON.stringify(statements);
    expect(text).toContain(':ndx-agency-*-out"');
    expect(text).toContain(':ndx-agency-*-in"');
    expect(text).toContain(':ndx-registry-*-in"');
    expect(text).toContain('secretsmanager:GetSecretValue');
    for (const st of statements) {
      if (JSON.stringify(st.Resource).includes('AuditTable')) {
        expect(st.Action).not.toContain('dynamodb:DeleteItem');
        expect(st.Action).not.toContain('dynamodb:UpdateItem');
      }
    }
  });

  it('adapters read the pepper and the forwarding key (nothing else of Secrets Manager), and cannot change or delete audit records', () => {
    for (const r of testConfig.registries) {
      const t = s.json.get(`ndx-registry-${r.id}`)!;
      const fnId = logicalId(t, 'AWS::Lambda::Function', 'FunctionName', `ndx-adapter-${r.id}`);
      const statements = roleStatements(t, t.Resources[fnId]!.Properties!.Role['Fn::GetAtt'][0]);
      const secrets = statements.filter((st) => asArray(st.Action).some((a: string) => a.startsWith('secretsmanager:')));
      expect(secrets).toHaveLength(1);
      expect(secrets[0].Action).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
      expect(asArray(secrets[0].Resource)).toHaveLength(2);
      expect(JSON.stringify(secrets[0].Resource)).toContain('SubjectPepper');
      expect(JSON.stringify(secrets[0].Resource)).toContain('ForwardingKey');
      for (const st of statements) {
        if (JSON.stringify(st.Resource).includes('AuditTable')) {
          expect(st.Action).not.toContain('dynamodb:DeleteItem');
          expect(st.Action).not.toContain('dynamodb:UpdateItem');
        }
      }
    }
  });
});

describe('stack dependencies', () => {
  it('point one way: agencies -> registries -> platform, no cycles', () => {
    const { platform: p, registries, agencies } = ndxStacks(s.app);
    expect(p.dependencies).toEqual([]);
    for (const r of registries.values()) expect(r.dependencies.map((d) => d.stackName)).toEqual(['ndx-platform']);
    for (const a of agencies.values()) {
      expect(a.dependencies.map((d) => d.stackName).sort()).toEqual(['ndx-platform', ...[...registries.values()].map((r) => r.stackName)].sort());
    }
  });
});
