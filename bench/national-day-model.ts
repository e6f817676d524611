/**
 * The national-day model's runs (bench/national-day.ts, `npm run model`): an environment's capacity plan
 * (config/capacity.ts) as a network of queues, simulated (bench/simulation.ts), and what a run says —
 * the busiest stage, the queues, the latency, and where the plan gives way as the rate grows.
 */
import { breakingPoint, CAPACITY_FACTS, sharesOf, type BreakingPoint, type CapacityPlan } from '../config/capacity.ts';
import type { NdxConfig } from '../config/schema.ts';

type CapacityConfig = NonNullable<NdxConfig['environments'][string]['capacity']>;
import { simulate, type SimulationResult, type StationSpec } from './simulation.ts';

/** Seconds between two stages: an SQS send and the mapping's receive. */
export const HOP_SECONDS = 0.02;

/** One stage of a run: its executions (or partitions), the rate it saw, its busiest station's utilisation, the queue and the waits. */
export interface StageRow {
  stage: string;
  scope: string;
  servers: number;
  rate: number;
  utilisation: number;
  meanQueue: number;
  maxQueue: number;
  waitP99Ms: number;
}

/** What the model needs of a run besides the plan. */
export interface RunOptions {
  /** Function time per lookup, ms. */
  times: { routerMs: number; adapterMs: number };
  seed: number;
  /** Lookups/s across the platform. */
  rate: number;
  /** Simulated seconds of arrivals. */
  seconds: number;
  /** The environment's capacity: its shares and stated quota (the plan's routes follow them). */
  capacity: CapacityConfig | undefined;
}

export interface Run {
  rows: StageRow[];
  sim: SimulationResult;
  account?: { size: number; maxBusy: number };
}

/**
 * Puts `rate` lookups/s through the stations of `plan` (each agency's router mapping, each registry's
 * adapter mapping, each registry's audit chain partitions, the account's concurrency when stated): a
 * seeded simulation, so the same options give the same run.
 */
export function runModel(plan: CapacityPlan, { times, seed, rate, seconds, capacity: cap }: RunOptions): Run {
  const agencies = Object.keys(plan.routerMappings);
  const registries = Object.keys(plan.adapterMappings);
  const agencyShare = sharesOf(agencies, cap?.shares.agencies);
  const registryShare = sharesOf(registries, cap?.shares.registries);
  const quota = cap?.accountConcurrency;
  const pool = quota === undefined ? undefined : 'account';
  const stations: StationSpec[] = [
    ...agencies.map((a) => ({ name: `router ${a}`, servers: plan.routerMappings[a] ?? 2, meanService: times.routerMs / 1000, ...(pool ? { pool } : {}) })),
    ...registries.map((r) => ({ name: `adapter ${r}`, servers: plan.adapterMappings[r] ?? 2, meanService: times.adapterMs / 1000, ...(pool ? { pool } : {}) })),
  ];
  const auditBase = stations.length;
  for (const r of registries)
    for (let s = 0; s < plan.auditShards; s++) stations.push({ name: `audit ${r}#${s}`, servers: 1, meanService: 1 / CAPACITY_FACTS.auditAppendsPerShard });
  const pick = (shares: Map<string, number>, ids: string[], u: number) => {
    let acc = 0;
    for (const [i, id] of ids.entries()) {
      acc += shares.get(id) ?? 0;
      if (u < acc) return i;
    }
    return ids.length - 1;
  };
  const sim = simulate({
    seed,
    rate,
    seconds,
    stations,
    hop: HOP_SECONDS,
    ...(pool && quota !== undefined ? { pools: { [pool]: quota } } : {}),
    route: (random) => {
      const a = pick(agencyShare, agencies, random());
      const r = pick(registryShare, registries, random());
      const shard = Math.floor(random() * plan.auditShards);
      return [a, agencies.length + r, auditBase + r * plan.auditShards + shard];
    },
  });
  const rows: StageRow[] = [];
  const row = (stage: string, scope: string, list: SimulationResult['stations']) => {
    if (list.length === 0) return;
    rows.push({
      stage,
      scope,
      servers: list.reduce((n, s) => n + s.servers, 0),
      rate: list.reduce((n, s) => n + s.arrivals, 0) / seconds,
      utilisation: Math.max(...list.map((s) => s.utilisation)),
      meanQueue: list.reduce((n, s) => n + s.meanQueue, 0),
      maxQueue: Math.max(...list.map((s) => s.maxQueue)),
      waitP99Ms: Math.max(...list.map((s) => s.wait.p99)) * 1000,
    });
  };
  for (const [i, a] of agencies.entries()) row('router', a, sim.stations.slice(i, i + 1));
  for (const [i, r] of registries.entries()) row('adapter', r, sim.stations.slice(agencies.length + i, agencies.length + i + 1));
  for (const [i, r] of registries.entries())
    row('audit chain', r, sim.stations.slice(auditBase + i * plan.auditShards, auditBase + (i + 1) * plan.auditShards));
  const account = pool ? sim.pools[pool] : undefined;
  return { rows, sim, ...(account ? { account: { size: account.size, maxBusy: account.maxBusy } } : {}) };
}

/** What a run says in one place: the busiest stage, the queues, the latency, and where the plan gives way as the rate grows. */
export interface Summary {
  busiest: { stage: string; scope: string; utilisation: number } | undefined;
  /** Most lookups ever waiting at one station, and the time-averaged number waiting over all stations. */
  queue: { max: number; mean: number };
  latencyMs: { p50: number; p99: number };
  /** Lookups/s at which the busiest simulated stage would be full (the peak / its utilisation; shares kept). */
  simulatedFullAt: number | undefined;
  /** The capacity model's first stage to reach its limit as the peak grows (tables included), and where the contracts' limits start refusing. */
  breaks: BreakingPoint | undefined;
  refuses: BreakingPoint | undefined;
}

export function summarise(plan: CapacityPlan, r: Run, rate: number): Summary {
  const worst = [...r.rows].sort((a, b) => b.utilisation - a.utilisation)[0];
  return {
    busiest: worst && { stage: worst.stage, scope: worst.scope, utilisation: worst.utilisation },
    queue: { max: Math.max(0, ...r.rows.map((x) => x.maxQueue)), mean: r.rows.reduce((n, x) => n + x.meanQueue, 0) },
    latencyMs: { p50: r.sim.latency.p50 * 1000, p99: r.sim.latency.p99 * 1000 },
    simulatedFullAt: worst && worst.utilisation > 0 ? rate / worst.utilisation : undefined,
    breaks: breakingPoint(plan),
    refuses: breakingPoint(plan, true),
  };
}
