/**
 * The indicators job wired to DynamoDB (domain/indicators/run.ts has the rules): the plan reads the
 * registry table's size, each segment reads its part of the table with a parallel Scan and keeps its
 * partial in `ndx-indicator-runs`, the merge adds the partials up and writes the aggregates to
 * `ndx-indicators`. On AWS a state machine runs the three steps as Lambda functions
 * (functions/indicator-run, functions/indicator-segment: infra/constructs/indicator-job.ts); locally
 * `computeIndicators` runs the same three functions in process after seeding (`npm start`, `ndx seed`).
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { names } from '../config/names.ts';
import { CLASSIFIERS } from '../domain/indicators/classify.ts';
import type { ComputeReport } from '../domain/indicators/compute.ts';
import {
  DEFAULT_SIZING,
  mergeRun,
  type MergeInput,
  type Plan,
  plan,
  type PlanInput,
  runSegment,
  type SegmentInput,
  type SegmentReport,
  type SegmentSizing,
} from '../domain/indicators/run.ts';
import { IndicatorRunStore } from './indicator-runs.ts';
import { IndicatorStore } from './indicator-store.ts';
import { scanSegment } from './registry-scan.ts';

/** The registries some indicator counts. */
export const INDICATOR_REGISTRIES: readonly string[] = [...new Set(CLASSIFIERS.map((c) => c.registry))];

export interface JobTables {
  /** The registry's records table (default ndx-registry-<id>). */
  registry: string;
  /** Partials (default ndx-indicator-runs). */
  runs?: string;
  /** Aggregates (default ndx-indicators). */
  indicators?: string;
}

/** Plans a run: the registry table's size (DescribeTable) cut into segments. */
export async function planIndicatorRun(
  doc: DynamoDBDocumentClient,
  input: PlanInput,
  table: string,
  sizing: SegmentSizing = DEFAULT_SIZING,
  now?: () => Date,
): Promise<Plan> {
  const out = await doc.send(new DescribeTableCommand({ TableName: table }));
  return plan(input, out.Table?.TableSizeBytes ?? 0, sizing, now);
}

/** Reads, tallies and keeps the partial of one segment. */
export function runIndicatorSegment(doc: DynamoDBDocumentClient, input: SegmentInput, tables: JobTables): Promise<SegmentReport> {
  return runSegment(
    {
      scanSegment: (_registry, segment, total, attributes, onPage) => scanSegment(doc, tables.registry, segment, total, attributes, onPage),
      partials: new IndicatorRunStore(doc, tables.runs ?? names.indicatorRunTable),
      attempt: randomUUID,
    },
    input,
  );
}

/** Adds up a run's partials and writes its aggregates (each replacing the item of its indicator and period). */
export function mergeIndicatorRun(
  doc: DynamoDBDocumentClient,
  input: MergeInput,
  tables: Omit<JobTables, 'registry'>,
  now?: () => Date,
): Promise<ComputeReport> {
  const store = new IndicatorStore(doc, tables.indicators ?? names.indicatorTable);
  return mergeRun(
    {
      partials: new IndicatorRunStore(doc, tables.runs ?? names.indicatorRunTable),
      write: (aggregates) => store.write(aggregates),
      ...(now ? { now } : {}),
    },
    input,
  );
}

export interface JobOptions {
  asOf: Date;
  /** Parallel scan segments at least (default 8, so that merging is exercised however small the table). */
  segments?: number;
  /** Segments read at once (default 4). */
  concurrency?: number;
  /** Registry table of a registry (default ndx-registry-<id>). */
  table?: (registry: string) => string;
  indicatorTable?: string;
  runTable?: string;
  now?: () => Date;
}

/**
 * One run of the job in process, as the state machine runs it on AWS: plan, every segment (at most
 * `concurrency` at once), merge. What `npm start` and `ndx seed` run after seeding.
 */
export async function computeIndicators(doc: DynamoDBDocumentClient, registry: string, options: JobOptions): Promise<ComputeReport> {
  const table = (options.table ?? names.registryTable)(registry);
  const tables = {
    registry: table,
    ...(options.runTable ? { runs: options.runTable } : {}),
    ...(options.indicatorTable ? { indicators: options.indicatorTable } : {}),
  };
  const minSegments = options.segments ?? 8;
  const run = `local-${randomUUID()}`;
  const planned = await planIndicatorRun(
    doc,
    { step: 'plan', registry, run, asOf: options.asOf.toISOString() },
    table,
    { ...DEFAULT_SIZING, minSegments, maxSegments: Math.max(minSegments, DEFAULT_SIZING.maxSegments) },
    options.now,
  );
  const queue = [...planned.segments];
  const worker = async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift())
      await runIndicatorSegment(doc, { registry, run, asOf: planned.asOf, segment: s, totalSegments: planned.totalSegments }, tables);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, planned.totalSegments)) }, worker));
  return mergeIndicatorRun(doc, { step: 'merge', registry, run, asOf: planned.asOf, totalSegments: planned.totalSegments }, tables, options.now);
}
