/**
 * Where a registry record counts (domain/indicators/classify.ts), how counts add up (aggregate.ts) and
 * how a registry's aggregates are computed from its parallel scan (compute.ts), rule by rule: the
 * snapshot month at the instant a month starts, age bands and completed years on the birthday, each
 * classifier's records counted, not counted (null) and not placeable (undefined), the attributes a
 * scan reads, tallies merged, and segments read at most `concurrency` at once.
 */
import { describe, expect, it } from 'vitest';
import { Aggregate, Tally } from '../../domain/indicators/aggregate.ts';
import { ageAt, ageBand, CLASSIFIERS, classifiersOf, READ_ATTRIBUTES, snapshotPeriod, tallyItems } from '../../domain/indicators/classify.ts';
import { computeAggregates, type ComputePorts, tallySegment } from '../../domain/indicators/compute.ts';

const AS_OF = new Date('2026-11-01T00:00:00.000Z');
const place = (indicator: string, item: Record<string, unknown>, asOf = AS_OF) => {
  const c = CLASSIFIERS.find((x) => x.indicator === indicator);
  if (!c) throw new Error(indicator);
  return c.place(item, asOf);
};

describe('periods and ages', () => {
  it('a snapshot describes the month that ended by its instant', () => {
    expect(snapshotPeriod(new Date('2026-11-01T00:00:00.000Z'))).toBe('2026-10');
    expect(snapshotPeriod(new Date('2026-11-01T00:00:00.001Z'))).toBe('2026-11');
    expect(snapshotPeriod(new Date('2026-01-01T00:00:00.000Z'))).toBe('2025-12');
  });

  it('five-year bands, 85 and over in one', () => {
    expect([0, 4, 5, 9, 10, 84, 85, 86, 120].map(ageBand)).toEqual(['Y0T4', 'Y0T4', 'Y5T9', 'Y5T9', 'Y10T14', 'Y80T84', 'Y_GE85', 'Y_GE85', 'Y_GE85']);
  });

  it('completed years: a year more on the birthday, not the day before', () => {
    const at = (day: string) => new Date(`${day}T12:00:00.000Z`);
    expect(ageAt('2000-05-15', at('2026-05-14'))).toBe(25);
    expect(ageAt('2000-05-15', at('2026-05-15'))).toBe(26);
    expect(ageAt('2000-05-15', at('2026-05-16'))).toBe(26);
    expect(ageAt('2000-05-15', at('2026-04-30'))).toBe(25);
    expect(ageAt('2000-05-15', at('2026-06-01'))).toBe(26);
    expect(ageAt('2000-05-15', at('2000-05-15'))).toBe(0);
  });
});

describe('classifiers', () => {
  const person = { status: 'LIVING', dateOfBirth: '1990-10-31', sex: 'FEMALE', permanentResidence: { province: 'Hà Nội' } };

  it('population: the living, by province of residence, sex and age at the end of the month', () => {
    // Born on the last day of the month: 36 at its end (asOf − 1 ms), so Y35T39.
    expect(place('population.living-population', person)).toEqual({ period: '2026-10', codes: ['01', 'F', 'Y35T39'] });
    expect(place('population.living-population', { ...person, sex: 'MALE', dateOfBirth: '1991-11-01' })).toEqual({
      period: '2026-10',
      codes: ['01', 'M', 'Y30T34'],
    });
    // The state just before asOf: born on the month's last day counts (as 0); born on asOf's day (at
    // midnight), not yet — it was counted as age −1, a band no code list has, and refused the release.
    expect(place('population.living-population', { ...person, dateOfBirth: '2026-10-31' })).toEqual({ period: '2026-10', codes: ['01', 'F', 'Y0T4'] });
    expect(place('population.living-population', { ...person, dateOfBirth: '2026-11-01' })).toBeNull();
    const midday = new Date('2026-11-15T10:00:00.000Z');
    expect(place('population.living-population', { ...person, dateOfBirth: '2026-11-15' }, midday)).toEqual({ period: '2026-11', codes: ['01', 'F', 'Y0T4'] });
    expect(place('population.living-population', { ...person, dateOfBirth: '2026-11-16' }, midday)).toBeNull();
    expect(place('population.living-population', { ...person, status: 'DECEASED' })).toBeNull();
    expect(place('population.living-population', { ...person, dateOfBirth: undefined })).toBeNull();
    expect(place('population.living-population', { ...person, dateOfBirth: 19901031 })).toBeNull();
    expect(place('population.living-population', { ...person, sex: 'OTHER' })).toBeUndefined();
    expect(place('population.living-population', { ...person, permanentResidence: { province: 'Atlantis' } })).toBeUndefined();
    expect(place('population.living-population', { ...person, permanentResidence: 'Hà Nội' })).toBeUndefined();
    expect(place('population.living-population', { ...person, permanentResidence: undefined })).toBeUndefined();
    expect(place('population.living-population', { ...person, permanentResidence: null })).toBeUndefined();
  });

  const enterprise = {
    sk: 'PROFILE',
    parentEnterpriseCode: null,
    foundedOn: '2026-10-31',
    headOffice: { province: 'Hải Phòng' },
    mainIndustry: { code: '4711' },
  };

  it('business: enterprises (not branches) in the month of their founding, before asOf', () => {
    expect(place('business.enterprises-registered', enterprise)).toEqual({ period: '2026-10', codes: ['02', 'G'] });
    expect(place('business.enterprises-registered', { ...enterprise, foundedOn: '2019-03-05', mainIndustry: { code: '0111' } })).toEqual({
      period: '2019-03',
      codes: ['02', 'A'],
    });
    expect(place('business.enterprises-registered', { ...enterprise, foundedOn: '2026-11-01' })).toBeNull();
    expect(place('business.enterprises-registered', { ...enterprise, foundedOn: undefined })).toBeNull();
    expect(place('business.enterprises-registered', { ...enterprise, sk: 'BRANCH#1' })).toBeNull();
    expect(place('business.enterprises-registered', { ...enterprise, parentEnterpriseCode: '0101234567' })).toBeNull();
    expect(place('business.enterprises-registered', { ...enterprise, parentEnterpriseCode: undefined })).toBeNull();
    expect(place('business.enterprises-registered', { ...enterprise, mainIndustry: { code: '0400' } })).toBeUndefined();
    expect(place('business.enterprises-registered', { ...enterprise, mainIndustry: undefined })).toBeUndefined();
    expect(place('business.enterprises-registered', { ...enterprise, headOffice: { province: 'Atlantis' } })).toBeUndefined();
  });

  const participant = { status: 'PARTICIPATING', legacyCode: '0312345678', participationType: 'VOLUNTARY' };

  it('social insurance: participants by the province of their code and their scheme', () => {
    expect(place('social-insurance.participants', participant)).toEqual({ period: '2026-10', codes: ['03', 'VOLUNTARY'] });
    expect(place('social-insurance.participants', { ...participant, participationType: 'COMPULSORY' })).toEqual({
      period: '2026-10',
      codes: ['03', 'COMPULSORY'],
    });
    expect(place('social-insurance.participants', { ...participant, status: 'SUSPENDED' })).toBeNull();
    expect(place('social-insurance.participants', { ...participant, participationType: 'OTHER' })).toBeUndefined();
    expect(place('social-insurance.participants', { ...participant, legacyCode: '9912345678' })).toBeUndefined();
    expect(place('social-insurance.participants', { ...participant, legacyCode: undefined })).toBeUndefined();
    expect(place('social-insurance.participants', { ...participant, legacyCode: '' })).toBeUndefined();
  });

  const parcel = { sk: 'PARCEL', address: { province: 'Đà Nẵng' }, landUse: 'ODT' };

  it('land: parcels by province and land use', () => {
    expect(place('land.parcels-by-land-use', parcel)).toEqual({ period: '2026-10', codes: ['04', 'ODT'] });
    expect(place('land.parcels-by-land-use', { ...parcel, sk: 'OWNER#1' })).toBeNull();
    expect(place('land.parcels-by-land-use', { ...parcel, landUse: undefined })).toBeUndefined();
    expect(place('land.parcels-by-land-use', { ...parcel, address: { province: 'Atlantis' } })).toBeUndefined();
  });

  it('one classifier per registry, and a scan reads only the attributes they do', () => {
    expect(CLASSIFIERS.map((c) => [c.registry, c.indicator])).toEqual([
      ['population', 'population.living-population'],
      ['business', 'business.enterprises-registered'],
      ['social-insurance', 'social-insurance.participants'],
      ['land', 'land.parcels-by-land-use'],
    ]);
    expect(classifiersOf('land').map((c) => c.indicator)).toEqual(['land.parcels-by-land-use']);
    expect(classifiersOf('tax')).toEqual([]);
    expect(READ_ATTRIBUTES).toEqual({
      population: ['status', 'dateOfBirth', 'permanentResidence', 'sex'],
      business: ['sk', 'parentEnterpriseCode', 'foundedOn', 'headOffice', 'mainIndustry'],
      'social-insurance': ['status', 'legacyCode', 'participationType'],
      land: ['sk', 'address', 'landUse'],
    });
  });

  it('a tally counts every record read, places those it can, and reports the others', () => {
    const tally = tallyItems(
      new Tally(),
      'land',
      [parcel, parcel, { ...parcel, landUse: 'LUC' }, { ...parcel, sk: 'OWNER#1' }, { ...parcel, landUse: undefined }],
      AS_OF,
    );
    expect(tally.records).toBe(5);
    expect(tally.unclassified).toBe(1);
    expect([...(tally.counts.get('land.parcels-by-land-use')?.get('2026-10') ?? [])]).toEqual([
      ['04|ODT', 2],
      ['04|LUC', 1],
    ]);
  });
});

describe('tallies and aggregates', () => {
  it('adds counts, merges tallies by addition, and lists aggregates sorted by indicator, period and cell', () => {
    const a = new Tally();
    a.add('x.b', '2026-10', '02|M');
    a.add('x.b', '2026-10', '01|M', 3);
    a.add('x.a', '2026-11', '01');
    a.records = 4;
    a.unclassified = 1;
    const b = new Tally();
    b.add('x.b', '2026-10', '02|M', 5);
    b.add('x.a', '2026-09', '01', 2);
    b.records = 7;
    b.unclassified = 2;
    expect(a.merge(b)).toBe(a);
    expect(a.records).toBe(11);
    expect(a.unclassified).toBe(3);
    const meta = { registry: 'r', asOf: '2026-11-01T00:00:00.000Z', computedAt: '2026-11-01T00:05:00.000Z' };
    const out = a.aggregates(meta);
    expect(out).toEqual([
      { indicator: 'x.a', period: '2026-09', counts: { '01': 2 }, ...meta },
      { indicator: 'x.a', period: '2026-11', counts: { '01': 1 }, ...meta },
      { indicator: 'x.b', period: '2026-10', counts: { '01|M': 3, '02|M': 6 }, ...meta },
    ]);
    expect(Object.keys(out[2]?.counts ?? {})).toEqual(['01|M', '02|M']);
    for (const x of out) expect(Aggregate.parse(x)).toEqual(x);
  });

  it('an aggregate holds counts only: whole, not negative, no other field', () => {
    const ok = { indicator: 'i', period: 'p', counts: { a: 0 }, asOf: '2026-11-01T00:00:00Z', computedAt: '2026-11-01T00:00:00Z', registry: 'r' };
    expect(Aggregate.safeParse(ok).success).toBe(true);
    expect(Aggregate.safeParse({ ...ok, counts: { a: -1 } }).success).toBe(false);
    expect(Aggregate.safeParse({ ...ok, counts: { a: 1.5 } }).success).toBe(false);
    expect(Aggregate.safeParse({ ...ok, name: 'x' }).success).toBe(false);
    expect(Aggregate.safeParse({ ...ok, asOf: 'yesterday' }).success).toBe(false);
    expect(Aggregate.safeParse({ ...ok, computedAt: 'now' }).success).toBe(false);
  });
});

describe('computing a registry', () => {
  const parcel = { sk: 'PARCEL', address: { province: 'Đà Nẵng' }, landUse: 'ODT' };

  function ports(pages: Record<number, Array<Record<string, unknown>[]>>) {
    const calls: Array<{ registry: string; segment: number; total: number; attributes: readonly string[] }> = [];
    const written: Aggregate[][] = [];
    let open = 0;
    let maxOpen = 0;
    const p: ComputePorts = {
      async scanSegment(registry, segment, total, attributes, onPage) {
        calls.push({ registry, segment, total, attributes });
        open++;
        maxOpen = Math.max(maxOpen, open);
        await new Promise((r) => setImmediate(r));
        for (const page of pages[segment] ?? []) onPage(page);
        open--;
      },
      async write(aggregates) {
        written.push([...aggregates]);
      },
    };
    return { p, calls, written, maxOpen: () => maxOpen };
  }

  it('reads every segment once with the registry and its attributes, and merges their counts', async () => {
    const { p, calls, written, maxOpen } = ports({
      0: [[parcel], [parcel]],
      2: [
        [
          { ...parcel, landUse: 'LUC' },
          { ...parcel, landUse: undefined },
        ],
      ],
      3: [[{ sk: 'X' }]],
    });
    const report = await computeAggregates(p, 'land', { segments: 4, concurrency: 2, asOf: AS_OF, now: () => new Date('2026-11-01T00:07:00.000Z') });
    expect(calls.map((c) => c.segment).sort()).toEqual([0, 1, 2, 3]);
    expect(calls.every((c) => c.registry === 'land' && c.total === 4 && c.attributes === READ_ATTRIBUTES.land)).toBe(true);
    expect(maxOpen()).toBe(2);
    expect(report).toEqual({
      registry: 'land',
      records: 5,
      unclassified: 1,
      segments: 4,
      aggregates: [{ indicator: 'land.parcels-by-land-use', period: '2026-10', cells: 2, units: 3 }],
    });
    expect(written).toEqual([
      [
        {
          indicator: 'land.parcels-by-land-use',
          period: '2026-10',
          counts: { '04|LUC': 1, '04|ODT': 2 },
          asOf: '2026-11-01T00:00:00.000Z',
          computedAt: '2026-11-01T00:07:00.000Z',
          registry: 'land',
        },
      ],
    ]);
  });

  it('reads one segment at a time with a concurrency of 1 (or less), and never more workers than segments', async () => {
    const one = ports({});
    await computeAggregates(one.p, 'land', { segments: 3, concurrency: 1, asOf: AS_OF });
    expect(one.maxOpen()).toBe(1);
    expect(one.calls.map((c) => c.segment)).toEqual([0, 1, 2]);
    const none = ports({});
    await computeAggregates(none.p, 'land', { segments: 2, concurrency: 0, asOf: AS_OF });
    expect(none.calls.map((c) => c.segment)).toEqual([0, 1]);
    const wide = ports({});
    await computeAggregates(wide.p, 'land', { segments: 2, concurrency: 8, asOf: AS_OF });
    expect(wide.calls.map((c) => c.segment).sort()).toEqual([0, 1]);
    expect(wide.maxOpen()).toBe(2);
  });

  it('refuses a segment count that is not a whole number of at least 1, and uses the clock when none is given', async () => {
    const { p, written } = ports({});
    for (const segments of [0, 1.5, -1])
      await expect(computeAggregates(p, 'land', { segments, concurrency: 1, asOf: AS_OF })).rejects.toThrow('segments: a whole number, at least 1');
    expect(written).toEqual([]);
    const t = ports({ 0: [[parcel]] });
    const before = Date.now();
    await computeAggregates(t.p, 'land', { segments: 1, concurrency: 1, asOf: AS_OF });
    const computedAt = Date.parse(t.written[0]?.[0]?.computedAt ?? '');
    expect(computedAt).toBeGreaterThanOrEqual(before - 1);
    expect(computedAt).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('a segment of a registry without classifiers reads no attribute and counts its records only', async () => {
    const { p, calls } = ports({ 0: [[{ a: 1 }, { b: 2 }]] });
    const tally = await tallySegment(p, 'tax', 0, 1, AS_OF);
    expect(calls[0]?.attributes).toEqual([]);
    expect(tally.records).toBe(2);
    expect(tally.counts.size).toBe(0);
  });
});
