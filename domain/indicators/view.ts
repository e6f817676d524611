/**
 * What a person reads of an indicator: the released table (rows by the first dimension, columns by
 * the others, totals last), the trend of the grand total over periods, and the rows ranked by their
 * total. Built from releases only (release.ts): a withheld cell stays without a number here too. Pure,
 * so the CLI and the console format it and decide nothing.
 */
import { type ConfStatus, type IndicatorSpec, type Label, TOTAL, TOTAL_LABEL } from '../../contracts/indicators/model.ts';
import type { Observation, Release } from './release.ts';

export type Lang = 'en' | 'vi';

export interface ViewCell {
  value: number | null;
  conf: ConfStatus;
}

export interface IndicatorView {
  period: string;
  /** The first dimension (the rows) and the others (the columns), by name. */
  rowDimension: string;
  columnDimensions: string[];
  columns: Array<{ codes: string[]; label: string }>;
  rows: Array<{ code: string; label: string; cells: ViewCell[]; total: ViewCell }>;
  columnTotals: ViewCell[];
  grandTotal: ViewCell;
  summary: Release['summary'];
  /** The grand total of each period given, oldest first (null where withheld). */
  trend: Array<{ period: string; total: number | null }>;
  /** Rows with a published total, largest first; rows whose total is withheld after them, by code. */
  ranking: Array<{ code: string; label: string; total: number | null; rank: number | null }>;
}

const labelOf = (l: Label, lang: Lang) => l[lang];

/** The view of `release`, with `history` (releases of other periods of the same indicator) for the trend. */
export function indicatorView(spec: IndicatorSpec, release: Release, lang: Lang = 'en', history: readonly Release[] = []): IndicatorView {
  const [first, ...others] = spec.dimensions;
  if (!first) throw new Error('an indicator has dimensions');
  const ids = spec.dimensions.map((d) => d.id);
  const key = (o: Observation) => ids.map((id) => o.key[id] ?? '').join('|');
  const byKey = new Map(release.observations.map((o) => [key(o), { value: o.value, conf: o.confStatus } satisfies ViewCell]));
  const cell = (codes: string[]): ViewCell => byKey.get(codes.join('|')) ?? { value: null, conf: 'D' };
  let combos: Array<{ codes: string[]; label: string[] }> = [{ codes: [], label: [] }];
  for (const d of others)
    combos = combos.flatMap((c) => d.codeList.codes.map((code) => ({ codes: [...c.codes, code.id], label: [...c.label, labelOf(code.name, lang)] })));
  const columns = combos.map((c) => ({ codes: c.codes, label: c.label.join(' · ') }));
  const totalCodes = others.map(() => TOTAL);
  const rows = first.codeList.codes.map((r) => ({
    code: r.id,
    label: labelOf(r.name, lang),
    cells: columns.map((c) => cell([r.id, ...c.codes])),
    total: cell([r.id, ...totalCodes]),
  }));
  const published = rows.filter((r) => r.total.value !== null).sort((a, b) => (b.total.value ?? 0) - (a.total.value ?? 0) || a.code.localeCompare(b.code));
  const withheld = rows.filter((r) => r.total.value === null);
  const grand = (r: Release) => r.observations.find((o) => ids.every((id) => o.key[id] === TOTAL))?.value ?? null;
  const trend = [...history.filter((h) => h.period !== release.period), release]
    .sort((a, b) => a.period.localeCompare(b.period))
    .map((r) => ({ period: r.period, total: grand(r) }));
  return {
    period: release.period,
    rowDimension: labelOf(first.name, lang),
    columnDimensions: others.map((d) => labelOf(d.name, lang)),
    columns,
    rows,
    columnTotals: columns.map((c) => cell([TOTAL, ...c.codes])),
    grandTotal: cell([TOTAL, ...totalCodes]),
    summary: release.summary,
    trend,
    ranking: [
      ...published.map((r, i) => ({ code: r.code, label: r.label, total: r.total.value, rank: i + 1 })),
      ...withheld.map((r) => ({ code: r.code, label: r.label, total: null, rank: null })),
    ],
  };
}

export { TOTAL_LABEL };
