/** Option values checked before anything is sent: each wrong one is a usage error (exit 2) that says what the option takes. */
import type { NdxConfig } from '../config/schema.ts';
import { UsageError } from './errors.ts';

/** A whole number from `min` to `max`. */
export function wholeNumber(value: string, option: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} takes a whole number${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}, got "${value}"`);
  }
  return n;
}

/** Seconds, more than 0 and at most `max` (decimals allowed, e.g. 0.5). */
export function seconds(value: string, option: string, max = 3600): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max)
    throw new UsageError(`${option} takes a number of seconds above 0 and at most ${max}, e.g. ${option} 30 (got "${value}")`);
  return n;
}

/** An agency of the deployment's configuration; a wrong one lists the valid ones. */
export function agencyOf(config: NdxConfig, id: string, option = '--as'): string {
  if (config.agencies.some((a) => a.id === id)) return id;
  throw new UsageError(`${option}: no agency "${id}" in ndx.config.ts; agencies: ${config.agencies.map((a) => a.id).join(', ')}`);
}
