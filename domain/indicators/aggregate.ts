/**
 * Aggregates: the counts an indicator is released from, one item per indicator and period, computed
 * from a registry's records (classify.ts, tally below) and kept by the aggregate store
 * (aws/indicator-store.ts). Counts and codes only: no identifier, no name, no record value.
 */
import * as z from 'zod';
import type { CellCounts } from './release.ts';

export const Aggregate = z.strictObject({
  indicator: z.string(),
  period: z.string(),
  /** Cell (codes joined with `|`) → count of units. */
  counts: z.record(z.string(), z.number().int().min(0)),
  /** The registry records were read as of this instant. */
  asOf: z.iso.datetime(),
  computedAt: z.iso.datetime(),
  registry: z.string(),
});
export type Aggregate = z.infer<typeof Aggregate>;

/** Counts by indicator, period and cell, added up while a registry is read; two tallies of disjoint records merge by addition. */
export class Tally {
  readonly counts = new Map<string, Map<string, Map<string, number>>>();
  /** Records a classifier could not place (a code outside its code lists): reported, never dropped silently. */
  unclassified = 0;
  records = 0;

  add(indicator: string, period: string, cell: string, n = 1): void {
    const byPeriod = this.counts.get(indicator) ?? new Map<string, Map<string, number>>();
    this.counts.set(indicator, byPeriod);
    const cells = byPeriod.get(period) ?? new Map<string, number>();
    byPeriod.set(period, cells);
    cells.set(cell, (cells.get(cell) ?? 0) + n);
  }

  merge(other: Tally): this {
    for (const [indicator, byPeriod] of other.counts)
      for (const [period, cells] of byPeriod) for (const [cell, n] of cells) this.add(indicator, period, cell, n);
    this.unclassified += other.unclassified;
    this.records += other.records;
    return this;
  }

  /** The aggregates of this tally, for every indicator and period it counted. */
  aggregates(meta: { registry: string; asOf: string; computedAt: string }): Aggregate[] {
    const out: Aggregate[] = [];
    for (const [indicator, byPeriod] of this.counts)
      for (const [period, cells] of byPeriod)
        out.push({ indicator, period, counts: Object.fromEntries([...cells].sort(([a], [b]) => a.localeCompare(b))), ...meta });
    return out.sort((a, b) => a.indicator.localeCompare(b.indicator) || a.period.localeCompare(b.period));
  }
}

export type { CellCounts };
