/**
 * Computing a registry's aggregates: a scheduled job, not a stream. The registry table is read in
 * parallel segments (DynamoDB's parallel Scan: each segment a disjoint part of the table, read page by
 * page), each segment tallied on its own (classify.ts), the tallies merged by addition, and one
 * aggregate item written per indicator and period. Transport-free: the store and the scan are ports
 * (aws/registry-scan.ts, aws/indicator-store.ts). Locally the engine runs it after seeding; in AWS the
 * indicators function runs it on a schedule (README: Indicators).
 */
import { type Aggregate, Tally } from './aggregate.ts';
import { READ_ATTRIBUTES, tallyItems } from './classify.ts';

export interface ComputePorts {
  /** Reads one segment of a registry's table, page by page (only `attributes`). */
  scanSegment(
    registry: string,
    segment: number,
    totalSegments: number,
    attributes: readonly string[],
    onPage: (items: Record<string, unknown>[]) => void,
  ): Promise<void>;
  /** Writes aggregates, replacing those of the same indicator and period. */
  write(aggregates: readonly Aggregate[]): Promise<void>;
}

export interface ComputeOptions {
  /** Parallel scan segments (DynamoDB allows up to 1,000,000). */
  segments: number;
  /** Segments read at once. */
  concurrency: number;
  /** The instant the records describe. */
  asOf: Date;
  now?: () => Date;
}

export interface ComputeReport {
  registry: string;
  records: number;
  unclassified: number;
  aggregates: Array<{ indicator: string; period: string; cells: number; units: number }>;
  segments: number;
}

/** The tally of one segment. */
export async function tallySegment(ports: Pick<ComputePorts, 'scanSegment'>, registry: string, segment: number, total: number, asOf: Date): Promise<Tally> {
  const tally = new Tally();
  await ports.scanSegment(registry, segment, total, READ_ATTRIBUTES[registry] ?? [], (items) => tallyItems(tally, registry, items, asOf));
  return tally;
}

/** Reads every segment (at most `concurrency` at once), merges and writes the registry's aggregates. */
export async function computeAggregates(ports: ComputePorts, registry: string, options: ComputeOptions): Promise<ComputeReport> {
  if (!(Number.isInteger(options.segments) && options.segments >= 1)) throw new Error('segments: a whole number, at least 1');
  const total = new Tally();
  let next = 0;
  const worker = async () => {
    for (let s = next++; s < options.segments; s = next++) total.merge(await tallySegment(ports, registry, s, options.segments, options.asOf));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.segments)) }, worker));
  return writeAggregates(ports, total, { registry, asOf: options.asOf.toISOString(), segments: options.segments, now: options.now });
}

/** Writes the aggregates of a whole tally (one pass, or the merge of a run's segments) and reports them. */
export async function writeAggregates(
  ports: Pick<ComputePorts, 'write'>,
  total: Tally,
  run: { registry: string; asOf: string; segments: number; now?: (() => Date) | undefined },
): Promise<ComputeReport> {
  const computedAt = (run.now ?? (() => new Date()))().toISOString();
  const aggregates = total.aggregates({ registry: run.registry, asOf: run.asOf, computedAt });
  await ports.write(aggregates);
  return {
    registry: run.registry,
    records: total.records,
    unclassified: total.unclassified,
    segments: run.segments,
    aggregates: aggregates.map((a) => ({
      indicator: a.indicator,
      period: a.period,
      cells: Object.keys(a.counts).length,
      units: Object.values(a.counts).reduce((x, y) => x + y, 0),
    })),
  };
}
