/**
 * `ndx capacity [--env E]`: the capacity model of an environment (config/capacity.ts) — per stage, the
 * rate expected at the peak, what the configured or derived setting carries, and the utilisation —
 * and what the stacks derive from it. Reads ndx.config.ts only: no AWS call.
 */
import type { Command } from 'commander';
import config from '../ndx.config.ts';
import { breakingPoint, capacityPlan, type CapacityPlan, type Stage } from '../config/capacity.ts';
import { CONTRACTS } from '../contracts/catalog.ts';
import { EXIT } from './exit-codes.ts';
import { UsageError } from './errors.ts';
import { table } from './table.ts';
import type { GlobalOptions } from './program.ts';

const n = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 10) / 10));
/** How many times the expected rate the stage carries (limit / expected). */
const headroom = (u: number | undefined) =>
  u === undefined ? '—' : u > 0 && Number.isFinite(u) ? `${(Math.round(100 / u) / 100).toFixed(2)}×` : u === 0 ? '—' : '0×';
const pct = (u: number | undefined) => (u === undefined ? '—' : Number.isFinite(u) ? `${Math.round(u * 100)}%` : '∞');

function mark(s: Stage, target: number): string {
  if (s.utilisation === undefined) return ' ';
  if (s.utilisation > 1) return '✖';
  return s.utilisation > target ? '!' : ' ';
}

/** The readable model: a summary, the derived settings, one row per stage, then the problems. */
export function formatCapacity(plan: CapacityPlan): string {
  const lines: string[] = [];
  if (plan.peak === undefined) {
    lines.push(`${plan.environment}: no capacity stated (environments.${plan.environment}.capacity); the limits as configured:`);
  } else {
    const perDay = ((plan.sustained ?? 0) * 86_400) / 1e6;
    lines.push(
      `${plan.environment}: ${n(plan.sustained ?? 0)} lookups/s sustained (${Math.round(perDay * 10) / 10} million a day), ${n(plan.peak)} at the peak; ` +
        `every stage sized for ${Math.round(plan.targetUtilisation * 100)}% at the peak.`,
    );
  }
  const range = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(Math.min(...xs)) : `${Math.min(...xs)}–${Math.max(...xs)}`);
  const warm = Object.entries(plan.warmThroughput).map(
    ([t, w]) => `${t} ${w.writeUnitsPerSecond ? `${n(w.writeUnitsPerSecond)} writes/s` : `${n(w.readUnitsPerSecond ?? 0)} reads/s`}`,
  );
  const reservedAdapters = Object.values(plan.reserved.adapters).filter((x): x is number => x !== undefined);
  lines.push(
    `derived: router mappings ${range(Object.values(plan.routerMappings))}, adapter mappings ${range(Object.values(plan.adapterMappings))} executions; ` +
      `reserved ${plan.reserved.router === undefined && reservedAdapters.length === 0 ? 'none' : `router ${plan.reserved.router ?? '—'}, adapters ${reservedAdapters.length ? range(reservedAdapters) : '—'}`}; ` +
      `audit shards ${plan.auditShards}; warm throughput ${warm.length ? warm.join(', ') : 'none needed'}` +
      (Object.keys(plan.rateLimitShards).length
        ? `; rate-limit items ${Object.entries(plan.rateLimitShards)
            .map(([p, k]) => `${p} ×${k}`)
            .join(', ')}`
        : ''),
    '',
  );
  const rows = [['', 'stage', 'scope', 'expected', 'limit', 'unit', 'use', 'headroom', 'setting']];
  for (const s of plan.stages) {
    rows.push([
      mark(s, plan.targetUtilisation),
      s.stage,
      s.scope,
      s.expected === undefined ? '—' : n(s.expected),
      n(s.limit),
      s.unit,
      pct(s.utilisation),
      headroom(s.utilisation),
      s.setting,
    ]);
  }
  lines.push(table(rows, new Set([3, 4, 6, 7])));
  const busiest = plan.stages.filter((s) => s.utilisation !== undefined).sort((a, b) => (b.utilisation ?? 0) - (a.utilisation ?? 0))[0];
  if (busiest) lines.push('', `binds first: ${busiest.stage} ${busiest.scope} at ${pct(busiest.utilisation)} of its limit`);
  const breaks = breakingPoint(plan);
  const refuses = breakingPoint(plan, true);
  if (breaks) lines.push(`breaks first: ${breaks.stage} ${breaks.scope}, reaches its limit at ${n(breaks.rate)} lookups/s (shares kept)`);
  if (refuses) lines.push(`the contracts’ rate limits refuse from ${n(refuses.rate)} lookups/s (${refuses.scope} first)`);
  if (plan.problems.length) {
    lines.push('', `✖ ${plan.environment} cannot carry its capacity (synthesis refuses it):`, ...plan.problems.map((p) => `  - ${p}`));
  }
  return lines.join('\n');
}

export function registerCapacity(program: Command): void {
  program
    .command('capacity')
    .description('the capacity model of an environment: per stage, the expected rate at the peak, the limit and the utilisation (exit 8 when it cannot carry)')
    .option('--env <name>', 'the environment of ndx.config.ts (default: NDX_ENV, else dev)')
    .action((options: { env?: string }, command: Command) => {
      const json = Boolean(command.optsWithGlobals<GlobalOptions>().json);
      const environment = options.env ?? process.env.NDX_ENV ?? 'dev';
      if (!config.environments[environment]) {
        throw new UsageError(`no environment "${environment}" in ndx.config.ts (configured: ${Object.keys(config.environments).join(', ')})`);
      }
      const plan = capacityPlan(config, environment, CONTRACTS);
      console.log(json ? JSON.stringify(plan, null, 2) : formatCapacity(plan));
      if (plan.problems.length) process.exitCode = EXIT.REFUSED;
    });
}
