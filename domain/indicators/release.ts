/**
 * An indicator for one period, made safe to release: the aggregate's counts laid out as the version's
 * table (rows: the first dimension; columns: every combination of the others), protected
 * (disclosure.ts), and written as observations with their margins (`_T`). Pure.
 */
import { type ConfStatus, type IndicatorSpec, TOTAL } from '../../contracts/indicators/model.ts';
import { protect } from './disclosure.ts';

/** One released observation: dimension codes, period, value (null when withheld) and attributes. */
export interface Observation {
  key: Record<string, string>;
  value: number | null;
  obsStatus: 'A' | 'M';
  confStatus: ConfStatus;
}

/** Counts of one indicator and period, by cell: dimension codes joined with `|` in dimension order. No personal data. */
export type CellCounts = Readonly<Record<string, number>>;

export const cellKey = (codes: readonly string[]): string => codes.join('|');

export interface Release {
  indicator: string;
  version: string;
  period: string;
  observations: Observation[];
  /** How many cells (margins included) were published, withheld by the primary rules, withheld to protect them. */
  summary: { cells: number; published: number; primary: number; secondary: number };
}

/** Every combination of codes of the dimensions after the first: the table's columns. */
function columnsOf(spec: IndicatorSpec): string[][] {
  let combos: string[][] = [[]];
  for (const d of spec.dimensions.slice(1)) combos = combos.flatMap((c) => d.codeList.codes.map((code) => [...c, code.id]));
  return combos;
}

/** Counts whose key is not a cell of the version's code lists (a code the version does not know): refused, not dropped. */
export class UnknownCellError extends Error {
  override readonly name = 'UnknownCellError';
}

/** The table of counts for a version: rows × columns, zero where the aggregate has no count. */
export function tableOf(spec: IndicatorSpec, counts: CellCounts): { rows: string[]; columns: string[][]; cells: number[][] } {
  const [first] = spec.dimensions;
  if (!first) throw new Error('an indicator has dimensions');
  const rows = first.codeList.codes.map((c) => c.id);
  const columns = columnsOf(spec);
  const rowIndex = new Map(rows.map((r, i) => [r, i]));
  const colIndex = new Map(columns.map((c, j) => [cellKey(c), j]));
  const cells = rows.map(() => new Array<number>(columns.length).fill(0));
  for (const [key, n] of Object.entries(counts)) {
    const [row, ...rest] = key.split('|');
    const i = rowIndex.get(row ?? '');
    const j = colIndex.get(cellKey(rest));
    if (i === undefined || j === undefined) throw new UnknownCellError(`the aggregate has a cell ${key} that the version's code lists do not define`);
    (cells[i] as number[])[j] = n;
  }
  return { rows, columns, cells };
}

/** The released observations of one period: every cell and margin, withheld ones without a number. */
export function release(input: { indicator: string; version: string; period: string; spec: IndicatorSpec; counts: CellCounts }): Release {
  const { spec } = input;
  const { rows, columns, cells } = tableOf(spec, input.counts);
  const { values, status } = protect(cells, spec.disclosure);
  const ids = spec.dimensions.map((d) => d.id);
  const totalColumn = ids.slice(1).map(() => TOTAL);
  const observations: Observation[] = [];
  const summary = { cells: 0, published: 0, primary: 0, secondary: 0 };
  [...rows, TOTAL].forEach((row, i) => {
    [...columns, totalColumn].forEach((col, j) => {
      const s = status[i]?.[j] ?? 'F';
      const value = values[i]?.[j] ?? null;
      observations.push({
        key: Object.fromEntries([row, ...col].map((code, k) => [ids[k] as string, code])),
        value: s === 'F' ? value : null,
        obsStatus: s === 'F' ? 'A' : 'M',
        confStatus: s,
      });
      summary.cells++;
      if (s === 'F') summary.published++;
      else if (s === 'D') summary.secondary++;
      else summary.primary++;
    });
  });
  return { indicator: input.indicator, version: input.version, period: input.period, observations, summary };
}

/** The CSV of a release: one row per observation, columns as the version's response (dimensions, TIME_PERIOD, OBS_VALUE, OBS_STATUS, CONF_STATUS). */
export function releaseCsv(r: Release, spec: IndicatorSpec): string {
  const ids = spec.dimensions.map((d) => d.id);
  const header = [...ids, 'TIME_PERIOD', 'OBS_VALUE', 'OBS_STATUS', 'CONF_STATUS'];
  const lines = r.observations.map((o) =>
    [...ids.map((id) => o.key[id] ?? ''), r.period, o.value === null ? '' : String(o.value), o.obsStatus, o.confStatus].join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
