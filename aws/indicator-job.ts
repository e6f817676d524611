/**
 * The indicators job wired to DynamoDB: a registry table read in parallel scan segments, its
 * aggregates written to `ndx-indicators` (domain/indicators/compute.ts has the rules). Run by the
 * scheduled indicators function, and locally after seeding (`npm start`, `ndx seed`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { names } from '../config/names.ts';
import { CLASSIFIERS } from '../domain/indicators/classify.ts';
import { type ComputeReport, computeAggregates } from '../domain/indicators/compute.ts';
import { IndicatorStore } from './indicator-store.ts';
import { scanSegment } from './registry-scan.ts';

/** The registries some indicator counts. */
export const INDICATOR_REGISTRIES: readonly string[] = [...new Set(CLASSIFIERS.map((c) => c.registry))];

export interface JobOptions {
  asOf: Date;
  /** Parallel scan segments (default 8; at national scale, see README: Indicators). */
  segments?: number;
  concurrency?: number;
  /** Registry table of a registry (default ndx-registry-<id>). */
  table?: (registry: string) => string;
  indicatorTable?: string;
  now?: () => Date;
}

export function computeIndicators(doc: DynamoDBDocumentClient, registry: string, options: JobOptions): Promise<ComputeReport> {
  const store = new IndicatorStore(doc, options.indicatorTable ?? names.indicatorTable);
  const table = options.table ?? names.registryTable;
  return computeAggregates(
    {
      scanSegment: (r, segment, total, attributes, onPage) => scanSegment(doc, table(r), segment, total, attributes, onPage),
      write: (aggregates) => store.write(aggregates),
    },
    registry,
    { segments: options.segments ?? 8, concurrency: options.concurrency ?? 4, asOf: options.asOf, ...(options.now ? { now: options.now } : {}) },
  );
}
