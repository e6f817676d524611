/**
 * The indicators job's steps (domain/indicators/run.ts) at their edges, beside the properties of
 * indicator-run.property.test.ts: sizing refused clause by clause, the step inputs' schemas at their
 * limits, a chunk cut at exactly its byte budget, a partial read back, a segment's writes in order, and
 * the merge's report, its missing-segment message (sorted, ten at most) and its defaults.
 */
import { describe, expect, it } from 'vitest';
import { Tally } from '../../domain/indicators/aggregate.ts';
import {
  DEFAULT_SIZING,
  IncompleteRunError,
  MAX_CHUNK_BYTES,
  MergeInput,
  mergeRun,
  type PartialChunk,
  type PartialCommit,
  PartialChunk as PartialChunkSchema,
  PartialCommit as PartialCommitSchema,
  PlanInput,
  partialChunks,
  periodAsOf,
  plan,
  runSegment,
  SegmentInput,
  scheduledAsOf,
  segmentsFor,
  tallyOfPartial,
} from '../../domain/indicators/run.ts';

const AS_OF = '2026-11-01T00:00:00.000Z';

describe('sizing', () => {
  it('is 256 MiB a segment, 1 to 1,000 segments, and rounds a part segment up', () => {
    expect(DEFAULT_SIZING).toEqual({ bytesPerSegment: 268_435_456, minSegments: 1, maxSegments: 1000 });
    const sizing = { bytesPerSegment: 100, minSegments: 2, maxSegments: 5 };
    expect([0, -50, 100, 200, 201, 300, 500, 501, 10_000].map((b) => segmentsFor(b, sizing))).toEqual([2, 2, 2, 2, 3, 3, 5, 5, 5]);
    expect(segmentsFor(1, { bytesPerSegment: 1, minSegments: 1, maxSegments: 1 })).toBe(1);
  });

  it('refuses sizing clause by clause', () => {
    const message = 'segment sizing: bytesPerSegment > 0 and whole numbers 1 ≤ minSegments ≤ maxSegments';
    for (const sizing of [
      { bytesPerSegment: 0, minSegments: 1, maxSegments: 2 },
      { bytesPerSegment: -1, minSegments: 1, maxSegments: 2 },
      { bytesPerSegment: 1, minSegments: 1.5, maxSegments: 2 },
      { bytesPerSegment: 1, minSegments: 0, maxSegments: 2 },
      { bytesPerSegment: 1, minSegments: 1, maxSegments: 2.5 },
      { bytesPerSegment: 1, minSegments: 2, maxSegments: 1 },
    ])
      expect(() => segmentsFor(10, sizing)).toThrow(message);
  });
});

describe('when a run counts as of', () => {
  it('the first of the scheduled month at 00:00 UTC, however late in it', () => {
    expect(scheduledAsOf(new Date('2026-03-01T00:00:00.000Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(scheduledAsOf(new Date('2026-02-28T23:59:59.999Z')).toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it("the first of the month after a period's month, and only for YYYY-MM", () => {
    expect(periodAsOf('2026-01').toISOString()).toBe('2026-02-01T00:00:00.000Z');
    for (const bad of ['2026-00', '2026-1', '2026', 'x2026-01', '2026-01x', '2026-13'])
      expect(() => periodAsOf(bad)).toThrow(`period ${JSON.stringify(bad)}: expected YYYY-MM`);
  });

  it('an explicit instant first, then a period, then the scheduled time, then now', () => {
    const base = { step: 'plan' as const, registry: 'land', run: 'r' };
    const now = () => new Date('2026-07-19T08:00:00Z');
    expect(plan({ ...base, asOf: '2026-05-05T05:00:00.000Z', period: '2026-01', scheduledTime: '2026-03-03T00:00:00Z' }, 0, DEFAULT_SIZING, now).asOf).toBe(
      '2026-05-05T05:00:00.000Z',
    );
    expect(plan({ ...base, period: '2026-01', scheduledTime: '2026-03-03T00:00:00Z' }, 0, DEFAULT_SIZING, now).asOf).toBe('2026-02-01T00:00:00.000Z');
    expect(plan({ ...base, scheduledTime: '2026-03-03T00:00:00Z' }, 0, DEFAULT_SIZING, now).asOf).toBe('2026-03-01T00:00:00.000Z');
    expect(() => plan({ ...base, period: '' }, 0)).toThrow('period "": expected YYYY-MM');
    const current = plan(base, 0);
    expect(current.asOf).toBe(scheduledAsOf(new Date()).toISOString());
    expect(plan(base, 250, { bytesPerSegment: 100, minSegments: 1, maxSegments: 9 })).toEqual({
      registry: 'land',
      run: 'r',
      asOf: current.asOf,
      totalSegments: 3,
      segments: [0, 1, 2],
    });
  });
});

describe('step inputs', () => {
  it('a plan: the step, a registry and a run id (a Step Functions execution name), and optional instants', () => {
    const ok = { step: 'plan', registry: 'social-insurance', run: 'a'.repeat(80) };
    expect(PlanInput.safeParse(ok).success).toBe(true);
    expect(PlanInput.safeParse({ ...ok, run: 'a'.repeat(81) }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, run: '' }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, run: 'run 1' }).error?.issues[0]?.message).toBe('a run id: letters, digits, - and _ (a Step Functions execution name)');
    expect(PlanInput.safeParse({ ...ok, run: 'Run_1-x' }).success).toBe(true);
    expect(PlanInput.safeParse({ ...ok, registry: 'a'.repeat(41) }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, registry: 'a'.repeat(40) }).success).toBe(true);
    expect(PlanInput.safeParse({ ...ok, registry: 'Land' }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, registry: '' }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, step: 'merge' }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, scheduledTime: '2026-12-01T00:30:00+07:00' }).success).toBe(true);
    expect(PlanInput.safeParse({ ...ok, asOf: '2026-12-01T00:30:00+07:00' }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, asOf: AS_OF, period: '2026-10' }).success).toBe(true);
    expect(PlanInput.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(PlanInput.safeParse({ ...ok, run: `x${'y'.repeat(79)}` }).success).toBe(true);
    expect(PlanInput.safeParse({ ...ok, run: 'x\ny' }).success).toBe(false);
  });

  it('a segment and a merge: a whole segment from 0 and at least one segment', () => {
    const seg = { registry: 'land', run: 'r', asOf: AS_OF, segment: 0, totalSegments: 1 };
    expect(SegmentInput.safeParse(seg).success).toBe(true);
    expect(SegmentInput.safeParse({ ...seg, segment: -1 }).success).toBe(false);
    expect(SegmentInput.safeParse({ ...seg, segment: 0.5 }).success).toBe(false);
    expect(SegmentInput.safeParse({ ...seg, totalSegments: 0 }).success).toBe(false);
    expect(SegmentInput.safeParse({ ...seg, totalSegments: 1.5 }).success).toBe(false);
    expect(SegmentInput.safeParse({ ...seg, asOf: 'now' }).success).toBe(false);
    expect(SegmentInput.safeParse({ ...seg, step: 'segment' }).success).toBe(false);
    const merge = { step: 'merge', registry: 'land', run: 'r', asOf: AS_OF, totalSegments: 1 };
    expect(MergeInput.safeParse(merge).success).toBe(true);
    expect(MergeInput.safeParse({ ...merge, totalSegments: 0 }).success).toBe(false);
    expect(MergeInput.safeParse({ ...merge, totalSegments: 2.5 }).success).toBe(false);
    expect(MergeInput.safeParse({ ...merge, step: 'plan' }).success).toBe(false);
    expect(MergeInput.safeParse({ ...merge, asOf: '2026-11-01' }).success).toBe(false);
    expect(MergeInput.safeParse({ ...merge, run: 'r!' }).success).toBe(false);
  });

  it('a partial: counts of at least 1, and a commit naming its attempt with whole, non-negative numbers', () => {
    expect(PartialChunkSchema.safeParse({ counts: { i: { p: { c: 1 } } } }).success).toBe(true);
    expect(PartialChunkSchema.safeParse({ counts: { i: { p: { c: 0 } } } }).success).toBe(false);
    expect(PartialChunkSchema.safeParse({ counts: { i: { p: { c: 1.5 } } } }).success).toBe(false);
    expect(PartialChunkSchema.safeParse({ counts: {}, more: 1 }).success).toBe(false);
    const commit = { attempt: 'a', chunks: 0, records: 0, unclassified: 0 };
    expect(PartialCommitSchema.safeParse(commit).success).toBe(true);
    for (const bad of [
      { attempt: '' },
      { chunks: -1 },
      { records: -1 },
      { unclassified: -1 },
      { chunks: 0.5 },
      { records: 0.5 },
      { unclassified: 0.5 },
      { x: 1 },
    ])
      expect(PartialCommitSchema.safeParse({ ...commit, ...bad }).success).toBe(false);
  });
});

describe('partials', () => {
  const tally = () => {
    const t = new Tally();
    t.add('ind', '2026-10', 'a', 7); // cost 3 + 7 + 1 + 1 + 16 = 28
    t.add('ind', '2026-10', 'bb', 12); // 3 + 7 + 2 + 2 + 16 = 30
    t.add('ind', '2026-09', 'c', 1); // 28
    t.add('other', '2026-10', 'a', 3); // 5 + 7 + 1 + 1 + 16 = 30
    return t;
  };

  it('keeps everything in one chunk under the default budget of 300,000 bytes, and none for an empty tally', () => {
    expect(MAX_CHUNK_BYTES).toBe(300_000);
    expect(partialChunks(tally())).toEqual([{ counts: { ind: { '2026-10': { a: 7, bb: 12 }, '2026-09': { c: 1 } }, other: { '2026-10': { a: 3 } } } }]);
    expect(partialChunks(new Tally())).toEqual([]);
  });

  it('starts a new chunk when the next count would pass the budget, not when it reaches it exactly', () => {
    expect(partialChunks(tally(), 58)).toEqual([
      { counts: { ind: { '2026-10': { a: 7, bb: 12 } } } },
      { counts: { ind: { '2026-09': { c: 1 } }, other: { '2026-10': { a: 3 } } } },
    ]);
    expect(partialChunks(tally(), 57)).toEqual([
      { counts: { ind: { '2026-10': { a: 7 } } } },
      { counts: { ind: { '2026-10': { bb: 12 } } } },
      { counts: { ind: { '2026-09': { c: 1 } } } },
      { counts: { other: { '2026-10': { a: 3 } } } },
    ]);
    // A count larger than the budget still gets a chunk of its own.
    expect(partialChunks(tally(), 1)).toHaveLength(4);
  });

  it("reads a partial's tally back from its chunks and commit", () => {
    const commit: PartialCommit = { attempt: 'x', chunks: 2, records: 9, unclassified: 4 };
    const chunks: PartialChunk[] = partialChunks(tally(), 58);
    const back = tallyOfPartial(commit, chunks);
    expect(back.records).toBe(9);
    expect(back.unclassified).toBe(4);
    expect(back.aggregates({ registry: 'r', asOf: AS_OF, computedAt: AS_OF })).toEqual(tally().aggregates({ registry: 'r', asOf: AS_OF, computedAt: AS_OF }));
    // The same cell in two chunks adds up.
    expect([
      ...(tallyOfPartial(commit, [chunks[0] as PartialChunk, chunks[0] as PartialChunk])
        .counts.get('ind')
        ?.get('2026-10') ?? []),
    ]).toEqual([
      ['a', 14],
      ['bb', 24],
    ]);
  });
});

describe('a segment and the merge', () => {
  const parcel = { sk: 'PARCEL', address: { province: 'Đà Nẵng' }, landUse: 'ODT' };

  function store() {
    const log: string[] = [];
    const commits = new Map<number, PartialCommit>();
    const chunks = new Map<string, PartialChunk[]>();
    return {
      log,
      commits,
      chunks,
      partials: {
        async putChunk(registry: string, run: string, segment: number, attempt: string, index: number, chunk: PartialChunk) {
          log.push(`put ${registry} ${run} ${segment} ${attempt} ${index}`);
          const list = chunks.get(`${segment}/${attempt}`) ?? [];
          list[index] = chunk;
          chunks.set(`${segment}/${attempt}`, list);
        },
        async commit(registry: string, run: string, segment: number, commit: PartialCommit) {
          log.push(`commit ${registry} ${run} ${segment} ${commit.attempt}`);
          commits.set(segment, commit);
        },
        async getCommit(_registry: string, _run: string, segment: number) {
          return commits.get(segment);
        },
        async getChunks(_registry: string, _run: string, segment: number, attempt: string) {
          return chunks.get(`${segment}/${attempt}`) ?? [];
        },
      },
    };
  }

  it('writes its chunks under a new attempt, then commits them, and reports what it read', async () => {
    const s = store();
    const scanned: Array<[string, number, number, string]> = [];
    const report = await runSegment(
      {
        partials: s.partials,
        attempt: () => 'att-1',
        async scanSegment(registry, segment, total, _attributes, onPage) {
          scanned.push([registry, segment, total, 'scan']);
          onPage([parcel, parcel, { ...parcel, landUse: undefined }]);
        },
      },
      { registry: 'land', run: 'r1', asOf: AS_OF, segment: 2, totalSegments: 3 },
    );
    expect(scanned).toEqual([['land', 2, 3, 'scan']]);
    expect(report).toEqual({ registry: 'land', run: 'r1', segment: 2, records: 3, chunks: 1 });
    expect(s.log).toEqual(['put land r1 2 att-1 0', 'commit land r1 2 att-1']);
    expect(s.commits.get(2)).toEqual({ attempt: 'att-1', chunks: 1, records: 3, unclassified: 1 });
    expect(s.chunks.get('2/att-1')).toEqual([{ counts: { 'land.parcels-by-land-use': { '2026-10': { '04|ODT': 2 } } } }]);
    await expect(
      runSegment(
        { partials: s.partials, attempt: () => 'x', scanSegment: async () => undefined },
        { registry: 'land', run: 'r1', asOf: AS_OF, segment: 4, totalSegments: 3 },
      ),
    ).rejects.toThrow('segment 4 of 3: out of range');
  });

  it('merges committed partials into the aggregates and reports them', async () => {
    const s = store();
    const tallies = [0, 1].map((segment) => {
      const t = new Tally();
      t.add('land.parcels-by-land-use', '2026-10', '04|ODT', segment + 1);
      t.add('land.parcels-by-land-use', '2026-10', `0${segment + 1}|LUC`, 5);
      return t;
    });
    for (const [segment, t] of tallies.entries()) {
      const chunks = partialChunks(t);
      s.chunks.set(`${segment}/a`, chunks);
      s.commits.set(segment, { attempt: 'a', chunks: chunks.length, records: 10 + segment, unclassified: segment });
    }
    const written: unknown[] = [];
    const report = await mergeRun(
      { partials: s.partials, write: async (a) => void written.push(...a), now: () => new Date('2026-11-01T00:40:00.000Z') },
      { step: 'merge', registry: 'land', run: 'r', asOf: AS_OF, totalSegments: 2 },
    );
    expect(report).toEqual({
      registry: 'land',
      records: 21,
      unclassified: 1,
      segments: 2,
      aggregates: [{ indicator: 'land.parcels-by-land-use', period: '2026-10', cells: 3, units: 13 }],
    });
    expect(written).toEqual([
      {
        indicator: 'land.parcels-by-land-use',
        period: '2026-10',
        counts: { '01|LUC': 5, '02|LUC': 5, '04|ODT': 3 },
        asOf: AS_OF,
        computedAt: '2026-11-01T00:40:00.000Z',
        registry: 'land',
      },
    ]);
    // Without a clock, the current time.
    const before = Date.now();
    const again: Array<{ computedAt: string }> = [];
    await mergeRun(
      { partials: s.partials, write: async (a) => void again.push(...a) },
      { step: 'merge', registry: 'land', run: 'r', asOf: AS_OF, totalSegments: 2 },
      1,
    );
    expect(Date.parse(again[0]?.computedAt ?? '')).toBeGreaterThanOrEqual(before - 1);
  });

  it('reads at most `concurrency` commits at once (16 by default), and every segment even with a concurrency of 0', async () => {
    const run = async (segments: number, concurrency?: number) => {
      let open = 0;
      let max = 0;
      const seen: number[] = [];
      await mergeRun(
        {
          partials: {
            putChunk: async () => undefined,
            commit: async () => undefined,
            async getCommit(_r, _run, segment) {
              open++;
              max = Math.max(max, open);
              seen.push(segment);
              await new Promise((r) => setImmediate(r));
              open--;
              return { attempt: 'a', chunks: 0, records: 1, unclassified: 0 };
            },
            getChunks: async () => [],
          },
          write: async () => undefined,
        },
        { step: 'merge', registry: 'land', run: 'r', asOf: AS_OF, totalSegments: segments },
        concurrency,
      );
      return { max, seen: seen.sort((a, b) => a - b) };
    };
    expect(await run(40)).toEqual({ max: 16, seen: [...Array(40).keys()] });
    expect(await run(5, 2)).toEqual({ max: 2, seen: [0, 1, 2, 3, 4] });
    expect(await run(3, 0)).toEqual({ max: 1, seen: [0, 1, 2] });
  });

  it('names the segments without a commit, in order and ten at most, and writes nothing', async () => {
    const s = store();
    s.commits.set(3, { attempt: 'a', chunks: 0, records: 0, unclassified: 0 });
    const written: unknown[] = [];
    const merge = (totalSegments: number) =>
      mergeRun(
        { partials: s.partials, write: async (a) => void written.push(...a) },
        { step: 'merge', registry: 'land', run: 'r9', asOf: AS_OF, totalSegments },
        3,
      );
    await expect(merge(12)).rejects.toThrow(
      new IncompleteRunError('land run r9: 11 of 12 segment(s) have no committed partial (0, 1, 2, 4, 5, 6, 7, 8, 9, 10, …); nothing was written'),
    );
    await expect(merge(11)).rejects.toThrow(
      new IncompleteRunError('land run r9: 10 of 11 segment(s) have no committed partial (0, 1, 2, 4, 5, 6, 7, 8, 9, 10); nothing was written'),
    );
    s.commits.set(0, { attempt: 'a', chunks: 1, records: 0, unclassified: 0 });
    await expect(merge(1)).rejects.toThrow(new IncompleteRunError('land run r9: segment 0 committed 1 chunk(s), 0 found'));
    expect(written).toEqual([]);
    expect(new IncompleteRunError('x').name).toBe('IncompleteRunError');
  });
});
