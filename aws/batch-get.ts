/**
 * Reading single items by key, coalesced: the reads a batch of lookups makes together leave as one
 * `BatchGetItem` (up to 100 keys), a lone read stays a `GetItem` (see coalesce.ts). Identical keys
 * are asked once; unprocessed keys are retried with backoff and full jitter.
 */
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Coalescer } from './coalesce.ts';
import { sleep } from './dynamo-errors.ts';

/** DynamoDB's limit of keys in one BatchGetItem call. */
export const BATCH_GET_KEYS = 100;

type Key = Record<string, string | number>;
type Item = Record<string, unknown>;

export interface ItemReaderOptions {
  /** Strongly consistent reads (default false, as GetItem's). */
  consistentRead?: boolean;
  /** Retries of unprocessed keys before their readers fail (default 6). */
  maxRetries?: number;
  baseDelayMs?: number;
}

/** Keys still unprocessed after the retries: the table is throttling reads. */
export class UnprocessedKeysError extends Error {
  override readonly name = 'UnprocessedKeysError';
}

/** The identity of a key whatever its attributes' order. */
export function keyId(key: Key): string {
  return JSON.stringify(
    Object.keys(key)
      .sort()
      .map((k) => [k, key[k]]),
  );
}

/** An item's key, by the attribute names of a key asked for. */
function keyOfItem(item: Item, names: readonly string[]): Key {
  return Object.fromEntries(names.map((n) => [n, item[n] as string | number]));
}

/** Returns a reader of one table: `read(key)` resolves to the item, or undefined when there is none. */
export function itemReader(doc: DynamoDBDocumentClient, table: string, options: ItemReaderOptions = {}): (key: Key) => Promise<Item | undefined> {
  const consistent = options.consistentRead ?? false;
  const maxRetries = options.maxRetries ?? 6;
  const base = options.baseDelayMs ?? 20;

  async function readAll(keys: readonly Key[]): Promise<Array<Item | undefined | Error>> {
    if (keys.length === 1) {
      try {
        return [(await doc.send(new GetCommand({ TableName: table, Key: keys[0], ConsistentRead: consistent }))).Item];
      } catch (error) {
        return [error instanceof Error ? error : new Error(String(error))];
      }
    }
    const wanted = new Map<string, Key>();
    for (const k of keys) wanted.set(keyId(k), k);
    const found = new Map<string, Item>();
    let todo = [...wanted.values()];
    try {
      for (let attempt = 0; ; attempt++) {
        // Every key of one table has the same attribute names; the first pending key gives them.
        const [sample] = todo;
        if (sample === undefined) break;
        if (attempt > maxRetries) throw new UnprocessedKeysError(`BatchGetItem on ${table}: ${todo.length} key(s) unprocessed after ${maxRetries} retries`);
        if (attempt > 0) await sleep(Math.random() * base * 2 ** attempt);
        const out = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: todo, ConsistentRead: consistent } } }));
        for (const item of out.Responses?.[table] ?? []) found.set(keyId(keyOfItem(item, Object.keys(sample))), item);
        todo = (out.UnprocessedKeys?.[table]?.Keys as Key[] | undefined) ?? [];
      }
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return keys.map(() => e);
    }
    return keys.map((k) => found.get(keyId(k)));
  }

  const coalescer = new Coalescer<Key, Item | undefined>(readAll, BATCH_GET_KEYS);
  return (key) => coalescer.submit(key);
}
