/**
 * The indicators job at national scale, in the three steps a state machine runs on AWS (a plan, a
 * distributed map over parallel scan segments, a merge: infra/constructs/indicator-job.ts) and the
 * local engine runs in process (aws/indicator-job.ts), with the same code:
 *
 * - **plan**: the instant the run counts as of, and how many segments the registry's table is read in
 *   (from its size: DynamoDB reports it);
 * - **segment**: one segment read and tallied (compute.ts `tallySegment`), its tally kept as a
 *   *partial* under the run: chunks first, then a commit naming the attempt that wrote them;
 * - **merge**: every segment's committed partial added up (the counts merge by addition) and written as
 *   aggregates, replacing those of the same indicator and period.
 *
 * Never double-counted: a retried segment writes its chunks under a new attempt and commits last, and
 * the merge reads only the committed attempt's chunks; a segment without a commit fails the merge (and
 * so the run, visibly). A re-run for the same period is a new run whose merge overwrites the aggregates.
 */
import * as z from 'zod';
import { Tally } from './aggregate.ts';
import type { ComputePorts, ComputeReport } from './compute.ts';
import { tallySegment, writeAggregates } from './compute.ts';

/** How a registry's table is cut into parallel scan segments. */
export interface SegmentSizing {
  /** Bytes of the table one segment reads (what one segment function reads in about a minute). */
  readonly bytesPerSegment: number;
  readonly minSegments: number;
  /** At most this many segments (the distributed map's items; DynamoDB allows up to 1,000,000). */
  readonly maxSegments: number;
}

/**
 * 256 MiB a segment: at the 5 MB/s or so one function reads and tallies a Scan (1 MB pages), under a
 * minute; 1 to 1,000 segments (the 50 GB population table of 100 million citizens: 200).
 */
export const DEFAULT_SIZING: SegmentSizing = { bytesPerSegment: 256 * 1024 ** 2, minSegments: 1, maxSegments: 1000 };

/** Segments for a table of `tableSizeBytes` (DynamoDB's DescribeTable; updated about every six hours). */
export function segmentsFor(tableSizeBytes: number, sizing: SegmentSizing = DEFAULT_SIZING): number {
  const { bytesPerSegment, minSegments, maxSegments } = sizing;
  if (!(bytesPerSegment > 0 && Number.isInteger(minSegments) && minSegments >= 1 && Number.isInteger(maxSegments) && maxSegments >= minSegments))
    throw new Error('segment sizing: bytesPerSegment > 0 and whole numbers 1 ≤ minSegments ≤ maxSegments');
  const wanted = Math.ceil(Math.max(0, tableSizeBytes) / bytesPerSegment);
  return Math.min(maxSegments, Math.max(minSegments, wanted));
}

/** The instant a scheduled run counts as of: the first of the month it is scheduled in, 00:00 UTC (the month before is its period). */
export function scheduledAsOf(scheduled: Date): Date {
  return new Date(Date.UTC(scheduled.getUTCFullYear(), scheduled.getUTCMonth(), 1));
}

/** The instant a run for a monthly `period` (YYYY-MM) counts as of: the first of the next month, 00:00 UTC. */
export function periodAsOf(period: string): Date {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) throw new Error(`period ${JSON.stringify(period)}: expected YYYY-MM`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]), 1));
}

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'a run id: letters, digits, - and _ (a Step Functions execution name)');
const Registry = z.string().regex(/^[a-z0-9-]{1,40}$/);

/** What starts a run: an explicit instant, a period, or the schedule's time (EventBridge Scheduler's `<aws.scheduler.scheduled-time>`). */
export const PlanInput = z.strictObject({
  step: z.literal('plan'),
  registry: Registry,
  run: RunId,
  asOf: z.iso.datetime().optional(),
  period: z.string().optional(),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

export const SegmentInput = z.strictObject({
  registry: Registry,
  run: RunId,
  asOf: z.iso.datetime(),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().min(1),
});
export type SegmentInput = z.infer<typeof SegmentInput>;

export const MergeInput = z.strictObject({
  step: z.literal('merge'),
  registry: Registry,
  run: RunId,
  asOf: z.iso.datetime(),
  totalSegments: z.number().int().min(1),
});
export type MergeInput = z.infer<typeof MergeInput>;

export interface Plan {
  registry: string;
  run: string;
  asOf: string;
  totalSegments: number;
  /** 0 … totalSegments − 1: the distributed map's items. */
  segments: number[];
}

/** The plan of a run of a registry whose table holds `tableSizeBytes`. */
export function plan(input: PlanInput, tableSizeBytes: number, sizing: SegmentSizing = DEFAULT_SIZING, now: () => Date = () => new Date()): Plan {
  const asOf = input.asOf
    ? new Date(input.asOf)
    : input.period !== undefined
      ? periodAsOf(input.period)
      : scheduledAsOf(input.scheduledTime ? new Date(input.scheduledTime) : now());
  const totalSegments = segmentsFor(tableSizeBytes, sizing);
  return { registry: input.registry, run: input.run, asOf: asOf.toISOString(), totalSegments, segments: Array.from({ length: totalSegments }, (_, i) => i) };
}

/** Counts of a partial: indicator → period → cell → count. */
export const PartialChunk = z.strictObject({
  counts: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number().int().min(1)))),
});
export type PartialChunk = z.infer<typeof PartialChunk>;

/** The last thing a segment writes: which attempt's chunks are its partial, and how many. */
export const PartialCommit = z.strictObject({
  attempt: z.string().min(1),
  chunks: z.number().int().min(0),
  records: z.number().int().min(0),
  unclassified: z.number().int().min(0),
});
export type PartialCommit = z.infer<typeof PartialCommit>;

/** Under DynamoDB's 400 KB item limit with room for keys and attributes. */
export const MAX_CHUNK_BYTES = 300_000;

/** A tally's counts cut into chunks of at most about `maxBytes` of JSON each (none for an empty tally). */
export function partialChunks(tally: Tally, maxBytes = MAX_CHUNK_BYTES): PartialChunk[] {
  const chunks: PartialChunk[] = [];
  let current: PartialChunk['counts'] = {};
  let size = 0;
  for (const [indicator, byPeriod] of tally.counts)
    for (const [period, cells] of byPeriod)
      for (const [cell, n] of cells) {
        // `"indicator":{"period":{"cell":n,` at worst, escaping aside.
        const cost = indicator.length + period.length + cell.length + String(n).length + 16;
        if (size > 0 && size + cost > maxBytes) {
          chunks.push({ counts: current });
          current = {};
          size = 0;
        }
        const periods = current[indicator] ?? {};
        current[indicator] = periods;
        const counts = periods[period] ?? {};
        periods[period] = counts;
        counts[cell] = n;
        size += cost;
      }
  if (size > 0) chunks.push({ counts: current });
  return chunks;
}

/** A partial's tally again, from its commit and chunks. */
export function tallyOfPartial(commit: PartialCommit, chunks: readonly PartialChunk[]): Tally {
  const tally = new Tally();
  for (const chunk of chunks)
    for (const [indicator, byPeriod] of Object.entries(chunk.counts))
      for (const [period, cells] of Object.entries(byPeriod)) for (const [cell, n] of Object.entries(cells)) tally.add(indicator, period, cell, n);
  tally.records = commit.records;
  tally.unclassified = commit.unclassified;
  return tally;
}

/** Where a run keeps its segments' partials (aws/indicator-runs.ts). */
export interface PartialPorts {
  putChunk(registry: string, run: string, segment: number, attempt: string, index: number, chunk: PartialChunk): Promise<void>;
  commit(registry: string, run: string, segment: number, commit: PartialCommit): Promise<void>;
  getCommit(registry: string, run: string, segment: number): Promise<PartialCommit | undefined>;
  /** The chunks an attempt wrote, in index order. */
  getChunks(registry: string, run: string, segment: number, attempt: string): Promise<PartialChunk[]>;
}

export interface SegmentReport {
  registry: string;
  run: string;
  segment: number;
  records: number;
  chunks: number;
}

/** Reads and tallies one segment and keeps its partial: chunks, then the commit. */
export async function runSegment(
  ports: Pick<ComputePorts, 'scanSegment'> & { partials: PartialPorts; attempt: () => string },
  input: SegmentInput,
): Promise<SegmentReport> {
  if (input.segment >= input.totalSegments) throw new Error(`segment ${input.segment} of ${input.totalSegments}: out of range`);
  const tally = await tallySegment(ports, input.registry, input.segment, input.totalSegments, new Date(input.asOf));
  const chunks = partialChunks(tally);
  const attempt = ports.attempt();
  for (const [index, chunk] of chunks.entries()) await ports.partials.putChunk(input.registry, input.run, input.segment, attempt, index, chunk);
  await ports.partials.commit(input.registry, input.run, input.segment, {
    attempt,
    chunks: chunks.length,
    records: tally.records,
    unclassified: tally.unclassified,
  });
  return { registry: input.registry, run: input.run, segment: input.segment, records: tally.records, chunks: chunks.length };
}

/** A segment of the run has no committed partial, or not all of its chunks: the run cannot be merged. */
export class IncompleteRunError extends Error {
  override readonly name = 'IncompleteRunError';
}

/** Adds up every segment's committed partial (at most `concurrency` read at once) and writes the aggregates. */
export async function mergeRun(
  ports: Pick<ComputePorts, 'write'> & { partials: PartialPorts; now?: () => Date },
  input: MergeInput,
  concurrency = 16,
): Promise<ComputeReport> {
  const total = new Tally();
  const missing: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let s = next++; s < input.totalSegments; s = next++) {
      const commit = await ports.partials.getCommit(input.registry, input.run, s);
      if (!commit) {
        missing.push(s);
        continue;
      }
      const chunks = await ports.partials.getChunks(input.registry, input.run, s, commit.attempt);
      if (chunks.length !== commit.chunks)
        throw new IncompleteRunError(`${input.registry} run ${input.run}: segment ${s} committed ${commit.chunks} chunk(s), ${chunks.length} found`);
      total.merge(tallyOfPartial(commit, chunks));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, input.totalSegments)) }, worker));
  if (missing.length)
    throw new IncompleteRunError(
      `${input.registry} run ${input.run}: ${missing.length} of ${input.totalSegments} segment(s) have no committed partial (${missing
        .sort((a, b) => a - b)
        .slice(0, 10)
        .join(', ')}${missing.length > 10 ? ', …' : ''}); nothing was written`,
    );
  return writeAggregates(ports, total, { registry: input.registry, asOf: input.asOf, segments: input.totalSegments, now: ports.now });
}
