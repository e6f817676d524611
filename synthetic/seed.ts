/**
 * Loading the synthetic world into registry tables: each registry's items from `registryItems`,
 * batched 25 at a time with unprocessed items retried (`writeAll`). Used by `ndx seed` and by the
 * local engine's demo data. Not part of any Lambda bundle.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { writeAll } from '../aws/batch-write.ts';
import { names } from '../config/names.ts';
import { registryItems, type SyntheticRegistry, type WorldOptions } from './world.ts';

export interface SeedOptions extends WorldOptions {
  /** Batches in flight at once (default 8). */
  concurrency?: number;
  /** Items written so far and the total, after every batch. */
  onProgress?: (written: number, total: number) => void;
  /** Table to write (default: the registry's table, ndx-registry-<id>). */
  table?: string;
}

export interface SeedResult {
  registry: SyntheticRegistry;
  table: string;
  written: number;
  ms: number;
}

/** How many items `seedRegistry` writes (population: `count`; the others: one generation pass, no writes). */
export function itemCount(registry: SyntheticRegistry, options: WorldOptions): number {
  if (registry === 'population') return options.count;
  let n = 0;
  for (const _ of registryItems(registry, options)) n++;
  return n;
}

export async function seedRegistry(doc: DynamoDBDocumentClient, registry: SyntheticRegistry, options: SeedOptions): Promise<SeedResult> {
  const table = options.table ?? names.registryTable(registry);
  const { onProgress } = options;
  const total = onProgress ? itemCount(registry, options) : 0;
  const started = performance.now();
  const world: WorldOptions = { seed: options.seed, count: options.count, ...(options.asOf ? { asOf: options.asOf } : {}) };
  const { written } = await writeAll(doc, table, registryItems(registry, world), {
    concurrency: options.concurrency ?? 8,
    ...(onProgress ? { onProgress: (n: number) => onProgress(n, total) } : {}),
  });
  return { registry, table, written, ms: performance.now() - started };
}
