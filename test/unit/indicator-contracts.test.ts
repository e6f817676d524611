/**
 * Indicator contracts: their definitions, governance of code lists (removing or recoding a code is
 * MAJOR, adding one MINOR, renaming PATCH; disclosure control may tighten in a MINOR and loosens only in
 * a MAJOR), the SDMX-JSON structure and data messages against the official schemas, and the CSV.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredBump } from '../../contracts/governance.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { CL_PROVINCE, CL_SECTOR, sectionOf } from '../../contracts/indicators/codelists.ts';
import { defineIndicator, type IndicatorDefinition } from '../../contracts/indicators/define.ts';
import { TOTAL } from '../../contracts/indicators/model.ts';
import { structureMessage } from '../../contracts/indicators/sdmx-structure.ts';
import { gate } from '../../domain/contracts/gate.ts';
import { ageBand, ageAt, snapshotPeriod } from '../../domain/indicators/classify.ts';
import { cellKey, release, releaseCsv, UnknownCellError } from '../../domain/indicators/release.ts';
import { dataMessage } from '../../domain/indicators/sdmx-data.ts';
import { PROVINCES } from '../../synthetic/population.ts';
import { sdmxErrors } from './sdmx-support.ts';

const [population, business] = INDICATORS as [IndicatorDefinition, IndicatorDefinition, ...IndicatorDefinition[]];
const v1 = population.versions[0] as IndicatorDefinition['versions'][number];

/** population.living-population with a second version whose SEX code list is changed by `edit`. */
function withSecond(
  version: string,
  edit: (codes: { id: string; name: { en: string; vi: string } }[]) => { id: string; name: { en: string; vi: string } }[],
  threshold = 5,
) {
  const [province, sex, age] = v1.indicator.dimensions as [never, (typeof v1.indicator.dimensions)[number], never];
  const next = {
    ...v1,
    version,
    indicator: {
      ...v1.indicator,
      dimensions: [province, { ...sex, codeList: { ...sex.codeList, codes: edit([...sex.codeList.codes]) } }, age],
      disclosure: { threshold },
    },
  };
  const strip = ({ subject: _s, response: _r, fields: _f, ...rest }: typeof v1) => rest;
  return defineIndicator({ ...population, versions: [strip(v1), strip(next as typeof v1)] });
}

describe('indicator contracts', () => {
  it('define four indicators, one per registry, each on the statistics law and never on consent', () => {
    expect(new Set(INDICATORS.map((c) => c.provider))).toEqual(new Set(['population', 'business', 'social-insurance', 'land']));
    for (const c of INDICATORS)
      for (const v of c.versions) {
        expect(Object.keys(v.subject.shape)).toEqual([]);
        expect(v.legalBases.map((b) => b.instrument)).toEqual([expect.stringContaining('Law on Statistics')]);
        expect(Object.values(v.fields).every((f) => f.sensitivity === 'none' && f.category === 'statistics')).toBe(true);
      }
  });

  it('refuse a definition that would rest on consent, repeat a code, or define the total code', () => {
    const base = { ...population, versions: [{ ...v1 }] };
    const strip = ({ subject: _s, response: _r, fields: _f, ...rest }: typeof v1) => rest;
    expect(() => defineIndicator({ ...base, versions: [{ ...strip(v1), consumers: ['government-office', 'hanoi-land-office'] }] })).toThrow(/no legal basis/);
    const dims = v1.indicator.dimensions;
    const repeated = { ...dims[1], codeList: { ...CL_SECTOR, codes: [...CL_SECTOR.codes, CL_SECTOR.codes[0]] } } as (typeof dims)[number];
    expect(() => defineIndicator({ ...base, versions: [{ ...strip(v1), indicator: { ...v1.indicator, dimensions: [dims[0], repeated] as never } }] })).toThrow(
      /repeats a code/,
    );
    const total = { ...dims[1], codeList: { ...CL_SECTOR, codes: [{ id: TOTAL, name: { en: 'x', vi: 'x' } }] } } as (typeof dims)[number];
    expect(() => defineIndicator({ ...base, versions: [{ ...strip(v1), indicator: { ...v1.indicator, dimensions: [dims[0], total] as never } }] })).toThrow(
      /may not define _T/,
    );
  });

  it('name every province of the synthetic world in CL_PROVINCE, and place every VSIC division in a section', () => {
    expect(new Set(CL_PROVINCE.codes.map((c) => c.name.vi))).toEqual(new Set(PROVINCES));
    expect(sectionOf('0111')).toBe('A');
    expect(sectionOf('6201')).toBe('J');
    expect(sectionOf('9900')).toBe('U');
    expect(sectionOf('0400')).toBeUndefined();
  });
});

describe('governance of code lists', () => {
  const step = (c: IndicatorDefinition) => requiredBump(c.versions[0] as never, c.versions[1] as never);

  it('removing a code needs a MAJOR version: ndx contract check refuses it as a MINOR', () => {
    const c = withSecond('1.1.0', (codes) => codes.filter((x) => x.id !== 'F'));
    expect(step(c)).toBe('MAJOR');
    const g = gate(c);
    expect(g.ok).toBe(false);
    expect(g.problems.map((p) => p.message).join('\n')).toMatch(/code F .* removed/);
    expect(gate(withSecond('2.0.0', (codes) => codes.filter((x) => x.id !== 'F'))).ok).toBe(true);
  });

  it('recoding a code (same meaning, new id) is MAJOR and says so', () => {
    const c = withSecond('2.0.0', (codes) => codes.map((x) => (x.id === 'M' ? { ...x, id: 'MALE' } : x)));
    expect(step(c)).toBe('MAJOR');
    expect(gate(c).ok).toBe(true);
    expect(
      gate(withSecond('1.1.0', (codes) => codes.map((x) => (x.id === 'M' ? { ...x, id: 'MALE' } : x))))
        .problems.map((p) => p.message)
        .join('\n'),
    ).toMatch(/code M recoded as MALE/);
  });

  it('adding a code is MINOR, renaming one PATCH', () => {
    expect(step(withSecond('1.1.0', (codes) => [...codes, { id: 'X', name: { en: 'Other', vi: 'Khác' } }]))).toBe('MINOR');
    expect(gate(withSecond('1.1.0', (codes) => [...codes, { id: 'X', name: { en: 'Other', vi: 'Khác' } }])).ok).toBe(true);
    expect(step(withSecond('1.0.1', (codes) => codes.map((x) => (x.id === 'F' ? { ...x, name: { en: 'Female', vi: 'Giới tính nữ' } } : x))))).toBe('PATCH');
  });

  it('disclosure control tightens in a MINOR and loosens only in a MAJOR', () => {
    expect(step(withSecond('1.1.0', (codes) => codes, 10))).toBe('MINOR');
    expect(step(withSecond('2.0.0', (codes) => codes, 3))).toBe('MAJOR');
    expect(gate(withSecond('1.1.0', (codes) => codes, 3)).ok).toBe(false);
  });
});

describe('releases', () => {
  const spec = ((business as IndicatorDefinition).versions[0] as IndicatorDefinition['versions'][number]).indicator;
  const provinces = CL_PROVINCE.codes.map((c) => c.id);
  const sectors = CL_SECTOR.codes.map((c) => c.id);
  const counts = fc.dictionary(
    fc.tuple(fc.constantFrom(...provinces), fc.constantFrom(...sectors)).map(([p, s]) => cellKey([p, s])),
    fc.integer({ min: 0, max: 40 }),
    { maxKeys: 60 },
  );

  it('are SDMX-JSON data messages valid against the official schema, and CSV with one line per observation', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const r = release({ indicator: business?.id ?? '', version: '1.0.0', period: '2026-03', spec, counts: c });
        const message = dataMessage(business as IndicatorDefinition, business?.versions[0] as never, r, {
          id: 'test',
          prepared: new Date('2026-11-01T00:00:00Z'),
        });
        expect(sdmxErrors('data', message)).toEqual([]);
        const lines = releaseCsv(r, spec).trimEnd().split('\r\n');
        expect(lines).toHaveLength(1 + (provinces.length + 1) * (sectors.length + 1));
        expect(lines.every((l) => l.split(',').length === 6)).toBe(true);
        // The grand total is the sum of the cells, whatever is withheld (it is never the only withheld cell of a line).
        const grand = r.observations.find((o) => o.key.PROVINCE === TOTAL && o.key.SECTOR === TOTAL);
        const sum = Object.values(c).reduce((a, b) => a + b, 0);
        if (grand?.confStatus === 'F') expect(grand.value).toBe(sum);
      }),
      { numRuns: 40 },
    );
  });

  it('refuse an aggregate with a cell outside the version’s code lists', () => {
    expect(() => release({ indicator: 'x', version: '1.0.0', period: '2026-03', spec, counts: { '01|Z': 9 } })).toThrow(UnknownCellError);
  });

  it('export every indicator version as an SDMX-JSON structure message valid against the official schema', () => {
    for (const c of INDICATORS)
      for (const v of c.versions) {
        const message = structureMessage(c, v, new Date('2026-11-01T00:00:00Z'));
        expect(sdmxErrors('structure', message), `${c.id}@${v.version}`).toEqual([]);
        expect(message.data.codelists.map((l) => l.id)).toEqual([...v.indicator.dimensions.map((d) => d.codeList.id), 'CL_OBS_STATUS', 'CL_CONF_STATUS']);
      }
  });
});

describe('classification', () => {
  it('counts a snapshot at the first of a month as the month before, and ages in completed years', () => {
    expect(snapshotPeriod(new Date('2026-11-01T00:00:00Z'))).toBe('2026-10');
    expect(snapshotPeriod(new Date('2026-11-01T00:00:00.001Z'))).toBe('2026-11');
    expect(ageAt('2000-10-31', new Date('2026-10-31T23:59:59Z'))).toBe(26);
    expect(ageAt('2000-11-01', new Date('2026-10-31T23:59:59Z'))).toBe(25);
    expect([ageBand(0), ageBand(4), ageBand(5), ageBand(84), ageBand(85), ageBand(101)]).toEqual(['Y0T4', 'Y0T4', 'Y5T9', 'Y80T84', 'Y_GE85', 'Y_GE85']);
  });
});
