/**
 * A registry is a config entry plus one module: the module's table design matches its entry in
 * ndx.config.ts, every contract's provider is a configured registry with a module, every list
 * contract's query is one its provider's module answers, and every consumer is a configured agency.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import config from '../../ndx.config.ts';
import { defineConfig } from '../../config/schema.ts';
import { CONTRACTS } from '../../contracts/catalog.ts';
import { dynamoSource } from '../../registries/dynamo-source.ts';
import { REGISTRIES } from '../../registries/index.ts';
import { InvalidCursorError, RegistryUnavailableError } from '../../domain/lookup/registry-source.ts';

describe('registries: configuration and modules agree', () => {
  it('every configured registry has a module with the same table design, and every module is configured', () => {
    expect(Object.keys(REGISTRIES).sort()).toEqual(config.registries.map((r) => r.id).sort());
    for (const r of config.registries) {
      const module = REGISTRIES[r.id]!;
      expect(module.id).toBe(r.id);
      expect({ key: r.key, indexes: r.indexes }, r.id).toEqual({ key: module.table.key, indexes: module.table.indexes });
      if (r.source.kind === 'http') expect(module.http, `${r.id} has no HTTP source`).toBe(true);
    }
  });

  it('every contract is provided by a configured registry, for configured agencies, through queries its module answers', () => {
    const agencies = new Set(config.agencies.map((a) => a.id));
    for (const c of CONTRACTS) {
      const module = REGISTRIES[c.provider];
      expect(module, `${c.id}: provider ${c.provider}`).toBeDefined();
      for (const v of c.versions) {
        for (const consumer of v.consumers) expect(agencies.has(consumer), `${c.id}@${v.version}: ${consumer}`).toBe(true);
        if (v.list) expect(module!.queries, `${c.id}@${v.version}`).toContain(v.list.query);
      }
    }
  });

  it('the configuration checks that an HTTP source’s attempts fit in one invocation, and refuses duplicate indexes', () => {
    const base = { agencies: config.agencies, environments: { dev: { region: 'ap-southeast-1' } } };
    const business = (source: unknown, indexes: unknown[] = []) => ({
      id: 'business',
      title: 'B',
      operator: 'MoF',
      key: { partition: 'enterpriseCode' },
      indexes,
      source,
    });
    expect(() =>
      defineConfig({ ...base, registries: [business({ kind: 'http', url: 'https://portal.example.vn/ndx', timeoutMs: 2000, attempts: 3 }) as never] }),
    ).not.toThrow();
    expect(() =>
      defineConfig({ ...base, registries: [business({ kind: 'http', url: 'https://portal.example.vn/ndx', timeoutMs: 4000, attempts: 3 }) as never] }),
    ).toThrow(/function timeout/);
    expect(() => defineConfig({ ...base, registries: [business({ kind: 'http', url: 'ftp://portal.example.vn' }) as never] })).toThrow();
    const index = { name: 'byX', partition: 'x' };
    expect(() => defineConfig({ ...base, registries: [business({ kind: 'dynamodb' }, [index, index]) as never] })).toThrow(/appears twice/);
  });

  it('a table-only registry refuses an HTTP source at start-up', () => {
    expect(() => REGISTRIES.land!.createSource({ NDX_REGISTRY_TABLE: 'ndx-registry-land', NDX_REGISTRY_SOURCE_URL: 'http://x' })).toThrow(/no HTTP source/);
  });
});

describe('dynamoSource: list queries', () => {
  const Row = z.looseObject({ updatedAt: z.string() });
  function fake(pages: Array<Record<string, unknown>[]>) {
    const sent: Array<Record<string, unknown>> = [];
    const doc = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command.input);
        const items = pages.shift() ?? [];
        return { Items: items };
      },
    } as unknown as DynamoDBDocumentClient;
    const source = dynamoSource({
      doc,
      table: 't',
      key: { partition: 'parcelId', sort: 'sk' },
      keyOf: (s) => (s.parcelId ? { parcelId: s.parcelId, sk: 'PARCEL' } : undefined),
      schema: Row,
      queries: { mine: { index: 'byOwner', indexKey: { partition: 'ownerId', sort: 'parcelId' }, partitionOf: (s) => s.nationalId, schema: Row } },
    });
    return { source, sent };
  }
  const row = (n: number) => ({ parcelId: `p${n}`, sk: 'OWNER#o1', ownerId: 'o1', updatedAt: '2026-01-01T00:00:00Z' });

  it('asks for one more item than the page and makes the last item’s key the cursor only when more follow', async () => {
    const { source, sent } = fake([[row(1), row(2), row(3)], [row(3)]]);
    const first = await source.query!('mine', { nationalId: 'o1' }, { size: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next).toEqual({ ownerId: 'o1', parcelId: 'p2', sk: 'OWNER#o1' });
    expect(sent[0]).toMatchObject({ IndexName: 'byOwner', Limit: 3, ExpressionAttributeValues: { ':pk': 'o1' } });
    const second = await source.query!('mine', { nationalId: 'o1' }, { size: 2, after: first.next! });
    expect(second.next).toBeUndefined();
    expect(sent[1]).toMatchObject({ ExclusiveStartKey: first.next });
  });

  it('refuses a cursor of another subject or of another shape before reading', async () => {
    const { source, sent } = fake([]);
    const other = { ownerId: 'o2', parcelId: 'p2', sk: 'OWNER#o2' };
    await expect(source.query!('mine', { nationalId: 'o1' }, { size: 2, after: other })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(source.query!('mine', { nationalId: 'o1' }, { size: 2, after: { ownerId: 'o1', parcelId: 'p2' } })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(source.query!('mine', { nationalId: 'o1' }, { size: 2, after: 'a string' })).rejects.toBeInstanceOf(InvalidCursorError);
    expect(sent).toHaveLength(0);
  });

  it('turns DynamoDB failures into RegistryUnavailableError', async () => {
    const doc = {
      send: async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })),
    } as unknown as DynamoDBDocumentClient;
    const source = dynamoSource({ doc, table: 't', key: { partition: 'id' }, keyOf: (s) => ({ id: s.id! }), schema: Row });
    await expect(source.get({ id: 'x' })).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
