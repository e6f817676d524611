/**
 * cdk-nag (AWS Solutions) and CloudFormation's default rules run at synthesis. The app must have no
 * unacknowledged finding, error or warning; each acknowledgement must be one we chose, with a reason.
 * The detector itself is proven by deliberately insecure resources.
 */
import { describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import realConfig from '../../ndx.config.ts';
import { build, devApp, testConfig, validationFindings } from './helpers.ts';

describe('validation at synthesis', () => {
  it('ndx.config.ts synthesizes with no unacknowledged finding (dev and prod)', () => {
    for (const environment of Object.keys(realConfig.environments)) {
      expect(validationFindings(build(realConfig, { environment })), environment).toEqual([]);
    }
  });

  it('the test configuration synthesizes with no unacknowledged finding', () => {
    expect(validationFindings(build(testConfig))).toEqual([]);
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
  const KNOWN = [
    'AwsSolutions-SMG4',
    'AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:ndx-agency-*-out]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:ndx-agency-*-in]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:ndx-registry-*-in]',
  ];

  it('are only the known ones, each on the one resource it concerns, with a reason (audit trail in the templates)', () => {
    const s = devApp();
    const seen: Array<{ stack: string; type: string; id: string }> = [];
    for (const [stack, t] of s.json) {
      for (const r of Object.values(t.Resources)) {
        const rules = (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>;
        for (const rule of rules) {
          expect(KNOWN).toContain(rule.id);
          expect(rule.reason.length).toBeGreaterThan(60);
          seen.push({ stack, type: r.Type, id: rule.id });
        }
      }
    }
    expect(seen.filter((x) => x.id === 'AwsSolutions-SMG4')).toEqual([
      { stack: 'ndx-platform', type: 'AWS::SecretsManager::Secret', id: 'AwsSolutions-SMG4' },
    ]);
    // X-Ray's `*`: once per function role's default policy.
    expect(seen.filter((x) => x.id === 'AwsSolutions-IAM5[Resource::*]').map((x) => x.type)).toEqual(
      Array(1 + testConfig.registries.length).fill('AWS::IAM::Policy'),
    );
    // Naming-convention patterns: the router's three, one per adapter.
    expect(seen.filter((x) => x.id.includes('sqs:'))).toHaveLength(3 + testConfig.registries.length);
  });
});
