/** Tables and queues: names, keys, encryption, recovery, dead-letter queues, TLS-only policies. */
import { describe, expect, it } from 'vitest';
import { Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { names } from '../../config/names.ts';
import { ndxStacks } from '../../infra/build-app.ts';
import { build, devApp, resourcesOfType, synthesize, testConfig, stackNames } from './helpers.ts';

const s = devApp();

/** The stack's keys; its data key first (the platform's alarm-topic key, under Operations, last). */
function keyIds(stack: string): string[] {
  return Object.entries(s.json.get(stack)!.Resources)
    .filter(([, r]) => r.Type === 'AWS::KMS::Key')
    .map(([id]) => id)
    .sort((a, b) => Number(a.startsWith('Operations')) - Number(b.startsWith('Operations')));
}

describe('stacks', () => {
  it('are the platform, one per registry and one per agency, with fixed names', () => {
    expect([...s.json.keys()].sort()).toEqual(
      ['ndx-platform', ...testConfig.registries.map((r) => `ndx-registry-${r.id}`), ...testConfig.agencies.map((a) => `ndx-agency-${a.id}`)].sort(),
    );
    expect(stackNames.agency('x')).toBe('ndx-agency-x');
  });

  it('have customer-managed keys with rotation, one per stack (and one for the platform’s alarm topic)', () => {
    for (const stack of s.json.keys()) {
      expect(keyIds(stack), stack).toHaveLength(stack === 'ndx-platform' ? 2 : 1);
      for (const id of keyIds(stack)) expect(s.json.get(stack)!.Resources[id]!.Properties!.EnableKeyRotation, id).toBe(true);
    }
  });
});

describe('tables', () => {
  const tables = resourcesOfType(s, 'AWS::DynamoDB::Table');

  it('are exactly the platform tables and one per registry', () => {
    expect(tables.map((t) => t.resource.Properties!.TableName).sort()).toEqual(
      [
        names.auditTable,
        names.consentTable,
        names.idempotencyTable,
        names.rateLimitTable,
        names.contractTable,
        names.indicatorTable,
        names.indicatorRunTable,
        ...testConfig.registries.map((r) => names.registryTable(r.id)),
      ].sort(),
    );
  });

  it('are on-demand, encrypted with their stack’s customer-managed key, with point-in-time recovery', () => {
    for (const { stack, resource } of tables) {
      const p = resource.Properties!;
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyIds(stack)[0], 'Arn'] } });
      expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('have the key schemas the handlers expect', () => {
    const platform = s.templates.get('ndx-platform')!;
    platform.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-audit',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'bySubjectKeys',
          KeySchema: [
            { AttributeName: 'subjectHash', KeyType: 'HASH' },
            { AttributeName: 'at', KeyType: 'RANGE' },
          ],
          // Keys only: the citizen's view reads the records by key (a second full copy per lookup is not kept).
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ],
    });
    platform.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-consents',
      KeySchema: [{ AttributeName: 'consentId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'bySubject',
          KeySchema: [
            { AttributeName: 'subjectHash', KeyType: 'HASH' },
            { AttributeName: 'grantedAt', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
    platform.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-idempotency',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    s.templates.get('ndx-registry-population')!.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-registry-population',
      KeySchema: [{ AttributeName: 'nationalId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'nationalId', AttributeType: 'S' }],
    });
    s.templates.get('ndx-registry-land')!.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-registry-land',
      KeySchema: [
        { AttributeName: 'parcelId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
    });
  });

  it('are deletable in dev, protected and retained in production', () => {
    for (const { resource } of tables) expect(resource.Properties!.DeletionProtectionEnabled).toBe(false);
    const prod = synthesize(build(testConfig, { environment: 'prod' }));
    const prodTables = resourcesOfType(prod, 'AWS::DynamoDB::Table');
    expect(prodTables).toHaveLength(tables.length);
    for (const { stack, id, resource } of prodTables) {
      expect(resource.Properties!.DeletionProtectionEnabled, id).toBe(true);
      const raw = prod.templates.get(stack)!.toJSON().Resources[id];
      expect(raw.DeletionPolicy, id).toBe('Retain');
      expect(raw.UpdateReplacePolicy, id).toBe('Retain');
    }
    for (const { stack, id } of resourcesOfType(prod, 'AWS::KMS::Key')) {
      expect(prod.templates.get(stack)!.toJSON().Resources[id].DeletionPolicy, id).toBe('Retain');
    }
    for (const { resource } of resourcesOfType(prod, 'AWS::Logs::LogGroup')) expect(resource.Properties!.RetentionInDays).toBe(365);
    // The configured account makes the stacks environment-specific; production stacks are termination-protected.
    const prodPlatform = ndxStacks(prod.app).platform;
    expect(prodPlatform.account).toBe('123456789012');
    expect(prodPlatform.terminationProtection).toBe(true);
    const devPlatform = ndxStacks(s.app).platform;
    expect(Token.isUnresolved(devPlatform.account)).toBe(true);
    expect(devPlatform.region).toBe('ap-southeast-1');
    expect(devPlatform.terminationProtection).toBe(false);
  });

  it('the pepper secret has its fixed name and the platform key', () => {
    s.templates.get('ndx-platform')!.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'ndx/subject-pepper',
      KmsKeyId: { 'Fn::GetAtt': [keyIds('ndx-platform')[0], 'Arn'] },
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });
});

describe('queues', () => {
  const queues = resourcesOfType(s, 'AWS::SQS::Queue');
  const byName = new Map(queues.map((q) => [q.resource.Properties!.QueueName as string, q]));
  const mainQueues = queues.filter((q) => !String(q.resource.Properties!.QueueName).endsWith('-dlq'));

  it('are the agencies’ out- and in-queues and the registries’ in-queues, each with its DLQ', () => {
    const expected = [
      ...testConfig.agencies.flatMap((a) => [names.agencyOutQueue(a.id), names.agencyInQueue(a.id)]),
      ...testConfig.registries.map((r) => names.registryInQueue(r.id)),
    ];
    expect(mainQueues.map((q) => q.resource.Properties!.QueueName).sort()).toEqual([...expected].sort());
    expect([...byName.keys()].sort()).toEqual([...expected, ...expected.map(names.deadLetterQueue)].sort());
  });

  it('are all encrypted with their stack’s customer-managed key', () => {
    for (const { stack, resource } of queues) {
      expect(resource.Properties!.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyIds(stack)[0], 'Arn'] });
      expect(resource.Properties!.SqsManagedSseEnabled).toBeUndefined();
    }
  });

  it('redrive to their own <name>-dlq after maxReceiveCount receives', () => {
    for (const { stack, resource } of mainQueues) {
      const name = resource.Properties!.QueueName as string;
      const dlq = byName.get(names.deadLetterQueue(name))!;
      expect(dlq.stack).toBe(stack);
      expect(resource.Properties!.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
        maxReceiveCount: testConfig.queues.maxReceiveCount,
      });
      expect(dlq.resource.Properties!.RedrivePolicy).toBeUndefined();
      expect(dlq.resource.Properties!.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
  });

  it('keep messages for the configured retention, invisible for 6x the function timeout', () => {
    for (const { resource } of mainQueues) {
      expect(resource.Properties!.MessageRetentionPeriod).toBe(testConfig.queues.retentionDays * 24 * 3600);
      expect(resource.Properties!.VisibilityTimeout).toBe(6 * testConfig.functions.timeoutSeconds);
    }
  });

  it('every queue’s policy denies requests without TLS', () => {
    const policies = resourcesOfType(s, 'AWS::SQS::QueuePolicy');
    for (const { stack, id } of queues) {
      const policy = policies.find((p) => p.stack === stack && JSON.stringify(p.resource.Properties!.Queues) === JSON.stringify([{ Ref: id }]));
      expect(policy, `${stack}/${id} has a queue policy`).toBeDefined();
      expect(policy!.resource.Properties!.PolicyDocument.Statement).toContainEqual({
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: { 'Fn::GetAtt': [id, 'Arn'] },
      });
    }
  });
});
