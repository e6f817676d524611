/**
 * A release, cell by cell (domain/indicators/release.ts), its SDMX-JSON data message and the way back
 * (sdmx-data.ts), its CSV, and the view people read (view.ts), on small tables worked out by hand:
 * the table's layout (rows by the first dimension, columns by every combination of the others, in code
 * list order), each observation's key, value and statuses (a withheld one has no value, OBS_STATUS M
 * and its CONF_STATUS), the summary, the data message's keys and attribute positions, the CSV lines,
 * and the view's cells, ranking (ties by code) and trend.
 */
import { describe, expect, it } from 'vitest';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import type { IndicatorDefinition } from '../../contracts/indicators/define.ts';
import type { Dimension, IndicatorSpec } from '../../contracts/indicators/model.ts';
import { SDMX_DATA_SCHEMA, SENDER, dataStructure } from '../../contracts/indicators/sdmx.ts';
import { type Release, release, releaseCsv, tableOf, UnknownCellError } from '../../domain/indicators/release.ts';
import { dataMessage, observationsOf } from '../../domain/indicators/sdmx-data.ts';
import { indicatorView } from '../../domain/indicators/view.ts';
import { sdmxErrors } from './sdmx-support.ts';

const dim = (id: string, codes: string[]): Dimension => ({
  id,
  name: { en: `${id} en`, vi: `${id} vi` },
  codeList: { id: `CL_${id}`, name: { en: id, vi: id }, codes: codes.map((c) => ({ id: c, name: { en: `${c} en`, vi: `${c} vi` } })) },
});
const spec = (dimensions: Dimension[], threshold = 3): IndicatorSpec => ({
  dimensions,
  period: { frequency: 'M', description: 'month' },
  measure: { id: 'OBS_VALUE', name: { en: 'Units', vi: 'Đơn vị' }, unit: 'units' },
  disclosure: { threshold },
});
const TWO = spec([dim('REGION', ['N', 'S']), dim('SEX', ['M', 'F'])]);
const COUNTS = { 'N|M': 1, 'N|F': 10, 'S|M': 20, 'S|F': 30 };
const rel = (counts: Record<string, number> = COUNTS, period = '2026-10', s = TWO) => release({ indicator: 'x.y', version: '1.2.0', period, spec: s, counts });

describe('tableOf', () => {
  it('lays counts out as rows of the first dimension by every combination of the others, zero where none', () => {
    const three = spec([dim('R', ['a', 'b']), dim('X', ['x', 'y']), dim('Z', ['p', 'q'])]);
    expect(tableOf(three, { 'a|y|q': 4, 'b|x|p': 7, 'b|y|p': 0 })).toEqual({
      rows: ['a', 'b'],
      columns: [
        ['x', 'p'],
        ['x', 'q'],
        ['y', 'p'],
        ['y', 'q'],
      ],
      cells: [
        [0, 0, 0, 4],
        [7, 0, 0, 0],
      ],
    });
  });

  it('refuses a cell outside the code lists, by row or by column, and a version without dimensions', () => {
    expect(() => tableOf(TWO, { 'W|M': 1 })).toThrow(new UnknownCellError("the aggregate has a cell W|M that the version's code lists do not define"));
    expect(() => tableOf(TWO, { 'N|X': 1 })).toThrow(UnknownCellError);
    expect(() => tableOf(TWO, { N: 1 })).toThrow(UnknownCellError);
    expect(() => tableOf(TWO, { 'N|M|M': 1 })).toThrow(UnknownCellError);
    expect(new UnknownCellError('m').name).toBe('UnknownCellError');
    expect(() => tableOf(spec([]), {})).toThrow('an indicator has dimensions');
  });
});

describe('release', () => {
  it('writes every cell and margin as an observation: published with its value, withheld with none', () => {
    const r = rel();
    expect(r).toEqual({
      indicator: 'x.y',
      version: '1.2.0',
      period: '2026-10',
      observations: [
        { key: { REGION: 'N', SEX: 'M' }, value: null, obsStatus: 'M', confStatus: 'A' },
        { key: { REGION: 'N', SEX: 'F' }, value: null, obsStatus: 'M', confStatus: 'D' },
        { key: { REGION: 'N', SEX: '_T' }, value: 11, obsStatus: 'A', confStatus: 'F' },
        { key: { REGION: 'S', SEX: 'M' }, value: null, obsStatus: 'M', confStatus: 'D' },
        { key: { REGION: 'S', SEX: 'F' }, value: null, obsStatus: 'M', confStatus: 'D' },
        { key: { REGION: 'S', SEX: '_T' }, value: 50, obsStatus: 'A', confStatus: 'F' },
        { key: { REGION: '_T', SEX: 'M' }, value: 21, obsStatus: 'A', confStatus: 'F' },
        { key: { REGION: '_T', SEX: 'F' }, value: 40, obsStatus: 'A', confStatus: 'F' },
        { key: { REGION: '_T', SEX: '_T' }, value: 61, obsStatus: 'A', confStatus: 'F' },
      ],
      summary: { cells: 9, published: 5, primary: 1, secondary: 3 },
    });
  });

  it('counts every primary status as primary, and publishes a table with nothing small', () => {
    // Four small cells and the column total of M (2) are primary; that total hangs off the four, so the
    // column total of F (4) goes with it; the row totals (3) and the grand total (6) stay published.
    const small = rel({ 'N|M': 1, 'N|F': 2, 'S|M': 1, 'S|F': 2 });
    expect(small.summary).toEqual({ cells: 9, published: 3, primary: 5, secondary: 1 });
    expect(small.observations.map((o) => o.confStatus).join('')).toBe('AAFAAFADF');
    const open = rel({ 'N|M': 3, 'S|F': 4 });
    expect(open.summary).toEqual({ cells: 9, published: 9, primary: 0, secondary: 0 });
    expect(open.observations.map((o) => o.value)).toEqual([3, 0, 3, 0, 4, 4, 3, 4, 7]);
  });

  it('keys observations of three dimensions with the total of every column dimension', () => {
    const three = spec([dim('R', ['a']), dim('X', ['x']), dim('Z', ['p'])]);
    const r = rel({ 'a|x|p': 5 }, '2026-10', three);
    expect(r.observations.map((o) => o.key)).toEqual([
      { R: 'a', X: 'x', Z: 'p' },
      { R: 'a', X: '_T', Z: '_T' },
      { R: '_T', X: 'x', Z: 'p' },
      { R: '_T', X: '_T', Z: '_T' },
    ]);
  });

  it('writes the CSV: the dimensions, period, value (empty when withheld) and both statuses, CRLF after every line', () => {
    expect(releaseCsv(rel(), TWO)).toBe(
      [
        'REGION,SEX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS',
        'N,M,2026-10,,M,A',
        'N,F,2026-10,,M,D',
        'N,_T,2026-10,11,A,F',
        'S,M,2026-10,,M,D',
        'S,F,2026-10,,M,D',
        'S,_T,2026-10,50,A,F',
        '_T,M,2026-10,21,A,F',
        '_T,F,2026-10,40,A,F',
        '_T,_T,2026-10,61,A,F',
        '',
      ].join('\r\n'),
    );
    const r: Release = { ...rel(), observations: [{ key: { REGION: 'N' }, value: 0, obsStatus: 'A', confStatus: 'F' }] };
    expect(releaseCsv(r, TWO)).toBe('REGION,SEX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS\r\nN,,2026-10,0,A,F\r\n');
  });
});

describe('SDMX-JSON data messages', () => {
  const land = INDICATORS.find((c) => c.id === 'land.parcels-by-land-use') as IndicatorDefinition;
  const version = { ...(land.versions[0] as IndicatorDefinition['versions'][number]), indicator: TWO };
  const prepared = new Date('2026-11-01T00:05:00.000Z');

  it('keys observations by code positions (the total after the codes) and the period, with the statuses as attribute positions', () => {
    const m = dataMessage(land, version, rel(), { id: 'government-office-1', prepared });
    expect(m).toEqual({
      $schema: SDMX_DATA_SCHEMA,
      meta: { id: 'government-office-1', prepared: '2026-11-01T00:05:00.000Z', contentLanguages: ['en', 'vi'], sender: SENDER },
      data: {
        structures: [dataStructure(land, version, '2026-10')],
        dataSets: [
          {
            structure: 0,
            action: 'Information',
            observations: {
              '0:0:0': [null, 1, 1],
              '0:1:0': [null, 1, 4],
              '0:2:0': [11, 0, 0],
              '1:0:0': [null, 1, 4],
              '1:1:0': [null, 1, 4],
              '1:2:0': [50, 0, 0],
              '2:0:0': [21, 0, 0],
              '2:1:0': [40, 0, 0],
              '2:2:0': [61, 0, 0],
            },
          },
        ],
      },
    });
    expect(sdmxErrors('data', m)).toEqual([]);
  });

  it('gives every dominance status its own position, and makes the message id an SDMX id', () => {
    const r: Release = {
      ...rel(),
      observations: [
        { key: { REGION: 'N', SEX: 'M' }, value: null, obsStatus: 'M', confStatus: 'O' },
        { key: { REGION: 'S', SEX: 'F' }, value: null, obsStatus: 'M', confStatus: 'T' },
      ],
    };
    const m = dataMessage(land, version, r, { id: 'a.b c/d@e$f_g-h', prepared });
    expect(m.meta.id).toBe('a_b_c_d@e$f_g-h');
    expect(m.data.dataSets[0]?.observations).toEqual({ '0:0:0': [null, 1, 2], '1:1:0': [null, 1, 3] });
  });

  it('refuses an observation with a code outside the structure', () => {
    const r: Release = { ...rel(), observations: [{ key: { REGION: 'W', SEX: 'M' }, value: 1, obsStatus: 'A', confStatus: 'F' }] };
    expect(() => dataMessage(land, version, r, { id: 'x', prepared })).toThrow('observation {"REGION":"W","SEX":"M"} has a code outside the structure');
    const missing: Release = { ...rel(), observations: [{ key: { REGION: 'N' }, value: 1, obsStatus: 'A', confStatus: 'F' }] };
    expect(() => dataMessage(land, version, missing, { id: 'x', prepared })).toThrow(/outside the structure/);
  });

  it('reads observations back from a message, unknown positions as ? and unknown statuses as withheld', () => {
    const r = rel();
    expect(observationsOf(TWO, dataMessage(land, version, r, { id: 'x', prepared }))).toEqual(r.observations);
    expect(observationsOf(TWO, { data: { dataSets: [{ observations: { '7:1:0': [5, 9, 9], '0:0:0': [null, 1, 3] } }] } })).toEqual([
      { key: { REGION: '?', SEX: 'F' }, value: 5, obsStatus: 'M', confStatus: 'D' },
      { key: { REGION: 'N', SEX: 'M' }, value: null, obsStatus: 'M', confStatus: 'T' },
    ]);
    expect(observationsOf(TWO, { data: { dataSets: [{ observations: { '0': [5, 0, 0] } }] } })).toEqual([
      { key: { REGION: 'N', SEX: '?' }, value: 5, obsStatus: 'A', confStatus: 'F' },
    ]);
    expect(observationsOf(TWO, {})).toEqual([]);
    expect(observationsOf(TWO, { data: {} })).toEqual([]);
    expect(observationsOf(TWO, { data: { dataSets: [] } })).toEqual([]);
    expect(observationsOf(TWO, { data: { dataSets: [{}] } })).toEqual([]);
  });
});

describe('indicatorView', () => {
  const THREE_ROWS = spec([dim('REGION', ['C', 'A', 'B', 'D']), dim('SEX', ['M', 'F']), dim('AGE', ['Y', 'O'])]);
  const obs = (region: string, sex: string, age: string, value: number | null, conf: 'F' | 'A' | 'D' = value === null ? 'A' : 'F') => ({
    key: { REGION: region, SEX: sex, AGE: age },
    value,
    obsStatus: value === null ? ('M' as const) : ('A' as const),
    confStatus: conf,
  });
  const summary = { cells: 45, published: 40, primary: 3, secondary: 2 };
  const make = (period: string, observations: Release['observations']): Release => ({ indicator: 'x.y', version: '1.0.0', period, observations, summary });
  const current = make('2026-10', [
    obs('C', 'M', 'Y', 7),
    obs('C', 'F', 'O', null, 'D'),
    obs('C', '_T', '_T', 20),
    obs('A', '_T', '_T', 20),
    obs('B', '_T', '_T', 35),
    obs('D', '_T', '_T', null),
    obs('_T', 'M', 'Y', 30),
    obs('_T', '_T', '_T', 99),
  ]);

  it('lays out rows and the combinations of the other dimensions, labelled in the language asked', () => {
    const v = indicatorView(THREE_ROWS, current, 'vi');
    expect(v.period).toBe('2026-10');
    expect(v.rowDimension).toBe('REGION vi');
    expect(v.columnDimensions).toEqual(['SEX vi', 'AGE vi']);
    expect(v.columns).toEqual([
      { codes: ['M', 'Y'], label: 'M vi · Y vi' },
      { codes: ['M', 'O'], label: 'M vi · O vi' },
      { codes: ['F', 'Y'], label: 'F vi · Y vi' },
      { codes: ['F', 'O'], label: 'F vi · O vi' },
    ]);
    expect(v.rows.map((r) => [r.code, r.label])).toEqual([
      ['C', 'C vi'],
      ['A', 'A vi'],
      ['B', 'B vi'],
      ['D', 'D vi'],
    ]);
    expect(v.summary).toBe(summary);
    const en = indicatorView(THREE_ROWS, current);
    expect(en.rowDimension).toBe('REGION en');
    expect(en.columns[0]?.label).toBe('M en · Y en');
    expect(en.rows[0]?.label).toBe('C en');
  });

  it('takes each cell and total from its observation; one the release lacks is withheld (D) without a number', () => {
    const v = indicatorView(THREE_ROWS, current);
    const c = v.rows[0];
    expect(c?.cells).toEqual([
      { value: 7, conf: 'F' },
      { value: null, conf: 'D' },
      { value: null, conf: 'D' },
      { value: null, conf: 'D' },
    ]);
    expect(c?.total).toEqual({ value: 20, conf: 'F' });
    expect(v.rows[3]?.total).toEqual({ value: null, conf: 'A' });
    expect(v.columnTotals).toEqual([
      { value: 30, conf: 'F' },
      { value: null, conf: 'D' },
      { value: null, conf: 'D' },
      { value: null, conf: 'D' },
    ]);
    expect(v.grandTotal).toEqual({ value: 99, conf: 'F' });
  });

  it('ranks rows with a published total, largest first and ties by code, then the withheld ones without a rank', () => {
    expect(indicatorView(THREE_ROWS, current).ranking).toEqual([
      { code: 'B', label: 'B en', total: 35, rank: 1 },
      { code: 'A', label: 'A en', total: 20, rank: 2 },
      { code: 'C', label: 'C en', total: 20, rank: 3 },
      { code: 'D', label: 'D en', total: null, rank: null },
    ]);
  });

  it('charts the grand total of each period, oldest first, the release itself replacing a history entry of its period', () => {
    const history = [
      make('2026-09', [obs('_T', '_T', '_T', 90)]),
      make('2026-10', [obs('_T', '_T', '_T', 1)]),
      make('2026-07', [obs('_T', '_T', '_T', null)]),
      make('2026-08', [obs('C', '_T', '_T', 5)]),
    ];
    expect(indicatorView(THREE_ROWS, current, 'en', history).trend).toEqual([
      { period: '2026-07', total: null },
      { period: '2026-08', total: null },
      { period: '2026-09', total: 90 },
      { period: '2026-10', total: 99 },
    ]);
    expect(indicatorView(THREE_ROWS, current).trend).toEqual([{ period: '2026-10', total: 99 }]);
  });

  it('refuses a version without dimensions', () => {
    expect(() => indicatorView(spec([]), current)).toThrow('an indicator has dimensions');
  });
});
