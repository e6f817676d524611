/**
 * Bulk loading into DynamoDB: `BatchWriteItem` in batches of 25, a few batches in flight, unprocessed
 * items retried with exponential backoff and full jitter. The input is pulled lazily (sync or async
 * iterable), so memory stays bounded by `concurrency × 25` items however large the input.
 *
 * The caller guarantees that a batch never holds two items with the same key (DynamoDB rejects such a
 * request); keys unique across the whole input, like national IDs, satisfy that.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sleep } from './dynamo-errors.ts';

/** DynamoDB's limit of requests in one BatchWriteItem call. */
export const BATCH_SIZE = 25;

export interface WriteAllOptions {
  /** Batches in flight at once (default 4). */
  concurrency?: number;
  /** Called with the running total of items written, after each call that wrote some. */
  onProgress?: (written: number) => void;
  /** Retries of a batch's unprocessed items before giving up (default 8). */
  maxRetries?: number;
  /** First backoff ceiling in ms; doubles per retry (default 50). */
  baseDelayMs?: number;
  /** Largest backoff ceiling in ms (default 5000). */
  maxDelayMs?: number;
}

type Item = Record<string, unknown>;
type WriteRequest = { PutRequest: { Item: Item } };

/** Thrown when a batch still has unprocessed items after `maxRetries` retries. */
export class UnprocessedItemsError extends Error {
  readonly tableName: string;
  /** Items of the failing batch that were never written. */
  readonly unprocessed: number;
  readonly attempts: number;

  constructor(tableName: string, unprocessed: number, attempts: number) {
    super(
      `BatchWriteItem to ${tableName}: ${unprocessed} item(s) still unprocessed after ${attempts} attempts ` +
        '(the table is throttling writes; raise its capacity, lower concurrency or raise maxRetries)',
    );
    this.name = 'UnprocessedItemsError';
    this.tableName = tableName;
    this.unprocessed = unprocessed;
    this.attempts = attempts;
  }
}

/**
 * Puts every item of `items` into `tableName`, resolving with the number written once all are in.
 * Rejects on the first batch that fails (a service error, or unprocessed items after `maxRetries`), after
 * letting the batches already in flight settle and without reading further input.
 */
export async function writeAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: AsyncIterable<Item> | Iterable<Item>,
  options: WriteAllOptions = {},
): Promise<{ written: number }> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 8));
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const { onProgress } = options;

  let written = 0;
  let failed = false;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();

  const writeBatch = async (batch: WriteRequest[]): Promise<void> => {
    let requests = batch;
    for (let attempt = 1; ; attempt++) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      const unprocessed = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      const done = requests.length - unprocessed.length;
      if (done > 0) {
        written += done;
        onProgress?.(written);
      }
      if (unprocessed.length === 0) return;
      if (attempt > maxRetries) throw new UnprocessedItemsError(tableName, unprocessed.length, attempt);
      // Full jitter: uniform in [0, min(max, base * 2^(attempt-1))).
      await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      requests = unprocessed;
    }
  };

  const launch = async (batch: WriteRequest[]): Promise<void> => {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failed) return;
    const task: Promise<void> = writeBatch(batch).then(
      () => {
        inFlight.delete(task);
      },
      (error: unknown) => {
        inFlight.delete(task);
        if (!failed) {
          failed = true;
          failure = error;
        }
      },
    );
    inFlight.add(task);
  };

  let batch: WriteRequest[] = [];
  const add = async (item: Item): Promise<void> => {
    batch.push({ PutRequest: { Item: item } });
    if (batch.length === BATCH_SIZE) {
      const full = batch;
      batch = [];
      await launch(full);
    }
  };

  if (Symbol.asyncIterator in items) {
    for await (const item of items) {
      if (failed) break;
      await add(item);
    }
  } else {
    for (const item of items) {
      if (failed) break;
      // Only wait when a batch is full, so a synchronous source is not slowed by a microtask per item.
      if (batch.length === BATCH_SIZE - 1) await add(item);
      else batch.push({ PutRequest: { Item: item } });
    }
  }
  if (!failed && batch.length > 0) await launch(batch);
  await Promise.all(inFlight);
  if (failed) throw failure;
  return { written };
}
