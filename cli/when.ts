/** Dates on the command line: `2027-06-30` (a UTC day) or a full ISO timestamp. */
import { UsageError } from './errors.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An instant from an option. A bare day means its start (00:00 UTC), or with `endOfDay` the end of
 * it (the next day's 00:00 UTC, exclusive), so `--valid-until 2027-06-30` includes all of 30 June.
 */
export function parseInstant(value: string, option: string, endOfDay = false): Date {
  if (DAY.test(value)) {
    const d = new Date(`${value}T00:00:00.000Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(value)) return endOfDay ? new Date(d.getTime() + 86_400_000) : d;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new UsageError(`${option} takes a day (2027-06-30) or an ISO timestamp (2027-06-30T12:00:00Z), got "${value}"`);
}

/** A UTC day (YYYY-MM-DD) from an option. */
export function parseDay(value: string, option: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError(`${option} takes a UTC day such as 2026-11-23, got "${value}"`);
  return value;
}

/** `2026-11-23 10:00:31Z`: readable, still exact. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}
