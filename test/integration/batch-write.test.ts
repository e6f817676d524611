import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemReader } from '../../aws/batch-get.ts';
import { BATCH_SIZE, UnprocessedItemsError, writeAll } from '../../aws/batch-write.ts';
import { generatePopulation } from '../../synthetic/population.ts';
import type { PopulationRecord } from '../../registries/population/record.ts';

let server: Server;
let endpoint: string;
let tableCounter = 0;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

/** A fresh document client (so middleware added by one test does not leak into another). */
function client(): DynamoDBDocumentClient {
  const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
}

/** A new table keyed by nationalId (dynalite wants names of 3 characters or more). */
async function createTable(doc: DynamoDBDocumentClient): Promise<string> {
  const name = `ndx-batch-write-${++tableCounter}`;
  await doc.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'nationalId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'nationalId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}

async function countItems(doc: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

const records = (seed: string, count: number): PopulationRecord[] => [...generatePopulation({ seed, count })];

/**
 * Middleware that makes DynamoDB look throttled: before each BatchWriteItem reaches the server, it holds
 * back the requests `withhold` picks and reports them in UnprocessedItems, as DynamoDB does.
 */
function throttle(doc: DynamoDBDocumentClient, withhold: (request: { PutRequest?: { Item?: Record<string, unknown> } }, index: number) => boolean) {
  const stats = { calls: 0, withheld: 0, inFlight: 0, maxInFlight: 0 };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      const input = args.input as BatchWriteCommandInput;
      const [[table, requests]] = Object.entries(input.RequestItems ?? {}) as [[string, NonNullable<BatchWriteCommandInput['RequestItems']>[string]]];
      const held = requests.filter((r, i) => withhold(r, i));
      const sent = requests.filter((r) => !held.includes(r));
      stats.calls++;
      stats.withheld += held.length;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        if (sent.length === 0) {
          return { output: { UnprocessedItems: { [table]: held }, $metadata: {} } as BatchWriteCommandOutput, response: {} };
        }
        const result = await next({ ...args, input: { ...input, RequestItems: { [table]: sent } } });
        const output = result.output as BatchWriteCommandOutput;
        const unprocessed = [...(output.UnprocessedItems?.[table] ?? []), ...held];
        output.UnprocessedItems = unprocessed.length > 0 ? { [table]: unprocessed } : {};
        return result;
      } finally {
        stats.inFlight--;
      }
    },
    { step: 'initialize', name: 'throttleBatchWrite' },
  );
  return stats;
}

describe('writeAll against dynalite', () => {
  it('writes 5,000 generated records, reporting progress up to the total', async () => {
    const doc = client();
    const table = await createTable(doc);
    const data = records('batch-write', 5000);
    const progress: number[] = [];
    const started = performance.now();
    const { written } = await writeAll(doc, table, data, { concurrency: 4, onProgress: (n) => progress.push(n) });
    const seconds = (performance.now() - started) / 1000;
    console.log(`writeAll: ${data.length} records in ${seconds.toFixed(2)} s (${Math.round(data.length / seconds)} records/s against dynalite)`);

    expect(written).toBe(5000);
    expect(progress.at(-1)).toBe(5000);
    expect(progress).toHaveLength(5000 / BATCH_SIZE);
    expect(progress.every((n, i) => i === 0 || n > progress[i - 1]!)).toBe(true);
    expect(await countItems(doc, table)).toBe(5000);

    const withTemporary = data.find((r) => r.temporaryResidence !== null)!;
    const deceased = data.find((r) => r.status === 'DECEASED')!;
    for (const expected of [data[0]!, data[4999]!, withTemporary, deceased]) {
      const got = await doc.send(new GetCommand({ TableName: table, Key: { nationalId: expected.nationalId } }));
      expect(got.Item).toEqual(expected);
    }
  });

  it('takes async iterables, and inputs smaller than a batch or empty', async () => {
    const doc = client();
    const table = await createTable(doc);
    async function* stream() {
      for (const r of generatePopulation({ seed: 'async', count: 260 })) yield r;
    }
    expect(await writeAll(doc, table, stream())).toEqual({ written: 260 });
    expect(await writeAll(doc, table, records('small', 7))).toEqual({ written: 7 });
    expect(await writeAll(doc, table, [])).toEqual({ written: 0 });
    expect(await countItems(doc, table)).toBe(267);
  });

  it('retries UnprocessedItems until every item lands', async () => {
    const doc = client();
    const table = await createTable(doc);
    // Every third request is held back the first two times it is sent; some whole batches come back unprocessed.
    const heldTimes = new Map<string, number>();
    const stats = throttle(doc, (r, i) => {
      const id = String(r.PutRequest?.Item?.nationalId);
      const times = heldTimes.get(id) ?? 0;
      if ((i % 3 === 0 || id.endsWith('7')) && times < 2) {
        heldTimes.set(id, times + 1);
        return true;
      }
      return false;
    });
    const data = records('unprocessed', 1000);
    const progress: number[] = [];
    const { written } = await writeAll(doc, table, data, { concurrency: 3, maxRetries: 5, baseDelayMs: 5, onProgress: (n) => progress.push(n) });

    expect(stats.withheld).toBeGreaterThan(300);
    expect(stats.calls).toBeGreaterThan(1000 / BATCH_SIZE);
    expect(written).toBe(1000);
    expect(progress.at(-1)).toBe(1000);
    expect(await countItems(doc, table)).toBe(1000);
    const sample = data[999]!;
    expect((await doc.send(new GetCommand({ TableName: table, Key: { nationalId: sample.nationalId } }))).Item).toEqual(sample);
  });

  it('fails with a clear error once maxRetries is spent', async () => {
    const doc = client();
    const table = await createTable(doc);
    const stats = throttle(doc, (_r, i) => i === 0);
    const error = await writeAll(doc, table, records('stuck', 30), { concurrency: 1, maxRetries: 3, baseDelayMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessedItemsError);
    expect((error as UnprocessedItemsError).attempts).toBe(4);
    expect((error as UnprocessedItemsError).unprocessed).toBe(1);
    expect((error as Error).message).toMatch(new RegExp(`${table}: 1 item\\(s\\) still unprocessed after 4 attempts`));
    // The first batch never completes, so the run stops there: 4 attempts of batch 1 only.
    expect(stats.calls).toBe(4);
  });

  it('keeps at most `concurrency` batches in flight and stops reading input after a failure', async () => {
    const doc = client();
    const table = await createTable(doc);
    const stats = throttle(doc, () => false);
    await writeAll(doc, table, records('concurrency', 600), { concurrency: 2 });
    expect(stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(stats.maxInFlight).toBe(2);

    let pulled = 0;
    function* counted() {
      for (const r of generatePopulation({ seed: 'missing-table', count: 100_000 })) {
        pulled++;
        yield r;
      }
    }
    await expect(writeAll(doc, 'ndx-no-such-table', counted(), { concurrency: 2 })).rejects.toThrow(/not found|non-existent|ResourceNotFound/i);
    expect(pulled).toBeLessThan(10 * BATCH_SIZE);
  });
});

describe('itemReader (coalesced reads) against dynalite', () => {
  /** Counts the commands a client sends, by name. */
  function countCommands(doc: DynamoDBDocumentClient): Map<string, number> {
    const seen = new Map<string, number>();
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        seen.set(name, (seen.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    return seen;
  }

  it('answers reads made together from one BatchGetItem per 100 keys, asking a repeated key once', async () => {
    const doc = client();
    const table = await createTable(doc);
    const data = records('batch-get', 150);
    await writeAll(doc, table, data);
    const seen = countCommands(doc);
    const read = itemReader(doc, table);
    const absent = '001099999999';
    const keys = [...data.map((r) => r.nationalId), data[3]!.nationalId, absent];
    const got = await Promise.all(keys.map((nationalId) => read({ nationalId })));
    expect(got.slice(0, 150)).toEqual(data);
    expect(got[150]).toEqual(data[3]);
    expect(got[151]).toBeUndefined();
    expect(Object.fromEntries(seen)).toEqual({ BatchGetItemCommand: 2 });
  });

  it('reads a lone key with GetItem', async () => {
    const doc = client();
    const table = await createTable(doc);
    const [one] = records('lone-get', 1);
    await writeAll(doc, table, [one!]);
    const seen = countCommands(doc);
    expect(await itemReader(doc, table)({ nationalId: one!.nationalId })).toEqual(one);
    expect(Object.fromEntries(seen)).toEqual({ GetItemCommand: 1 });
  });

  it('retries unprocessed keys until every reader has its item, and fails the readers when they stay unprocessed', async () => {
    const doc = client();
    const table = await createTable(doc);
    const data = records('batch-get-throttled', 30);
    await writeAll(doc, table, data);
    // The first two calls hold back every other key, as DynamoDB does when it throttles.
    let calls = 0;
    let alwaysThrottle = false;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchGetItemCommand') return next(args);
        calls++;
        const input = args.input as BatchGetCommandInput;
        const keys = input.RequestItems![table]!.Keys!;
        const held = alwaysThrottle || calls <= 2 ? keys.filter((_, i) => alwaysThrottle || i % 2 === 1) : [];
        const sent = keys.filter((k) => !held.includes(k));
        const out = sent.length
          ? ((await next({ ...args, input: { RequestItems: { [table]: { ...input.RequestItems![table], Keys: sent } } } })).output as BatchGetCommandOutput)
          : ({ Responses: { [table]: [] }, $metadata: {} } as BatchGetCommandOutput);
        out.UnprocessedKeys = held.length ? { [table]: { Keys: held } } : {};
        return { output: out, response: {} };
      },
      { step: 'initialize', name: 'throttleBatchGet' },
    );
    const read = itemReader(doc, table, { baseDelayMs: 1 });
    expect(await Promise.all(data.map((r) => read({ nationalId: r.nationalId })))).toEqual(data);
    expect(calls).toBe(3);

    alwaysThrottle = true;
    const failed = await Promise.allSettled(data.slice(0, 3).map((r) => read({ nationalId: r.nationalId })));
    expect(failed.every((s) => s.status === 'rejected' && (s.reason as Error).name === 'UnprocessedKeysError')).toBe(true);
  });
});
