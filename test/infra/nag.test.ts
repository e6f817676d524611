/**
 * cdk-nag (AWS Solutions, Serverless, NIST 800-53 rev. 5) and CloudFormation's default rules run at
 * synthesis. The app must have no unacknowledged finding, error or warning; each acknowledgement must
 * be one we chose, with a reason. The detectors themselves are proven by deliberately insecure
 * resources and by deliberately weakened ndx constructs.
 */
import { describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ndxStacks } from '../../infra/build-app.ts';
import { NAG_PACKS, REASONS } from '../../infra/constructs/nag.ts';
import realConfig from '../../ndx.config.ts';
import { build, devApp, resourcesOfType, synthesize, testConfig, validationFindings, type Synthesized } from './helpers.ts';

describe('validation at synthesis', () => {
  it('ndx.config.ts synthesizes with no unacknowledged finding (dev and prod)', () => {
    for (const environment of Object.keys(realConfig.environments)) {
      expect(validationFindings(build(realConfig, { environment })), environment).toEqual([]);
    }
  });

  it('the test configuration synthesizes with no unacknowledged finding (dev and prod)', () => {
    expect(validationFindings(build(testConfig))).toEqual([]);
    expect(validationFindings(build(testConfig, { environment: 'prod' }))).toEqual([]);
  });

  it('runs the AWS Solutions, Serverless and NIST 800-53 rev. 5 packs', () => {
    expect(NAG_PACKS).toEqual(['AwsSolutions', 'Serverless', 'NIST.800.53.R5']);
    const app = build(testConfig);
    const insecure = new Stack(app, 'insecure');
    new sqs.CfnQueue(insecure, 'PlainQueue', { queueName: 'plain', sqsManagedSseEnabled: false });
    new logs.CfnLogGroup(insecure, 'PlainLogs', { retentionInDays: 7 });
    const plugins = new Set(validationFindings(app).map((f) => f.plugin));
    for (const pack of NAG_PACKS) expect(plugins, pack).toContain(pack);
  });

  it('the Serverless and NIST packs report a deliberately insecure function, queue and log group', () => {
    const app = build(testConfig);
    const insecure = new Stack(app, 'insecure');
    const role = new iam.Role(insecure, 'FnRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new lambda.CfnFunction(insecure, 'PlainFunction', {
      code: { zipFile: 'exports.handler = async () => {}' },
      handler: 'index.handler',
      runtime: 'nodejs18.x',
      role: role.roleArn,
    }); // no memory, no timeout, no tracing, old runtime, no concurrency limit, outside a VPC
    new sqs.Queue(insecure, 'NoDlq', { encryption: sqs.QueueEncryption.KMS_MANAGED, enforceSSL: true }); // no redrive policy
    new logs.LogGroup(insecure, 'PlainLogs', { retention: logs.RetentionDays.ONE_WEEK }); // not encrypted with a CMK
    const rules = new Set(validationFindings(app).map((f) => f.rule));
    for (const rule of [
      'Serverless-LambdaDefaultMemorySize',
      'Serverless-LambdaDefaultTimeout',
      'Serverless-LambdaTracing',
      'Serverless-LambdaLatestVersion',
      'Serverless-SQSRedrivePolicy',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaInsideVPC',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
    ]) {
      expect(rules, rule).toContain(rule);
    }
  });

  it('a deliberately weakened ndx construct fails the gate (no point-in-time recovery, unencrypted logs, no DLQ)', () => {
    const app = build(testConfig);
    const { platform, registries } = ndxStacks(app);
    (platform.auditTable.table.node.defaultChild as dynamodb.CfnTable).pointInTimeRecoverySpecification = { pointInTimeRecoveryEnabled: false };
    (platform.router.logGroup.node.defaultChild as logs.CfnLogGroup).kmsKeyId = undefined;
    const population = registries.get('population')!.registry;
    (population.inbound.queue.node.defaultChild as sqs.CfnQueue).redrivePolicy = undefined;
    const findings = validationFindings(app);
    const at = (rule: string) => findings.filter((f) => f.rule === rule).flatMap((f) => f.paths);
    expect(at('AwsSolutions-DDB3')).toContain('ndx-platform/Audit/Table/Resource');
    expect(at('NIST.800.53.R5-DynamoDBPITREnabled')).toContain('ndx-platform/Audit/Table/Resource');
    expect(at('NIST.800.53.R5-CloudWatchLogGroupEncrypted')).toContain('ndx-platform/Router/LogGroup/Resource');
    expect(at('AwsSolutions-SQS3')).toContain('ndx-registry-population/Registry/Inbound/Queue/Resource');
    expect(at('Serverless-SQSRedrivePolicy')).toContain('ndx-registry-population/Registry/Inbound/Queue/Resource');
  });

  it('reports a deliberately insecure queue, table and policy (errors and warnings)', () => {
    const app = build(testConfig);
    const insecure = new Stack(app, 'insecure');
    new sqs.CfnQueue(insecure, 'PlainQueue', { queueName: 'plain', sqsManagedSseEnabled: false }); // no encryption, no TLS policy, no DLQ
    new dynamodb.CfnTable(insecure, 'PlainTable', {
      keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
    }); // no point-in-time recovery: a warning-level rule
    const role = new iam.Role(insecure, 'Wide', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }));

    const findings = validationFindings(app);
    const nag = findings.filter((f) => f.plugin === 'AwsSolutions');
    const rules = new Set(nag.map((f) => f.rule));
    for (const rule of ['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4', 'AwsSolutions-IAM5[Action::sqs:*]', 'AwsSolutions-IAM5[Resource::*]']) {
      expect(rules, rule).toContain(rule);
    }
    expect(nag.find((f) => f.rule === 'AwsSolutions-DDB3')?.severity).toBe('warning');
    // Every finding is on the insecure stack: ndx's own stacks stay clean.
    for (const f of findings) for (const p of f.paths) expect(p).toMatch(/^insecure\//);
  });

  it('synthesis itself fails on a finding (tests and `cdk synth` alike)', () => {
    const app = build(testConfig);
    new sqs.Queue(new Stack(app, 'insecure'), 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2|Validation failed/);
  });
});

describe('acknowledgements', () => {
  const pattern = (p: string) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:${p}]`;
  const KNOWN = [
    ...Object.keys(REASONS),
    pattern('ndx-agency-*-out'),
    pattern('ndx-agency-*-in'),
    pattern('ndx-registry-*-in'),
    pattern('ndx-*'),
    pattern('ndx-*-dlq'),
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/ndx-registry-*]',
  ];
  /** The anchor function's objects under `anchors/`, the archive function's under `audit-archive/` (the bucket's logical id is CDK's). */
  const ANCHOR_OBJECTS = /^AwsSolutions-IAM5\[Resource::<AuditAnchorsBucket[0-9A-F]{8}\.Arn>\/(anchors|audit-archive)\/\*\]$/;
  /**
   * A registry's indicators job: its state machine invokes its two functions (and their versions, `:*`) and its
   * distributed map describes, stops and redrives its own child executions (named at run time).
   */
  const INDICATOR_JOB =
    /^AwsSolutions-IAM5\[Resource::(<RegistryIndicators(Run|Segment)Function[0-9A-F]{8}\.Arn>:\*|arn:aws:states:ap-southeast-1:(<AWS::AccountId>|\d{12}):execution:\{"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Ref":"RegistryIndicatorsStateMachine[0-9A-F]{8}"\}\]\}\]\}(\/Segments)?:\*)\]$/;

  function acknowledged(s: Synthesized) {
    const seen: Array<{ stack: string; type: string; id: string; name?: string }> = [];
    for (const [stack, t] of s.json) {
      for (const r of Object.values(t.Resources)) {
        const rules = (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>;
        for (const rule of rules) {
          if (!ANCHOR_OBJECTS.test(rule.id) && !INDICATOR_JOB.test(rule.id)) expect(KNOWN).toContain(rule.id);
          expect(rule.reason.length).toBeGreaterThan(60);
          if (rule.id in REASONS && rule.id !== 'AwsSolutions-IAM5[Resource::*]') expect(rule.reason).toBe(REASONS[rule.id as keyof typeof REASONS]);
          seen.push({ stack, type: r.Type, id: rule.id, name: r.Properties?.QueueName ?? r.Properties?.FunctionName ?? r.Properties?.TableName });
        }
      }
    }
    return seen;
  }
  const only = (seen: ReturnType<typeof acknowledged>, id: string) => seen.filter((x) => x.id === id);

  it('are only the known ones, each on the resources it concerns, with its reason (audit trail in the templates)', () => {
    const s = devApp();
    const seen = acknowledged(s);
    const count = (type: string) => resourcesOfType(s, type).length;
    for (const id of ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled']) {
      expect(only(seen, id)).toEqual([{ stack: 'ndx-platform', type: 'AWS::SecretsManager::Secret', id }]);
    }
    // The anchor bucket's access-log bucket, and only it, has no access logs or KMS of its own.
    for (const id of ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3DefaultEncryptionKMS']) {
      expect(only(seen, id), id).toEqual([{ stack: 'ndx-platform', type: 'AWS::S3::Bucket', id }]);
    }
    expect(only(seen, 'NIST.800.53.R5-S3BucketReplicationEnabled')).toHaveLength(2);
    // The anchor and archive schedules.
    expect(only(seen, 'Serverless-EventBusDLQ').map(({ stack, type, id }) => ({ stack, type, id }))).toEqual(
      Array(2).fill({ stack: 'ndx-platform', type: 'AWS::Events::Rule', id: 'Serverless-EventBusDLQ' }),
    );
    // X-Ray's `*` once per function role's default policy (router, adapters, anchor, archive, rotation, redrive, each registry's
    // indicators run and segment functions); the operators' GetMetricData once; X-Ray and log delivery once per indicators state machine.
    expect(only(seen, 'AwsSolutions-IAM5[Resource::*]').map((x) => x.type)).toEqual(
      Array(1 + testConfig.registries.length + 4 + 1 + 3 * testConfig.registries.length).fill('AWS::IAM::Policy'),
    );
    // Per registry: its state machine invokes its two functions, its distributed map handles its child executions (two patterns).
    const job = seen.filter((x) => INDICATOR_JOB.test(x.id));
    expect(job).toHaveLength(4 * testConfig.registries.length);
    for (const x of job) expect(x).toMatchObject({ stack: expect.stringMatching(/^ndx-registry-/), type: 'AWS::IAM::Policy' });
    // Naming-convention patterns: the router's three, one per adapter, the redrive function's four, the operators' two.
    expect(seen.filter((x) => x.id.includes(':sqs:')).map((x) => `${x.stack} ${x.id}`)).toHaveLength(3 + testConfig.registries.length + 4 + 2);
    expect(seen.filter((x) => ANCHOR_OBJECTS.test(x.id))).toEqual(Array(2).fill(expect.objectContaining({ stack: 'ndx-platform', type: 'AWS::IAM::Policy' })));
    // The pepper alone is not rotated automatically; the forwarding key is.
    expect(only(seen, 'AwsSolutions-SMG4')).toHaveLength(1);
    // Dead-letter queues, and only they, have no redrive policy of their own.
    const dlqs = only(seen, 'Serverless-SQSRedrivePolicy');
    expect(dlqs).toHaveLength(2 * testConfig.agencies.length + testConfig.registries.length);
    for (const q of dlqs) expect(q.name).toMatch(/-dlq$/);
    // Every function, mapping, table and inline policy: the rules that do not fit a serverless SQS (or Step Functions) design.
    for (const id of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC']) {
      expect(
        only(seen, id).map((x) => x.type),
        id,
      ).toEqual(Array(count('AWS::Lambda::Function')).fill('AWS::Lambda::Function'));
    }
    // The anchor, rotation, redrive and indicators run functions reserve their concurrency; the lookup functions do not, nor the
    // indicators segment functions, bounded by their distributed map (see REASONS).
    expect(
      only(seen, 'NIST.800.53.R5-LambdaConcurrency')
        .map((x) => x.name)
        .sort(),
    ).toEqual(['ndx-router', ...testConfig.registries.flatMap((r) => [`ndx-adapter-${r.id}`, `ndx-indicators-${r.id}-segment`])].sort());
    expect(only(seen, 'Serverless-LambdaEventSourceMappingDestination')).toHaveLength(count('AWS::Lambda::EventSourceMapping'));
    expect(only(seen, 'NIST.800.53.R5-DynamoDBInBackupPlan')).toHaveLength(count('AWS::DynamoDB::Table'));
    expect(only(seen, 'NIST.800.53.R5-IAMNoInlinePolicy')).toHaveLength(count('AWS::IAM::Policy'));
  });

  it('concurrency is acknowledged only where no reserved concurrency is configured', () => {
    const prod = synthesize(build(testConfig, { environment: 'prod' }));
    // Only the indicators segment functions, bounded by their distributed map's MaxConcurrency.
    expect(
      only(acknowledged(prod), 'NIST.800.53.R5-LambdaConcurrency')
        .map((x) => x.name)
        .sort(),
    ).toEqual(testConfig.registries.map((r) => `ndx-indicators-${r.id}-segment`).sort());
    for (const { resource } of resourcesOfType(prod, 'AWS::Lambda::Function')) {
      const name = resource.Properties!.FunctionName as string;
      if (/^ndx-indicators-.*-segment$/.test(name)) {
        expect(resource.Properties!.ReservedConcurrentExecutions, name).toBeUndefined();
        continue;
      }
      const expected = name === 'ndx-router' ? 50 : name.startsWith('ndx-adapter-') ? 20 : name === 'ndx-redrive' || name.startsWith('ndx-indicators-') ? 2 : 1;
      expect(resource.Properties!.ReservedConcurrentExecutions, name).toBe(expected);
    }
  });
});
