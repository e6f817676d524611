/**
 * The functions and their event source mappings, in the shapes the local engine reads: literal
 * environments, `ndx:handler` metadata, and mappings whose properties are literals or simple
 * intrinsics pointing at resources of the app.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV, names } from '../../config/names.ts';
import { fromRoot } from '../../infra/paths.ts';
import { devApp, logicalId, resourcesOfType, testConfig } from './helpers.ts';

const s = devApp();
const all = resourcesOfType(s, 'AWS::Lambda::Function');
/** The functions lookups pass through, which the local engine runs too (they carry `ndx:handler`). */
const functions = all.filter((f) => f.resource.Metadata?.['ndx:handler'] !== undefined);
/** Functions that exist only on AWS: the scheduled audit anchor, the forwarding key's rotation, the redrive. */
const awsOnly = ['ndx-audit-anchor', 'ndx-audit-archive', 'ndx-forwarding-key-rotation', 'ndx-redrive'];
/** The indicators job's functions, one pair per registry some indicator counts (both registries of the test configuration): AWS-only too. */
const indicatorJob = testConfig.registries.flatMap((r) => [`ndx-indicators-${r.id}`, `ndx-indicators-${r.id}-segment`]);

const common = {
  [ENV.auditTable]: 'ndx-audit',
  [ENV.consentTable]: 'ndx-consents',
  [ENV.idempotencyTable]: 'ndx-idempotency',
  [ENV.maxReceiveCount]: String(testConfig.queues.maxReceiveCount),
  [ENV.pepperSecretId]: 'ndx/subject-pepper',
  [ENV.forwardingKeySecretId]: 'ndx/forwarding-key',
  // The environment's audit shards (config/capacity.ts: 16 without a capacity).
  [ENV.auditShards]: '16',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

describe('functions', () => {
  it('are the router and one adapter per registry, and the AWS-only anchor, rotation, redrive and indicators job functions', () => {
    expect(functions.map((f) => f.resource.Properties!.FunctionName).sort()).toEqual(
      ['ndx-router', ...testConfig.registries.map((r) => `ndx-adapter-${r.id}`)].sort(),
    );
    expect(
      all
        .filter((f) => !functions.includes(f))
        .map((f) => f.resource.Properties!.FunctionName)
        .sort(),
    ).toEqual([...awsOnly, ...indicatorJob].sort());
    // The local engine runs the job's steps in process (aws/indicator-job.ts): no ndx:handler on its functions either.
    for (const f of all.filter((x) => indicatorJob.includes(x.resource.Properties!.FunctionName))) {
      expect(f.stack).toMatch(/^ndx-registry-/);
      expect(f.resource.Metadata?.['ndx:handler']).toBeUndefined();
    }
    for (const f of all.filter((x) => awsOnly.includes(x.resource.Properties!.FunctionName))) {
      expect(f.stack).toBe('ndx-platform');
      // No ndx:handler: the local engine does not run them (it anchors under NDX_DATA_DIR itself).
      expect(f.resource.Metadata?.['ndx:handler']).toBeUndefined();
      expect(f.resource.Properties!.Runtime).toBe('nodejs24.x');
      expect(f.resource.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.resource.Properties!.ReservedConcurrentExecutions).toBeGreaterThanOrEqual(1);
    }
  });

  it('run Node.js 24 on ARM64 with active tracing, their own log group and the configured size', () => {
    for (const { stack, resource } of functions) {
      const p = resource.Properties!;
      expect(['nodejs22.x', 'nodejs24.x']).toContain(p.Runtime);
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.Timeout).toBe(testConfig.functions.timeoutSeconds);
      expect(p.MemorySize).toBe(testConfig.functions.memoryMb);
      expect(p.Handler).toBe('index.handler');
      const logGroupId = p.LoggingConfig.LogGroup.Ref as string;
      const logGroup = s.json.get(stack)!.Resources[logGroupId]!;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties!.LogGroupName).toBe(`/aws/lambda/${p.FunctionName}`);
      expect(logGroup.Properties!.RetentionInDays).toBe(90);
    }
  });

  it('the router has literal platform variables', () => {
    const router = functions.find((f) => f.resource.Properties!.FunctionName === 'ndx-router')!;
    expect(router.stack).toBe('ndx-platform');
    expect(router.resource.Properties!.Environment.Variables).toEqual({
      ...common,
      [ENV.rateLimitTable]: 'ndx-rate-limits',
      [ENV.contractTable]: 'ndx-contracts',
      [ENV.indicatorTable]: 'ndx-indicators',
      POWERTOOLS_SERVICE_NAME: 'ndx-router',
      POWERTOOLS_METRICS_NAMESPACE: 'ndx',
    });
    expect(router.resource.Metadata!['ndx:handler']).toBe('functions/router/handler.ts');
  });

  it.each(testConfig.registries.map((r) => r.id))('the %s adapter has literal variables naming its registry', (registryId) => {
    const adapter = functions.find((f) => f.resource.Properties!.FunctionName === `ndx-adapter-${registryId}`)!;
    expect(adapter.stack).toBe(`ndx-registry-${registryId}`);
    expect(adapter.resource.Properties!.Environment.Variables).toEqual({
      ...common,
      [ENV.registryId]: registryId,
      [ENV.registryTable]: names.registryTable(registryId),
      POWERTOOLS_SERVICE_NAME: `ndx-adapter-${registryId}`,
      POWERTOOLS_METRICS_NAMESPACE: 'ndx',
    });
    expect(adapter.resource.Metadata!['ndx:handler']).toBe('functions/adapter/handler.ts');
  });

  it('every environment value is a literal string and every ndx:handler file exists', () => {
    for (const { resource } of functions) {
      for (const v of Object.values(resource.Properties!.Environment.Variables)) expect(typeof v).toBe('string');
      expect(existsSync(fromRoot(resource.Metadata!['ndx:handler']))).toBe(true);
    }
  });

  it('no function loads source maps at start (no --enable-source-maps: it cost every cold start 5–7 ms of compile; `npm run stack-trace` decodes)', () => {
    expect(all.length).toBeGreaterThan(functions.length);
    for (const { resource } of all) {
      const options: string = resource.Properties!.Environment?.Variables?.NODE_OPTIONS ?? '';
      expect(options, resource.Properties!.FunctionName).not.toMatch(/source-maps/);
    }
  });
});

describe('event source mappings', () => {
  const mappings = resourcesOfType(s, 'AWS::Lambda::EventSourceMapping');

  it('one per agency out-queue (to the router) and one per registry in-queue (to its adapter)', () => {
    expect(mappings).toHaveLength(testConfig.agencies.length + testConfig.registries.length);
    for (const { resource } of mappings) {
      expect(resource.Properties!.BatchSize).toBe(testConfig.queues.batchSize);
      expect(resource.Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });

  it('registry: same-stack GetAtt of the queue and Ref of the adapter', () => {
    for (const r of testConfig.registries) {
      const t = s.json.get(`ndx-registry-${r.id}`)!;
      const [m] = Object.values(t.Resources).filter((x) => x.Type === 'AWS::Lambda::EventSourceMapping');
      const queueId = logicalId(t, 'AWS::SQS::Queue', 'QueueName', names.registryInQueue(r.id));
      const fnId = logicalId(t, 'AWS::Lambda::Function', 'FunctionName', `ndx-adapter-${r.id}`);
      expect(m!.Properties!.EventSourceArn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
      expect(m!.Properties!.FunctionName).toEqual({ Ref: fnId });
    }
  });

  it('agency: same-stack GetAtt of the out-queue and Fn::ImportValue of the router exported by ndx-platform', () => {
    const platform = s.json.get('ndx-platform')!;
    const routerId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-router');
    for (const a of testConfig.agencies) {
      const t = s.json.get(`ndx-agency-${a.id}`)!;
      const [m] = Object.values(t.Resources).filter((x) => x.Type === 'AWS::Lambda::EventSourceMapping');
      const queueId = logicalId(t, 'AWS::SQS::Queue', 'QueueName', names.agencyOutQueue(a.id));
      expect(m!.Properties!.EventSourceArn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
      const exportName = m!.Properties!.FunctionName['Fn::ImportValue'] as string;
      const output = Object.values(platform.Outputs ?? {}).find((o) => o.Export?.Name === exportName);
      expect(output?.Value).toEqual({ Ref: routerId });
    }
  });
});
