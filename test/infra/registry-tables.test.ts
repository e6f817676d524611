/**
 * Registry tables follow their configuration: the key, the global secondary indexes of their list
 * queries (which the adapter may query, index by index), and, for a registry read from an agency
 * system over HTTP, the adapter's source settings.
 */
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { defineConfig } from '../../config/schema.ts';
import realConfig from '../../ndx.config.ts';
import { ENV } from '../../config/names.ts';
import { build, resourcesOfType, synthesize } from './helpers.ts';

const config = defineConfig({
  registries: [
    { id: 'population', title: 'Population', operator: 'MPS', key: { partition: 'nationalId' } },
    {
      id: 'land',
      title: 'Land',
      operator: 'MAE',
      key: { partition: 'parcelId', sort: 'sk' },
      indexes: [{ name: 'byOwner', partition: 'ownerId', sort: 'parcelId' }],
    },
    {
      id: 'business',
      title: 'Business',
      operator: 'MoF',
      key: { partition: 'enterpriseCode', sort: 'sk' },
      indexes: [{ name: 'byRepresentative', partition: 'representativeId', sort: 'enterpriseCode' }],
      source: { kind: 'http', url: 'https://portal.example.vn/ndx', timeoutMs: 2000, attempts: 3 },
    },
  ],
  agencies: [{ id: 'hanoi-land-office', name: 'Hanoi Land Registration Office' }],
  environments: { dev: { region: 'ap-southeast-1' } },
});
const s = synthesize(build(config));

describe('registry tables', () => {
  it('have the configured key and one global secondary index per list query, projecting every attribute', () => {
    const land = s.templates.get('ndx-registry-land')!;
    land.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-registry-land',
      KeySchema: [
        { AttributeName: 'parcelId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byOwner',
          KeySchema: [
            { AttributeName: 'ownerId', KeyType: 'HASH' },
            { AttributeName: 'parcelId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'ownerId', AttributeType: 'S' }]),
    });
    const population = resourcesOfType(s, 'AWS::DynamoDB::Table').find((t) => t.resource.Properties!.TableName === 'ndx-registry-population')!;
    expect(population.resource.Properties!.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('let the adapter query each index by name (no index wildcard) and nothing more', () => {
    const t = s.json.get('ndx-registry-land')!;
    const policies = Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const statements = policies.flatMap((p) => p.Properties!.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const read = statements.find(
      (st) => ([] as string[]).concat(st.Action).includes('dynamodb:Query') && JSON.stringify(st.Resource).includes('/index/byOwner'),
    );
    expect(read).toBeDefined();
    expect(JSON.stringify(read!.Resource)).not.toContain('index/*');
    expect(([] as string[]).concat(read!.Action).filter((a) => /Put|Update|Delete|BatchWrite/.test(a))).toEqual([]);
  });

  it('give an HTTP-backed registry’s adapter its source settings as literal environment variables', () => {
    const fns = resourcesOfType(s, 'AWS::Lambda::Function');
    const env = (id: string) => fns.find((f) => f.resource.Properties!.FunctionName === `ndx-adapter-${id}`)!.resource.Properties!.Environment.Variables;
    expect(env('business')).toMatchObject({
      [ENV.registrySourceUrl]: 'https://portal.example.vn/ndx',
      [ENV.registrySourceTimeoutMs]: '2000',
      [ENV.registrySourceAttempts]: '3',
    });
    expect(env('land')[ENV.registrySourceUrl]).toBeUndefined();
  });

  it('ndx.config.ts declares the four national registries with the indexes their list contracts need', () => {
    expect(realConfig.registries.map((r) => r.id)).toEqual(['population', 'land', 'social-insurance', 'business']);
    expect(realConfig.registries.find((r) => r.id === 'land')!.indexes.map((i) => i.name)).toEqual(['byOwner']);
    expect(realConfig.registries.find((r) => r.id === 'business')!.indexes.map((i) => i.name)).toEqual(['byRepresentative']);
  });
});
