/**
 * Issue 12's trust inside the platform, as the templates hold it: the scheduled audit anchors and
 * their Object Lock bucket, the rotated forwarding key, and DynamoDB permissions narrowed to what each
 * function's code sends (idempotency records scoped per function by `dynamodb:LeadingKeys`).
 */
import { describe, expect, it } from 'vitest';
import { ENV } from '../../config/names.ts';
import { build, devApp, logicalId, resourcesOfType, synthesize, testConfig, type CfnTemplate } from './helpers.ts';

const s = devApp();
const platform = s.json.get('ndx-platform')!;
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function roleStatements(t: CfnTemplate, roleId: string): any[] {
  return Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((r) => r.Properties!.PolicyDocument.Statement);
}

function functionStatements(t: CfnTemplate, name: string): any[] {
  const fn = t.Resources[logicalId(t, 'AWS::Lambda::Function', 'FunctionName', name)]!;
  return roleStatements(t, fn.Properties!.Role['Fn::GetAtt'][0]);
}

/** DynamoDB actions a function may use, by the table's logical id (`Table` of the platform's SecureTables). */
function dynamoGrants(statements: any[]): Map<string, { actions: string[]; resources: string[]; condition?: unknown }> {
  const out = new Map<string, { actions: string[]; resources: string[]; condition?: unknown }>();
  for (const st of statements) {
    const actions = asArray(st.Action as string | string[]).filter((a) => a.startsWith('dynamodb:'));
    if (!actions.length) continue;
    const resources = asArray(st.Resource).map((r) => JSON.stringify(r));
    const table =
      /"(?:Fn::ImportValue)?[^"]*?(Audit|Consents|Idempotency|RateLimits|Contracts|IndicatorRuns|Indicators|Records)Table/.exec(resources[0]!)?.[1] ??
      resources[0]!;
    out.set(table, { actions: [...actions].sort(), resources, ...(st.Condition ? { condition: st.Condition } : {}) });
  }
  return out;
}

const platformKeyId = Object.keys(platform.Resources).find((id) => platform.Resources[id]!.Type === 'AWS::KMS::Key' && !id.startsWith('Operations'))!;

describe('audit anchors', () => {
  const bucketId = Object.keys(platform.Resources).find(
    (id) => platform.Resources[id]!.Type === 'AWS::S3::Bucket' && platform.Resources[id]!.Properties!.ObjectLockEnabled,
  )!;
  const bucket = platform.Resources[bucketId]!;

  it('go to one bucket with Object Lock in COMPLIANCE mode, retention from the configuration (1 day in dev, 400 in production)', () => {
    expect(resourcesOfType(s, 'AWS::S3::Bucket').filter((b) => b.resource.Properties!.ObjectLockEnabled)).toHaveLength(1);
    expect(bucket.Properties!.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } });
    const prod = synthesize(build(testConfig, { environment: 'prod' })).json.get('ndx-platform')!;
    const prodBucket = Object.values(prod.Resources).find((r) => r.Type === 'AWS::S3::Bucket' && r.Properties!.ObjectLockEnabled)!;
    expect(prodBucket.Properties!.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 400 });
    expect((bucket as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
  });

  it('which is KMS-encrypted with the platform key, versioned, private, TLS only, with server access logs', () => {
    const p = bucket.Properties!;
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [platformKeyId, 'Arn'] },
    });
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.LoggingConfiguration.DestinationBucketName.Ref).toMatch(/^AuditAnchorsAccessLogs/);
    const policy = Object.values(platform.Resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties!.Bucket) === JSON.stringify({ Ref: bucketId }),
    )!;
    expect(policy.Properties!.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('are written by a function on an EventBridge schedule (anchors.everyMinutes, hourly by default)', () => {
    const rules = resourcesOfType(s, 'AWS::Events::Rule');
    expect(rules).toHaveLength(2); // the anchors, and the daily archive (below)
    const fnId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-audit-anchor');
    const rule = rules.find((r) => JSON.stringify(r.resource.Properties!.Targets).includes(fnId))!;
    expect(rule.resource.Properties!.ScheduleExpression).toBe('rate(1 hour)');
    expect(rule.resource.Properties!.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })]);
    const env = platform.Resources[fnId]!.Properties!.Environment.Variables;
    expect(env[ENV.auditTable]).toBe('ndx-audit');
    expect(env[ENV.anchorBucket]).toEqual({ Ref: bucketId });
    expect(platform.Resources[fnId]!.Properties!.Timeout).toBe(300);
  });

  it('the function may only query the audit table and read and write objects under anchors/', () => {
    const st = functionStatements(platform, 'ndx-audit-anchor');
    const dynamo = st.filter((x) => asArray(x.Action).some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([expect.objectContaining({ Action: 'dynamodb:Query', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AuditTable/), 'Arn'] } })]);
    expect(st.find((x) => x.Sid === 'ReadAndWriteAnchors')).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject'] });
    expect(JSON.stringify(st.find((x) => x.Sid === 'ReadAndWriteAnchors').Resource)).toContain('/anchors/*');
    expect(st.find((x) => x.Sid === 'ListAnchors')).toMatchObject({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['anchors/*'] } } });
    const actions = st.flatMap((x) => asArray(x.Action as string | string[]));
    expect(actions.filter((a) => /^s3:(Delete|PutObjectRetention|PutObjectLegalHold|BypassGovernanceRetention|PutBucket)/.test(a))).toEqual([]);
  });

  it('a daily job archives partitions past their retention in DynamoDB into the bucket, and may delete nothing', () => {
    const fnId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-audit-archive');
    const rule = resourcesOfType(s, 'AWS::Events::Rule').find((r) => JSON.stringify(r.resource.Properties!.Targets).includes(fnId))!;
    expect(rule.resource.Properties!.ScheduleExpression).toBe('rate(1 day)');
    const env = platform.Resources[fnId]!.Properties!.Environment.Variables;
    // Not a production environment: 30 days in DynamoDB, archives locked 1 day (config/schema.ts AUDIT_RETENTION_DAYS).
    expect(env).toMatchObject({ [ENV.auditTable]: 'ndx-audit', [ENV.auditDynamoDbDays]: '30', [ENV.auditArchiveDays]: '1' });
    expect(env[ENV.anchorBucket]).toEqual({ Ref: bucketId });
    const st = functionStatements(platform, 'ndx-audit-archive');
    const dynamo = st.filter((x) => asArray(x.Action).some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      expect.objectContaining({ Action: ['dynamodb:PutItem', 'dynamodb:Query'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AuditTable/), 'Arn'] } }),
    ]);
    expect(st.find((x) => x.Sid === 'ReadAndWriteArchive')).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'] });
    expect(JSON.stringify(st.find((x) => x.Sid === 'ReadAndWriteArchive').Resource)).toContain('/audit-archive/*');
    const actions = st.flatMap((x) => asArray(x.Action as string | string[]));
    expect(
      actions.filter((a) => /^(s3:(Delete|PutObjectLegalHold|BypassGovernanceRetention|PutBucket)|dynamodb:(DeleteItem|UpdateItem|BatchWriteItem))/.test(a)),
    ).toEqual([]);
  });

  it('a schedule that cannot invoke the function alarms', () => {
    const alarm = resourcesOfType(s, 'AWS::CloudWatch::Alarm').find((a) => a.resource.Properties!.AlarmName === 'ndx-audit-anchor-failed-invocations')!;
    expect(alarm.resource.Properties).toMatchObject({ Namespace: 'AWS/Events', MetricName: 'FailedInvocations', Threshold: 1 });
  });
});

describe('forwarding key', () => {
  const secretId = logicalId(platform, 'AWS::SecretsManager::Secret', 'Name', 'ndx/forwarding-key');

  it('is a generated random secret encrypted with the platform key', () => {
    const p = platform.Resources[secretId]!.Properties!;
    expect(p.KmsKeyId).toEqual({ 'Fn::GetAtt': [platformKeyId, 'Arn'] });
    expect(p.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
  });

  it('rotates automatically through the rotation function (forwardingKeyRotationDays, 30 by default)', () => {
    const schedules = resourcesOfType(s, 'AWS::SecretsManager::RotationSchedule');
    expect(schedules).toHaveLength(1);
    const fnId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-forwarding-key-rotation');
    expect(schedules[0]!.resource.Properties).toMatchObject({
      SecretId: { Ref: secretId },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    const actions = functionStatements(platform, 'ndx-forwarding-key-rotation').flatMap((x) => asArray(x.Action as string | string[]));
    for (const a of [
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
      'secretsmanager:GetRandomPassword',
    ]) {
      expect(actions).toContain(a);
    }
    expect(platform.Resources[fnId]!.Metadata?.['ndx:handler']).toBeUndefined();
  });

  it('the router and every adapter are told its id, and may read it and the pepper', () => {
    for (const { resource, stack } of resourcesOfType(s, 'AWS::Lambda::Function').filter((f) => f.resource.Metadata?.['ndx:handler'])) {
      expect(resource.Properties!.Environment.Variables[ENV.forwardingKeySecretId]).toBe('ndx/forwarding-key');
      expect(resource.Properties!.Environment.Variables[ENV.pepperSecretId]).toBe('ndx/subject-pepper');
      const st = functionStatements(s.json.get(stack)!, resource.Properties!.FunctionName);
      const secrets = st.find((x) => asArray(x.Action).includes('secretsmanager:GetSecretValue'));
      expect(JSON.stringify(secrets.Resource)).toContain('ForwardingKey');
      expect(JSON.stringify(secrets.Resource)).toContain('SubjectPepper');
    }
  });
});

describe('DynamoDB permissions: only the actions each function sends', () => {
  it('the router: audit insert-only, consents read and count, rate limits update, contracts query, indicator aggregates read, its own idempotency records', () => {
    const grants = dynamoGrants(functionStatements(platform, 'ndx-router'));
    expect(grants.get('Audit')!.actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(grants.get('Audit')!.resources).toHaveLength(1); // the table, not its citizen-view index
    expect(grants.get('Consents')!.actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(grants.get('RateLimits')!.actions).toEqual(['dynamodb:UpdateItem']);
    expect(grants.get('Contracts')!.actions).toEqual(['dynamodb:Query']);
    expect(grants.get('Indicators')!.actions).toEqual(['dynamodb:GetItem']);
    expect(grants.get('Idempotency')).toMatchObject({
      actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ndx-router#*'] } },
    });
    expect([...grants.keys()].sort()).toEqual(['Audit', 'Consents', 'Contracts', 'Idempotency', 'Indicators', 'RateLimits']);
  });

  it.each(testConfig.registries.map((r) => r.id))(
    'the %s adapter: its records, audit insert-only, consents read, its own idempotency records',
    (registryId) => {
      const grants = dynamoGrants(functionStatements(s.json.get(`ndx-registry-${registryId}`)!, `ndx-adapter-${registryId}`));
      expect(grants.get('Records')!.actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
      expect(grants.get('Audit')!.actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      expect(grants.get('Consents')!.actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
      expect(grants.get('Idempotency')).toMatchObject({
        actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`ndx-adapter-${registryId}#*`] } },
      });
      expect([...grants.keys()].sort()).toEqual(['Audit', 'Consents', 'Idempotency', 'Records']);
    },
  );

  it('no function may update, delete or batch-write audit records, nor scan any table but the indicators segment function its registry’s', () => {
    for (const { stack, resource } of resourcesOfType(s, 'AWS::Lambda::Function')) {
      const name = resource.Properties!.FunctionName as string;
      const grants = dynamoGrants(functionStatements(s.json.get(stack)!, name));
      const audit = grants.get('Audit')?.actions ?? [];
      for (const a of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) expect(audit).not.toContain(a);
      const scanned = [...grants].filter(([, g]) => g.actions.includes('dynamodb:Scan')).map(([table]) => table);
      expect(scanned, name).toEqual(/^ndx-indicators-.*-segment$/.test(name) ? ['Records'] : []);
    }
  });
});
