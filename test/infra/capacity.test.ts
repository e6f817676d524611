/**
 * Capacity in the stacks: an environment's `capacity` sizes each mapping, the reservations, the audit
 * shards its functions are told, and table warm throughput; synthesis stops when it cannot be carried.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import realConfig from '../../ndx.config.ts';
import { capacityPlan } from '../../config/capacity.ts';
import { defineConfig, type NdxConfigInput } from '../../config/schema.ts';
import { CONTRACTS } from '../../contracts/catalog.ts';
import { CapacityError } from '../../infra/deployment.ts';
import { SecureTable } from '../../infra/constructs/secure-table.ts';
import { build, resourcesOfType, synthesize, testConfig } from './helpers.ts';

type Capacity = NonNullable<NdxConfigInput['environments'][string]['capacity']>;

function configWith(capacity: Capacity, extra: object = {}) {
  return defineConfig({ ...testConfig, environments: { ...testConfig.environments, big: { region: 'ap-southeast-1', capacity, ...extra } } } as NdxConfigInput);
}

const sized: Capacity = {
  lookupsPerSecond: { sustained: 100, peak: 300 },
  accountConcurrency: 1000,
  auditShards: 32,
  shares: { agencies: { 'hanoi-land-office': 2, 'hcmc-public-services': 1, 'danang-tax-office': 1 }, registries: { population: 3, land: 1 } },
};

describe('capacity in the stacks', () => {
  const s = synthesize(build(configWith(sized), { environment: 'big' }));
  const functions = resourcesOfType(s, 'AWS::Lambda::Function');
  const fn = (name: string) => {
    const f = functions.find((x) => x.resource.Properties!.FunctionName === name);
    if (!f) throw new Error(`no function ${name}`);
    return f.resource.Properties!;
  };
  const mapping = (stack: string) => {
    const [m] = resourcesOfType(s, 'AWS::Lambda::EventSourceMapping').filter((x) => x.stack === stack);
    return m?.resource.Properties?.ScalingConfig;
  };

  it('sizes each queue’s mapping from its share of the peak, never below functions.maxConcurrency', () => {
    expect(mapping('ndx-agency-hanoi-land-office')).toEqual({ MaximumConcurrency: 6 });
    expect(mapping('ndx-agency-hcmc-public-services')).toEqual({ MaximumConcurrency: 5 });
    expect(mapping('ndx-registry-population')).toEqual({ MaximumConcurrency: 15 });
    expect(mapping('ndx-registry-land')).toEqual({ MaximumConcurrency: 5 });
  });

  it('reserves what the mappings may run when the stated quota leaves room', () => {
    expect(fn('ndx-router').ReservedConcurrentExecutions).toBe(16);
    expect(fn('ndx-adapter-population').ReservedConcurrentExecutions).toBe(15);
    expect(fn('ndx-adapter-land').ReservedConcurrentExecutions).toBe(5);
  });

  it('tells every function that appends to the audit chain its shard count', () => {
    for (const name of ['ndx-router', 'ndx-adapter-population', 'ndx-adapter-land']) expect(fn(name).Environment.Variables.NDX_AUDIT_SHARDS, name).toBe('32');
  });

  it('keeps the default of 16 shards where no capacity is stated', () => {
    const dev = synthesize(build());
    const router = resourcesOfType(dev, 'AWS::Lambda::Function').find((x) => x.resource.Properties!.FunctionName === 'ndx-router');
    expect(router?.resource.Properties?.Environment.Variables.NDX_AUDIT_SHARDS).toBe('16');
  });

  it('refuses to synthesize a peak the contracts’ limits or the stated quota cannot carry', () => {
    // hanoi-land-office's half of 5,000/s is 2,500/s; its contracts (1.1.0) here allow 136,000 a minute (2,267/s).
    expect(() => build(configWith({ ...sized, lookupsPerSecond: { sustained: 100, peak: 5000 } }), { environment: 'big' })).toThrow(CapacityError);
    expect(() => build(configWith({ ...sized, lookupsPerSecond: { sustained: 100, peak: 5000 } }), { environment: 'big' })).toThrow(
      /cannot carry its capacity \(5000 lookups\/s at the peak\)[\s\S]*contract limits hanoi-land-office: expected 2,500 lookups\/s/,
    );
    expect(() => build(configWith({ ...sized, accountConcurrency: 20 }), { environment: 'big' })).toThrow(
      /more than the account's Lambda concurrency quota of 20/,
    );
  });
});

describe('the sample prod (ndx.config.ts) at its 2,500/s peak', () => {
  const plan = capacityPlan(realConfig, 'prod', CONTRACTS);
  const s = synthesize(build(realConfig, { environment: 'prod' }));
  const functions = resourcesOfType(s, 'AWS::Lambda::Function').map((f) => f.resource.Properties!);
  const fn = (name: string) => functions.find((f) => f.FunctionName === name)!;
  const mapping = (stack: string) => resourcesOfType(s, 'AWS::Lambda::EventSourceMapping').find((x) => x.stack === stack)?.resource.Properties?.ScalingConfig;

  it('synthesizes with each mapping and reservation as the plan derives them', () => {
    expect(plan.problems).toEqual([]);
    // hcmc-public-services' 40% is 1,000/s: 25 executions busy at 25 ms, / 0.65 → 39.
    expect(mapping('ndx-agency-hcmc-public-services')).toEqual({ MaximumConcurrency: 39 });
    for (const [agency, n] of Object.entries(plan.routerMappings)) expect(mapping(`ndx-agency-${agency}`), agency).toEqual({ MaximumConcurrency: n });
    for (const [registry, n] of Object.entries(plan.adapterMappings)) {
      expect(mapping(`ndx-registry-${registry}`), registry).toEqual({ MaximumConcurrency: n });
      expect(fn(`ndx-adapter-${registry}`).ReservedConcurrentExecutions, registry).toBe(n);
    }
    expect(fn('ndx-router').ReservedConcurrentExecutions).toBe(plan.reserved.router);
  });

  it('tells the functions the audit shards and creates the busy tables warm', () => {
    expect(plan.auditShards).toBe(32);
    for (const name of ['ndx-router', 'ndx-adapter-population', 'ndx-adapter-business'])
      expect(fn(name).Environment.Variables.NDX_AUDIT_SHARDS, name).toBe('32');
    const tables = resourcesOfType(s, 'AWS::DynamoDB::Table').map((t) => t.resource.Properties!);
    expect(Object.keys(plan.warmThroughput).length).toBeGreaterThan(0);
    for (const [name, warm] of Object.entries(plan.warmThroughput)) {
      expect(tables.find((t) => t.TableName === name)?.WarmThroughput, name).toEqual({
        ...(warm.writeUnitsPerSecond ? { WriteUnitsPerSecond: warm.writeUnitsPerSecond } : {}),
        ...(warm.readUnitsPerSecond ? { ReadUnitsPerSecond: warm.readUnitsPerSecond } : {}),
      });
    }
  });
});

describe('SecureTable warm throughput', () => {
  it('applies to the table and each of its indexes', () => {
    const stack = new Stack(new App(), 'T');
    new SecureTable(stack, 'Audit', {
      tableName: 't',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [{ indexName: 'bySubject', partitionKey: { name: 's', type: dynamodb.AttributeType.STRING } }],
      encryptionKey: new kms.Key(stack, 'K'),
      production: false,
      warmThroughput: { writeUnitsPerSecond: 5000 },
    });
    const table = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'))[0]!.Properties;
    expect(table.WarmThroughput).toEqual({ WriteUnitsPerSecond: 5000 });
    expect(table.GlobalSecondaryIndexes[0].WarmThroughput).toEqual({ WriteUnitsPerSecond: 5000 });
  });
});
