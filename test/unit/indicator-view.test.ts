/** The indicator view the CLI and the console format: rows and columns of the release, withheld cells without a number, the trend in period order, provinces ranked. */
import { describe, expect, it } from 'vitest';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import type { IndicatorDefinition } from '../../contracts/indicators/define.ts';
import { cellKey, release } from '../../domain/indicators/release.ts';
import { indicatorView } from '../../domain/indicators/view.ts';

const land = INDICATORS.find((c) => c.id === 'land.parcels-by-land-use') as IndicatorDefinition;
const spec = (land.versions[0] as IndicatorDefinition['versions'][number]).indicator;
const rel = (period: string, counts: Record<string, number>) => release({ indicator: land.id, version: '1.0.0', period, spec, counts });

describe('indicatorView', () => {
  const counts = {
    [cellKey(['01', 'ODT'])]: 40,
    [cellKey(['01', 'LUC'])]: 2,
    [cellKey(['02', 'ODT'])]: 90,
    [cellKey(['03', 'ODT'])]: 10,
    [cellKey(['03', 'LUC'])]: 12,
  };
  // Built inside each test, not when the file is collected: mutation testing then knows which tests reach the code.
  const viewOf = () => indicatorView(spec, rel('2026-10', counts), 'vi', [rel('2026-09', { [cellKey(['01', 'ODT'])]: 50 }), rel('2026-08', {})]);

  it('lays the release out as rows by the first dimension and columns by the others, in the language asked', () => {
    const view = viewOf();
    expect(view.rows).toHaveLength(34);
    expect(view.columns.map((c) => c.codes.join())).toEqual(['ODT', 'ONT', 'LUC', 'BHK', 'CLN', 'NTS', 'TMD', 'SKC']);
    expect(view.columns[0]?.label).toBe('Đất ở tại đô thị');
    expect(view.rowDimension).toBe('Tỉnh');
  });

  it('keeps withheld cells without a number, and published ones exact', () => {
    const view = viewOf();
    const hanoi = view.rows.find((r) => r.code === '01');
    expect(hanoi?.cells[2]).toEqual({ value: null, conf: 'A' }); // 2 parcels: under the threshold of 3
    expect(view.rows.find((r) => r.code === '02')?.cells[0]).toEqual({ value: 90, conf: 'F' });
    expect(view.grandTotal).toEqual({ value: 154, conf: 'F' });
  });

  it('ranks provinces with a published total, largest first, those withheld after them', () => {
    const view = viewOf();
    const published = view.ranking.filter((r) => r.total !== null);
    expect(published.map((r) => [r.code, r.total, r.rank])).toEqual(published.map((r, i) => [r.code, r.total, i + 1]));
    expect(published[0]).toMatchObject({ code: '02', total: 90, rank: 1 });
    const totals = published.map((r) => r.total ?? 0);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    expect(view.ranking.slice(published.length).every((r) => r.total === null && r.rank === null)).toBe(true);
  });

  it('charts the trend in period order, the period shown last', () => {
    const view = viewOf();
    expect(view.trend).toEqual([
      { period: '2026-08', total: 0 },
      { period: '2026-09', total: 50 },
      { period: '2026-10', total: 154 },
    ]);
  });
});
