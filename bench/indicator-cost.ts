/**
 * `node bench/indicator-cost.ts [--citizens 100000000] [--json]`: what one run of the indicators job
 * costs (infra/constructs/indicator-job.ts) at a number of citizens, at the list prices of
 * bench/prices.ts. Pure arithmetic over the registries' shape, measured on the synthetic world (items
 * per citizen and bytes per item, below), and three stated assumptions: a segment function reads and
 * tallies about 5 MB/s, each segment's partial holds at most one entry per cell of its indicators, and
 * a child execution of the distributed map takes three state transitions.
 */
import { parseArgs } from 'node:util';
import { PRICES, type Prices } from './prices.ts';

export interface RegistryShape {
  registry: string;
  /** Items in the registry's table per citizen (synthetic world: `ndx seed`). */
  itemsPerCitizen: number;
  /** Mean stored bytes of one item (DynamoDB's item size). */
  bytesPerItem: number;
  /** Cells one segment's partial can hold at most (all its indicators' cells over the periods a run writes). */
  cells: number;
}

/** Measured on the synthetic world (README: Indicators): 100 M citizens ≈ 110 GB of registry items. */
export const REGISTRY_SHAPES: readonly RegistryShape[] = [
  // 34 provinces × 2 sexes × 18 five-year bands.
  { registry: 'population', itemsPerCitizen: 1, bytesPerItem: 502, cells: 34 * 2 * 18 },
  // 34 provinces × 21 VSIC sections × every month since 1976 (registrations are written for every past month).
  { registry: 'business', itemsPerCitizen: 0.089, bytesPerItem: 454, cells: 34 * 21 * 600 },
  { registry: 'social-insurance', itemsPerCitizen: 0.516, bytesPerItem: 314, cells: 34 * 2 },
  { registry: 'land', itemsPerCitizen: 1.077, bytesPerItem: 368, cells: 34 * 12 },
];

export interface JobAssumptions {
  /** Bytes one segment reads (domain/indicators/run.ts DEFAULT_SIZING). */
  bytesPerSegment: number;
  maxSegments: number;
  /** What one segment function reads and tallies per second (1 MB Scan pages, unmarshalled and classified). */
  bytesPerSecond: number;
  segmentMemoryMb: number;
  /** Bytes of one partial entry (`"cell":count` with its indicator and period, in a DynamoDB map). */
  bytesPerPartialEntry: number;
  /** State transitions per segment (its child execution: start, task, end) and per registry run (plan, map, merge, end). */
  transitionsPerSegment: number;
  transitionsPerRun: number;
}

export const ASSUMPTIONS: JobAssumptions = {
  bytesPerSegment: 256 * 1024 ** 2,
  maxSegments: 1000,
  bytesPerSecond: 5e6,
  segmentMemoryMb: 1024,
  bytesPerPartialEntry: 25,
  transitionsPerSegment: 3,
  transitionsPerRun: 5,
};

export interface RegistryRun {
  registry: string;
  items: number;
  bytes: number;
  segments: number;
  /** Eventually consistent Scan: half a read unit per 4 KB read. */
  scanReadUnits: number;
  lambdaGbSeconds: number;
  /** Partials written (1 KB write units) and read back by the merge (strongly consistent: one unit per 4 KB). */
  partialWriteUnits: number;
  partialReadUnits: number;
  transitions: number;
}

export interface RunCost {
  citizens: number;
  registries: RegistryRun[];
  usd: { scan: number; lambda: number; partials: number; stepFunctions: number; total: number };
}

/** One run of every registry's job at `citizens`. */
export function indicatorRunCost(
  citizens: number,
  shapes: readonly RegistryShape[] = REGISTRY_SHAPES,
  a: JobAssumptions = ASSUMPTIONS,
  prices: Prices = PRICES,
): RunCost {
  const registries = shapes.map((shape): RegistryRun => {
    const items = citizens * shape.itemsPerCitizen;
    const bytes = items * shape.bytesPerItem;
    const segments = Math.min(a.maxSegments, Math.max(1, Math.ceil(bytes / a.bytesPerSegment)));
    const partialBytes = segments * Math.min(items / segments, shape.cells) * a.bytesPerPartialEntry;
    return {
      registry: shape.registry,
      items,
      bytes,
      segments,
      scanReadUnits: bytes / 4096 / 2,
      lambdaGbSeconds: (bytes / a.bytesPerSecond) * (a.segmentMemoryMb / 1024),
      partialWriteUnits: partialBytes / 1024,
      partialReadUnits: partialBytes / 4096,
      transitions: segments * a.transitionsPerSegment + a.transitionsPerRun,
    };
  });
  const sum = (f: (r: RegistryRun) => number) => registries.reduce((n, r) => n + f(r), 0);
  const scan = sum((r) => r.scanReadUnits) * prices.dynamodb.readRequestUnit;
  const lambda = sum((r) => r.lambdaGbSeconds) * prices.lambda.gbSecondArm + sum((r) => r.segments + 2) * prices.lambda.request;
  const partials = sum((r) => r.partialWriteUnits) * prices.dynamodb.writeRequestUnit + sum((r) => r.partialReadUnits) * prices.dynamodb.readRequestUnit;
  const stepFunctions = sum((r) => r.transitions) * prices.stepFunctions.standardTransition;
  return { citizens, registries, usd: { scan, lambda, partials, stepFunctions, total: scan + lambda + partials + stepFunctions } };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { citizens: { type: 'string', default: '100000000' }, json: { type: 'boolean', default: false } } });
  const cost = indicatorRunCost(Number(values.citizens));
  if (values.json) console.log(JSON.stringify(cost, null, 2));
  else {
    const m = (n: number) => `${(n / 1e6).toFixed(2)} M`;
    for (const r of cost.registries)
      console.log(
        `${r.registry.padEnd(17)} ${m(r.items).padStart(10)} items ${(r.bytes / 1e9).toFixed(1).padStart(6)} GB ${String(r.segments).padStart(5)} segments ` +
          `${m(r.scanReadUnits).padStart(9)} RRU ${Math.round(r.lambdaGbSeconds).toLocaleString('en').padStart(7)} GB-s ${Math.round(r.partialWriteUnits).toLocaleString('en').padStart(8)} WRU ${r.transitions} transitions`,
      );
    const u = cost.usd;
    console.log(
      `one run at ${cost.citizens.toLocaleString('en')} citizens: scan $${u.scan.toFixed(2)} + Lambda $${u.lambda.toFixed(2)} + partials $${u.partials.toFixed(2)} + Step Functions $${u.stepFunctions.toFixed(2)} = $${u.total.toFixed(2)} (${PRICES.region}, ${PRICES.asOf})`,
    );
  }
}
