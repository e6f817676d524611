/** `ndx seed` as people run it: a child process loading synthetic registries into a running local endpoint. */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import { itemCount } from '../../synthetic/seed.ts';
import { startEngine, type Engine } from '../../local/engine.ts';
import { fastConfig, runNdx } from './support.ts';

let engine: Engine;

const ndx = (...args: string[]) => runNdx({ ...process.env, AWS_ENDPOINT_URL: engine.endpoint.url }, args);

async function tableCount(table: string): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new ScanCommand({ TableName: table, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }));
    n += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return n;
}

beforeAll(async () => {
  // Tables and queues only: seeding needs no handlers.
  engine = await startEngine({ config: fastConfig(), port: 0, runFunctions: false });
});
afterAll(async () => {
  await engine?.stop();
});

describe('ndx seed', () => {
  it('loads the registries asked for, derived from the same citizens, and reports counts and rates', async () => {
    const r = await ndx('--json', 'seed', '--registry', 'land,business', '--registry', 'social-insurance', '--count', '400', '--seed', 'seed-test');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Array<{ registry: string; written: number; perSecond: number; table: string }> };
    // In dependency order, whatever order they were named in.
    expect(out.results.map((x) => x.registry)).toEqual(['business', 'social-insurance', 'land']);
    for (const x of out.results) {
      expect(x.written).toBe(itemCount(x.registry as 'land', { seed: 'seed-test', count: 400 }));
      expect(x.perSecond).toBeGreaterThan(0);
      expect(await tableCount(x.table)).toBe(x.written);
    }
    expect(await tableCount(names.registryTable('population'))).toBe(0);
  });

  it('is idempotent: seeding again writes the same items, the tables do not grow', async () => {
    const before = await tableCount(names.registryTable('land'));
    const r = await ndx('seed', '--registry', 'land', '--count', '400', '--seed', 'seed-test');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^land\s+[\d,]+ items/m);
    expect(await tableCount(names.registryTable('land'))).toBe(before);
  });

  it('says what is wrong: an unknown registry or count (exit 2), a non-local endpoint without --force (exit 8)', async () => {
    const unknown = await ndx('seed', '--registry', 'cadastre');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no synthetic data for registry "cadastre"');
    expect((await ndx('seed', '--count', 'many')).code).toBe(2);
    const remote = await ndx('--endpoint', 'https://sqs.ap-southeast-1.amazonaws.com', 'seed', '--count', '10');
    expect(remote.code).toBe(8);
    expect(remote.stderr).toContain('--force');
  });
});
