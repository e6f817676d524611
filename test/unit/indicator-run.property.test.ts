/**
 * The indicators job in steps (domain/indicators/run.ts): segments tallied apart, kept as partials and
 * merged give exactly the one-pass aggregation, however the records fall into segments and however
 * the partials are chunked; retried segments are never counted twice; a run with a segment missing
 * writes nothing. In-memory ports (the DynamoDB ones are tested against the local engine in
 * test/integration/indicators.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CL_PROVINCE } from '../../contracts/indicators/codelists.ts';
import { type Aggregate, Tally } from '../../domain/indicators/aggregate.ts';
import { tallyItems } from '../../domain/indicators/classify.ts';
import { computeAggregates } from '../../domain/indicators/compute.ts';
import {
  DEFAULT_SIZING,
  IncompleteRunError,
  mergeRun,
  type PartialChunk,
  type PartialCommit,
  type PartialPorts,
  partialChunks,
  periodAsOf,
  plan,
  runSegment,
  scheduledAsOf,
  segmentsFor,
  tallyOfPartial,
} from '../../domain/indicators/run.ts';

const RUNS = Number(process.env.NDX_PROPERTY_RUNS ?? 200);
const AS_OF = new Date('2026-11-01T00:00:00.000Z');
const NOW = () => new Date('2026-11-01T00:30:00.000Z');

/** Partials in memory, keyed like the DynamoDB store. */
class MemoryPartials implements PartialPorts {
  readonly chunks = new Map<string, PartialChunk>();
  readonly commits = new Map<string, PartialCommit>();
  async putChunk(registry: string, run: string, segment: number, attempt: string, index: number, chunk: PartialChunk) {
    this.chunks.set(`${registry}#${run}#${segment}#${attempt}#${String(index).padStart(5, '0')}`, structuredClone(chunk));
  }
  async commit(registry: string, run: string, segment: number, commit: PartialCommit) {
    this.commits.set(`${registry}#${run}#${segment}`, { ...commit });
  }
  async getCommit(registry: string, run: string, segment: number) {
    return this.commits.get(`${registry}#${run}#${segment}`);
  }
  async getChunks(registry: string, run: string, segment: number, attempt: string) {
    const prefix = `${registry}#${run}#${segment}#${attempt}#`;
    return [...this.chunks]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, c]) => c);
  }
}

const provinces = CL_PROVINCE.codes.map((c) => c.name.vi);
/** Population and land records as the registries hold them (only what the classifiers read, plus noise they must ignore). */
const person = fc.record({
  status: fc.constantFrom('LIVING', 'LIVING', 'LIVING', 'DECEASED'),
  dateOfBirth: fc.date({ min: new Date('1920-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  sex: fc.constantFrom('MALE', 'FEMALE', 'OTHER'),
  permanentResidence: fc.record({ province: fc.oneof(fc.constantFrom(...provinces), fc.constant('Nowhere')) }),
});

/** Records split into `segments` disjoint segments by the assignment `to` (what a parallel Scan does, in some order). */
function scanPorts(items: readonly Record<string, unknown>[], to: readonly number[]) {
  return {
    scanSegment: async (_r: string, segment: number, total: number, _a: readonly string[], onPage: (page: Record<string, unknown>[]) => void) => {
      const mine = items.filter((_, i) => (to[i] ?? 0) % total === segment);
      // Pages of up to 7 records.
      for (let i = 0; i < mine.length; i += 7) onPage(mine.slice(i, i + 7));
    },
  };
}

async function runInSteps(items: readonly Record<string, unknown>[], to: readonly number[], segments: number, registry = 'population') {
  const partials = new MemoryPartials();
  let attempts = 0;
  const written: Aggregate[] = [];
  const ports = {
    ...scanPorts(items, to),
    partials,
    attempt: () => `a${attempts++}`,
    write: async (a: readonly Aggregate[]) => void written.push(...a),
    now: NOW,
  };
  const run = 'run-1';
  for (let s = 0; s < segments; s++) await runSegment(ports, { registry, run, asOf: AS_OF.toISOString(), segment: s, totalSegments: segments });
  const report = await mergeRun(ports, { step: 'merge', registry, run, asOf: AS_OF.toISOString(), totalSegments: segments }, 3);
  return { written, report, partials, ports };
}

async function onePass(items: readonly Record<string, unknown>[], registry = 'population') {
  const written: Aggregate[] = [];
  const report = await computeAggregates({ ...scanPorts(items, []), write: async (a) => void written.push(...a) }, registry, {
    segments: 1,
    concurrency: 1,
    asOf: AS_OF,
    now: NOW,
  });
  return { written, report };
}

describe('segments and merge', () => {
  it('equal the one-pass aggregation, however records fall into segments (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(person, { maxLength: 120 })
          .chain((items) =>
            fc.tuple(fc.constant(items), fc.array(fc.nat(50), { minLength: items.length, maxLength: items.length }), fc.integer({ min: 1, max: 9 })),
          ),
        async ([items, to, segments]) => {
          const steps = await runInSteps(items, to, segments);
          const single = await onePass(items);
          expect(steps.written).toEqual(single.written);
          expect(steps.report).toEqual({ ...single.report, segments });
          // And every record is counted once: living, placed people, by cell.
          const units = steps.written.flatMap((a) => Object.values(a.counts)).reduce((x, y) => x + y, 0);
          expect(units + steps.report.unclassified).toBe(items.filter((p) => p.status === 'LIVING' && p.dateOfBirth <= '2026-11-01').length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('partials cut into chunks of any size come back as the same tally (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 80 }), fc.integer({ min: 1, max: 400 }), (items, maxBytes) => {
        const tally = tallyItems(new Tally(), 'population', items, AS_OF);
        const chunks = partialChunks(tally, maxBytes);
        const back = tallyOfPartial({ attempt: 'x', chunks: chunks.length, records: tally.records, unclassified: tally.unclassified }, chunks);
        expect(back.aggregates({ registry: 'population', asOf: 'a', computedAt: 'b' })).toEqual(
          tally.aggregates({ registry: 'population', asOf: 'a', computedAt: 'b' }),
        );
        expect(back.records).toBe(tally.records);
        // One chunk holds at most one entry beyond the limit's worth: never an empty chunk, never one past the size.
        for (const c of chunks) expect(Object.keys(c.counts).length).toBeGreaterThan(0);
        if (maxBytes >= 200) for (const c of chunks) expect(JSON.stringify(c).length).toBeLessThanOrEqual(maxBytes + 60);
      }),
      { numRuns: RUNS },
    );
  });

  it('a retried segment counts once: only the committed attempt’s chunks are merged, an abandoned attempt’s are ignored', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      status: 'LIVING',
      dateOfBirth: `19${50 + (i % 40)}-05-0${1 + (i % 9)}`,
      sex: i % 2 ? 'MALE' : 'FEMALE',
      permanentResidence: { province: provinces[i % 5] },
    }));
    const { written, ports } = await runInSteps(items, [], 2);
    // Segment 0 runs again (a retry after a timeout), and a third attempt dies before committing.
    await runSegment(ports, { registry: 'population', run: 'run-1', asOf: AS_OF.toISOString(), segment: 0, totalSegments: 2 });
    await ports.partials.putChunk('population', 'run-1', 0, 'abandoned', 0, {
      counts: { 'population.living-population': { '2026-10': { '01|M|Y0T4': 1000 } } },
    });
    const again: Aggregate[] = [];
    await mergeRun(
      { ...ports, write: async (a) => void again.push(...a) },
      { step: 'merge', registry: 'population', run: 'run-1', asOf: AS_OF.toISOString(), totalSegments: 2 },
    );
    expect(again).toEqual(written);
    expect(ports.partials.chunks.size).toBeGreaterThan(2); // the other attempts' chunks are there, and ignored
  });

  it('a segment with no commit, or with chunks missing, fails the merge and nothing is written', async () => {
    const items = [{ status: 'LIVING', dateOfBirth: '1990-01-01', sex: 'MALE', permanentResidence: { province: provinces[0] } }];
    const partials = new MemoryPartials();
    const written: Aggregate[] = [];
    const ports = { ...scanPorts(items, []), partials, attempt: () => 'only', write: async (a: readonly Aggregate[]) => void written.push(...a) };
    await runSegment(ports, { registry: 'population', run: 'r', asOf: AS_OF.toISOString(), segment: 0, totalSegments: 3 });
    await runSegment(ports, { registry: 'population', run: 'r', asOf: AS_OF.toISOString(), segment: 2, totalSegments: 3 });
    const merge = () => mergeRun(ports, { step: 'merge', registry: 'population', run: 'r', asOf: AS_OF.toISOString(), totalSegments: 3 });
    await expect(merge()).rejects.toThrow(IncompleteRunError);
    await expect(merge()).rejects.toThrow(/1 of 3 segment\(s\) have no committed partial \(1\)/);
    await runSegment(ports, { registry: 'population', run: 'r', asOf: AS_OF.toISOString(), segment: 1, totalSegments: 3 });
    partials.commits.set('population#r#0', { ...(partials.commits.get('population#r#0') as PartialCommit), chunks: 2 });
    await expect(merge()).rejects.toThrow(/segment 0 committed 2 chunk\(s\), 1 found/);
    expect(written).toEqual([]);
    await expect(runSegment(ports, { registry: 'population', run: 'r', asOf: AS_OF.toISOString(), segment: 3, totalSegments: 3 })).rejects.toThrow(
      /out of range/,
    );
  });
});

describe('the plan', () => {
  it('cuts a table into segments of about bytesPerSegment, within the bounds (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 45 }),
        fc.integer({ min: 1, max: 2 ** 32 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 2000 }),
        (size, per, min, extra) => {
          const sizing = { bytesPerSegment: per, minSegments: min, maxSegments: min + extra };
          const n = segmentsFor(size, sizing);
          expect(n).toBeGreaterThanOrEqual(min);
          expect(n).toBeLessThanOrEqual(min + extra);
          // Below the maximum, no segment reads more than bytesPerSegment; above the minimum, one fewer would.
          if (n < sizing.maxSegments) expect(size / n).toBeLessThanOrEqual(per);
          if (n > min) expect(size / (n - 1)).toBeGreaterThan(per);
          // A larger table never gets fewer segments.
          expect(segmentsFor(size + per, sizing)).toBeGreaterThanOrEqual(n);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('sizes the national population table at 200 segments and an empty one at 1, and refuses nonsense sizing', () => {
    expect(segmentsFor(50 * 1024 ** 3)).toBe(200);
    expect(segmentsFor(0)).toBe(DEFAULT_SIZING.minSegments);
    expect(segmentsFor(10 ** 15)).toBe(DEFAULT_SIZING.maxSegments);
    expect(() => segmentsFor(1, { bytesPerSegment: 0, minSegments: 1, maxSegments: 1 })).toThrow(/sizing/);
    expect(() => segmentsFor(1, { bytesPerSegment: 1, minSegments: 3, maxSegments: 2 })).toThrow(/sizing/);
  });

  it('counts a scheduled run as of the first of its month, a period’s run as of the first of the next, an explicit instant as given', () => {
    expect(scheduledAsOf(new Date('2026-12-01T00:30:00Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(scheduledAsOf(new Date('2026-12-31T23:59:59Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(periodAsOf('2026-10').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(periodAsOf('2026-12').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(() => periodAsOf('2026-13')).toThrow(/YYYY-MM/);
    const base = { step: 'plan' as const, registry: 'population', run: 'r1' };
    expect(plan({ ...base, scheduledTime: '2027-02-01T00:30:00Z' }, 0).asOf).toBe('2027-02-01T00:00:00.000Z');
    expect(plan({ ...base, period: '2027-01' }, 0).asOf).toBe('2027-02-01T00:00:00.000Z');
    expect(plan({ ...base, asOf: '2026-11-15T12:00:00.000Z' }, 0).asOf).toBe('2026-11-15T12:00:00.000Z');
    expect(plan(base, 0, DEFAULT_SIZING, () => new Date('2026-07-19T08:00:00Z')).asOf).toBe('2026-07-01T00:00:00.000Z');
    const p = plan(base, 3 * DEFAULT_SIZING.bytesPerSegment + 1);
    expect(p).toMatchObject({ registry: 'population', run: 'r1', totalSegments: 4, segments: [0, 1, 2, 3] });
  });
});
