/**
 * Lookups over time, for the operators' charts: how many lookups each outcome had per interval, and
 * their latency. Counts come from the audit trail (one record per lookup, whatever its outcome, so
 * they are exact); the latency from CloudWatch's LookupLatency metric (ms from the agency's send to
 * the reply), which only the functions' metrics carry: the audit record has the time of the answer,
 * not of the agency's send.
 */
import { STATUSES, type Status } from '../../contracts/protocol.ts';

export interface ActivityWindow {
  from: Date;
  to: Date;
  /** The length of one interval, ms. */
  stepMs: number;
  /** The UTC days (YYYY-MM-DD) whose audit partitions hold the window's records. */
  days: { from: string; to: string };
}

/** The last `hours` hours up to `now`, in intervals of `stepMinutes`, aligned on the interval (the last one is the current, partial one). */
export function activityWindow(now: Date, hours = 24, stepMinutes = 60): ActivityWindow {
  const stepMs = stepMinutes * 60_000;
  const end = Math.floor(now.getTime() / stepMs) * stepMs + stepMs;
  const from = new Date(end - hours * 3_600_000);
  const to = new Date(end);
  return { from, to, stepMs, days: { from: from.toISOString().slice(0, 10), to: now.toISOString().slice(0, 10) } };
}

/** The start of every interval of a window. */
export function intervals(w: ActivityWindow): Date[] {
  const out: Date[] = [];
  for (let t = w.from.getTime(); t < w.to.getTime(); t += w.stepMs) out.push(new Date(t));
  return out;
}

export interface OutcomeCounts {
  /** One row per interval, oldest first: its start and the count of each outcome. */
  rows: { start: string; counts: Record<Status, number> }[];
  total: number;
  /** Records read (in the days' partitions), including those outside the window. */
  read: number;
  /** Reading stopped at the limit: the counts are a lower bound. */
  truncated: boolean;
}

const zero = (): Record<Status, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;

/** Counts lookups per outcome and interval, reading at most `limit` records. */
export async function countOutcomes(records: AsyncIterable<{ at: string; status: Status }>, w: ActivityWindow, limit: number): Promise<OutcomeCounts> {
  const starts = intervals(w);
  const rows = starts.map((s) => ({ start: s.toISOString(), counts: zero() }));
  let read = 0;
  let total = 0;
  let truncated = false;
  for await (const r of records) {
    if (read >= limit) {
      truncated = true;
      break;
    }
    read++;
    const t = Date.parse(r.at);
    if (!(t >= w.from.getTime() && t < w.to.getTime())) continue;
    const row = rows[Math.floor((t - w.from.getTime()) / w.stepMs)];
    if (!row) continue;
    row.counts[r.status]++;
    total++;
  }
  return { rows, total, read, truncated };
}

/** Latency per interval (ms): the average and the largest of the lookups answered in it; null where none was. */
export interface LatencyRow {
  start: string;
  average: number | null;
  maximum: number | null;
}

/** Puts a metric's (timestamp, value) points on the window's intervals; intervals without a point are null. */
export function onIntervals(w: ActivityWindow, series: { average: Map<number, number>; maximum: Map<number, number> }): LatencyRow[] {
  return intervals(w).map((s) => {
    const t = s.getTime();
    const avg = series.average.get(t);
    const max = series.maximum.get(t);
    return { start: s.toISOString(), average: avg === undefined ? null : Math.round(avg), maximum: max === undefined ? null : Math.round(max) };
  });
}
