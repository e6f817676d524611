/**
 * The capacity model: from what an environment must carry (`capacity` in ndx.config.ts: lookups/s
 * sustained and at the peak, an optional account concurrency quota), the settings the stacks derive
 * (each event source mapping's maximum concurrency, reserved concurrency, audit chain shards, table warm
 * throughput) and, per stage, the expected rate, the limit and the utilisation. Synthesis fails on the
 * `problems` (infra/deployment.ts); `ndx capacity` prints the stages.
 *
 * Pure arithmetic over the configuration and the contract catalog: no AWS, no I/O.
 *
 * The model's facts and their sources:
 * - a function execution handles one lookup in `serviceTimes` ms (router 25, adapter 45 by default: the
 *   benchmark's CPU time per lookup, batches shared), so a stage carrying `r` lookups/s keeps
 *   `r × ms / 1000` executions busy (Little's law);
 * - one audit chain partition takes about 125 appends/s (a conditional put after its head; a simulation
 *   of the append measured 125–155/s), so a registry's appends need `rate / 125` shards;
 * - an SQS event source mapping runs 2 to 1,000 executions at once (Lambda's ScalingConfig);
 * - Lambda keeps 100 of an account's concurrency unreserved;
 * - a new on-demand DynamoDB table (and each index) serves 12,000 read and 4,000 write units/s at
 *   once (its warm throughput) and grows from there; one partition serves 1,000 write units/s.
 */
import type { ContractDefinition } from '../contracts/model.ts';
import { RATE_LIMIT_ITEM_WRITES_PER_SECOND, rateLimitShards } from './limits.ts';
import { names } from './names.ts';
import type { NdxConfig } from './schema.ts';

export const CAPACITY_FACTS = {
  auditAppendsPerShard: 125,
  defaultAuditShards: 16,
  maxAuditShards: 1024,
  mappingConcurrency: { min: 2, max: 1000 },
  unreservedMinimum: 100,
  /** Reserved by the anchor (1), rotation (1) and redrive (2) functions. */
  otherReserved: 4,
  onDemandWarm: { readUnitsPerSecond: 12_000, writeUnitsPerSecond: 4_000 },
  /**
   * DynamoDB write units one lookup costs, by table, for a lookup on its own (no coalescing), as
   * test/integration/budgets.test.ts measures them (it fails when they change): the audit's marker (kept
   * with the subject's, it also lists the record for the citizen's view; its lease holds the lookup for the
   * adapter's attempt) and record (it says the lookup was answered, and how: the adapter's exactly-once,
   * domain/lookup/answer.ts); the router's record of the forward (one write, made before the forward is
   * sent: aws/idempotency.ts `record`); the rate limit.
   */
  writeUnitsPerLookup: { audit: 2, idempotency: 1, rateLimits: 1 },
  /** Read units one lookup costs on its registry's table (an eventually consistent read of a record under 4 KB). */
  readUnitsPerLookup: { registry: 0.5 },
} as const;

/** One stage of the model: what it is expected to carry at the peak, what it can carry, and the ratio. */
export interface Stage {
  /** e.g. `router`, `adapter`, `audit chain`, `contract limits`, `account concurrency`, `table writes`. */
  stage: string;
  /** What the stage is for: an agency, a registry, a table, `all`. */
  scope: string;
  /** Lookups/s (or units/s, executions: see `unit`) expected at the peak; undefined without a capacity target. */
  expected: number | undefined;
  /** What the configured or derived setting carries, in the same unit. */
  limit: number;
  unit: 'lookups/s' | 'executions' | 'write units/s' | 'read units/s' | 'appends/s';
  /** expected / limit (undefined without a target). */
  utilisation: number | undefined;
  /** The setting that carries it, as the stacks apply it. */
  setting: string;
}

export interface CapacityPlan {
  environment: string;
  /** Whether the environment states a capacity target. */
  configured: boolean;
  sustained: number | undefined;
  peak: number | undefined;
  targetUtilisation: number;
  /** Maximum concurrency of each agency's out-queue mapping (the router). */
  routerMappings: Record<string, number>;
  /** Maximum concurrency of each registry's in-queue mapping (its adapter). */
  adapterMappings: Record<string, number>;
  /** Reserved concurrency: the router's, and each adapter's (undefined: none). */
  reserved: { router: number | undefined; adapters: Record<string, number | undefined> };
  auditShards: number;
  /** Warm throughput of tables (by physical name) whose peak needs more than a new on-demand table serves. */
  warmThroughput: Record<string, { readUnitsPerSecond?: number; writeUnitsPerSecond?: number }>;
  /** Agency-contract pairs counted in more than one rate-limit item (`<agency> <contract>` → items). */
  rateLimitShards: Record<string, number>;
  stages: Stage[];
  /** Why the configuration cannot carry the target: synthesis fails with these. */
  problems: string[];
}

/** Each id's fraction of the whole: its weight over the sum of weights (missing ids weigh 1 when none is given, else 0). */
export function sharesOf(ids: readonly string[], weights: Readonly<Record<string, number>> | undefined): Map<string, number> {
  const given = weights && Object.keys(weights).length > 0;
  const w = ids.map((id) => (given ? (weights[id] ?? 0) : 1));
  const total = w.reduce((a, b) => a + b, 0);
  return new Map(ids.map((id, i) => [id, total > 0 ? (w[i] ?? 0) / total : 0]));
}

/** Executions busy at `rate` lookups/s of `ms` each (Little's law: L = λW). */
export function busyExecutions(rate: number, ms: number): number {
  return (rate * ms) / 1000;
}

/** Executions a stage needs so that `rate` keeps it at `utilisation` at most: ⌈busy / utilisation⌉. */
export function executionsFor(rate: number, ms: number, utilisation: number): number {
  // Rounded to 1e-9 first, so that 0.7 × 10 / 0.7 does not become 10.000000000000002 → 11.
  return Math.ceil(Math.round((busyExecutions(rate, ms) / utilisation) * 1e9) / 1e9);
}

/** A mapping's maximum concurrency: what the rate needs, at least `floor`, within Lambda's 2..1000. */
export function mappingConcurrency(rate: number, ms: number, utilisation: number, floor: number): number {
  const { min, max } = CAPACITY_FACTS.mappingConcurrency;
  return Math.min(max, Math.max(min, floor, executionsFor(rate, ms, utilisation)));
}

/** Audit shards for a scope appending `rate` records/s at `utilisation` at most. */
export function auditShardsFor(rate: number, utilisation: number, perShard: number = CAPACITY_FACTS.auditAppendsPerShard): number {
  return Math.max(1, Math.ceil(Math.round((rate / (perShard * utilisation)) * 1e9) / 1e9));
}

/** The warm throughput a table needs for `units` per second at `utilisation`, if more than `start` (what a new table has). */
export function warmFor(units: number, utilisation: number, start: number): number | undefined {
  const needed = Math.ceil(Math.round((units / utilisation) * 1e9) / 1e9);
  return needed > start ? needed : undefined;
}

/** What the contracts' rate limits allow, in lookups/s: per agency (over its contracts) and per registry (over its consumers). */
export function contractLimits(
  contracts: readonly ContractDefinition[],
  agencies: readonly string[],
  registries: readonly string[],
): { byAgency: Map<string, number>; byRegistry: Map<string, number>; byPair: Map<string, number> } {
  const byAgency = new Map(agencies.map((a) => [a, 0]));
  const byRegistry = new Map(registries.map((r) => [r, 0]));
  const byPair = new Map<string, number>();
  for (const c of contracts) {
    // Only contracts of configured registries: a contract no registry answers carries nothing.
    if (!byRegistry.has(c.provider)) continue;
    for (const a of agencies) {
      // The limit a pair is held to is its version's; the highest over the versions the agency consumes.
      const perMinute = Math.max(0, ...c.versions.filter((v) => v.consumers.includes(a)).map((v) => v.rateLimit.perAgencyPerMinute));
      if (perMinute === 0) continue;
      byPair.set(`${a} ${c.id}`, perMinute);
      byAgency.set(a, (byAgency.get(a) ?? 0) + perMinute / 60);
      byRegistry.set(c.provider, (byRegistry.get(c.provider) ?? 0) + perMinute / 60);
    }
  }
  return { byAgency, byRegistry, byPair };
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const fmt = (x: number) => round(x).toLocaleString('en-US');

function stage(s: Omit<Stage, 'utilisation'>): Stage {
  // Nothing expected of a stage without a limit (e.g. an agency that only requests indicators) is carried.
  const utilisation = s.expected === undefined ? undefined : s.limit > 0 ? s.expected / s.limit : s.expected > 0 ? Number.POSITIVE_INFINITY : 0;
  return { ...s, utilisation };
}

/** The capacity plan of one environment. */
export function capacityPlan(config: NdxConfig, environment: string, contracts: readonly ContractDefinition[]): CapacityPlan {
  const settings = config.environments[environment];
  if (!settings) throw new Error(`ndx: environment "${environment}" is not in ndx.config.ts (configured: ${Object.keys(config.environments).join(', ')})`);
  const cap = settings.capacity;
  const agencies = config.agencies.map((a) => a.id);
  const registries = config.registries.map((r) => r.id);
  const U = cap?.targetUtilisation ?? 0.7;
  const peak = cap?.lookupsPerSecond.peak;
  const ms = cap?.serviceTimes ?? { routerMs: 25, adapterMs: 45 };
  const agencyShare = sharesOf(agencies, cap?.shares.agencies);
  const registryShare = sharesOf(registries, cap?.shares.registries);
  const rateOf = (share: Map<string, number>, id: string) => (peak === undefined ? undefined : peak * (share.get(id) ?? 0));
  const floor = config.functions.maxConcurrency;
  const stages: Stage[] = [];
  const problems: string[] = [];

  // Event source mappings: derived from each queue's share of the peak (never below functions.maxConcurrency).
  const routerMappings: Record<string, number> = {};
  for (const a of agencies) {
    const rate = rateOf(agencyShare, a);
    routerMappings[a] = rate === undefined ? floor : mappingConcurrency(rate, ms.routerMs, U, floor);
    stages.push(
      stage({
        stage: 'router',
        scope: a,
        expected: rate,
        limit: (routerMappings[a] * 1000) / ms.routerMs,
        unit: 'lookups/s',
        setting: `mapping maximum concurrency ${routerMappings[a]}`,
      }),
    );
  }
  const adapterMappings: Record<string, number> = {};
  for (const r of registries) {
    const rate = rateOf(registryShare, r);
    adapterMappings[r] = rate === undefined ? floor : mappingConcurrency(rate, ms.adapterMs, U, floor);
    stages.push(
      stage({
        stage: 'adapter',
        scope: r,
        expected: rate,
        limit: (adapterMappings[r] * 1000) / ms.adapterMs,
        unit: 'lookups/s',
        setting: `mapping maximum concurrency ${adapterMappings[r]}`,
      }),
    );
  }
  const mappingTotal = Object.values(routerMappings).reduce((a, b) => a + b, 0) + Object.values(adapterMappings).reduce((a, b) => a + b, 0);

  // Reserved concurrency: as configured; else, with a stated quota, what the mappings may run (when it fits).
  const routerSum = Object.values(routerMappings).reduce((a, b) => a + b, 0);
  let reserved: CapacityPlan['reserved'] = {
    router: settings.reservedConcurrency?.router,
    adapters: Object.fromEntries(registries.map((r) => [r, settings.reservedConcurrency?.adapter])),
  };
  const quota = cap?.accountConcurrency;
  if (cap && quota !== undefined && !settings.reservedConcurrency && mappingTotal + CAPACITY_FACTS.otherReserved <= quota - CAPACITY_FACTS.unreservedMinimum) {
    reserved = { router: routerSum, adapters: { ...adapterMappings } };
  }
  if (peak !== undefined) {
    if (reserved.router !== undefined) {
      stages.push(
        stage({
          stage: 'router (reserved)',
          scope: 'all',
          expected: peak,
          limit: (reserved.router * 1000) / ms.routerMs,
          unit: 'lookups/s',
          setting: `reserved concurrency ${reserved.router}`,
        }),
      );
    }
    for (const r of registries) {
      const res = reserved.adapters[r];
      if (res === undefined) continue;
      stages.push(
        stage({
          stage: 'adapter (reserved)',
          scope: r,
          expected: rateOf(registryShare, r),
          limit: (res * 1000) / ms.adapterMs,
          unit: 'lookups/s',
          setting: `reserved concurrency ${res}`,
        }),
      );
    }
  }

  // The account: executions busy at the peak against the stated quota.
  if (peak !== undefined && quota !== undefined) {
    const busy = busyExecutions(peak, ms.routerMs) + busyExecutions(peak, ms.adapterMs);
    stages.push(
      stage({ stage: 'account concurrency', scope: 'all', expected: busy, limit: quota, unit: 'executions', setting: `capacity.accountConcurrency ${quota}` }),
    );
    if (mappingTotal + CAPACITY_FACTS.otherReserved > quota) {
      problems.push(
        `the event source mappings may run ${fmt(mappingTotal)} executions at once (plus ${CAPACITY_FACTS.otherReserved} reserved by small functions), ` +
          `more than the account's Lambda concurrency quota of ${fmt(quota)} (capacity.accountConcurrency): throttled batches return to their queues ` +
          'and can reach a DLQ. Request a higher quota (Service Quotas, Lambda "Concurrent executions", L-B99A9384) and state it, or lower the peak or functions.maxConcurrency',
      );
    }
  }

  // Audit chains: each registry's appends over its shards.
  const derivedShards = Math.min(
    CAPACITY_FACTS.maxAuditShards,
    Math.max(CAPACITY_FACTS.defaultAuditShards, ...registries.map((r) => auditShardsFor(rateOf(registryShare, r) ?? 0, U))),
  );
  const auditShards = cap?.auditShards ?? (peak === undefined ? CAPACITY_FACTS.defaultAuditShards : derivedShards);
  for (const r of registries) {
    stages.push(
      stage({
        stage: 'audit chain',
        scope: r,
        expected: rateOf(registryShare, r),
        limit: auditShards * CAPACITY_FACTS.auditAppendsPerShard,
        unit: 'appends/s',
        setting: `${auditShards} shards`,
      }),
    );
  }

  // The contracts' rate limits: what the agencies may send, per agency and per registry.
  const limits = contractLimits(contracts, agencies, registries);
  for (const a of agencies) {
    stages.push(
      stage({
        stage: 'contract limits',
        scope: a,
        expected: rateOf(agencyShare, a),
        limit: limits.byAgency.get(a) ?? 0,
        unit: 'lookups/s',
        setting: 'its contracts’ perAgencyPerMinute / 60',
      }),
    );
  }
  for (const r of registries) {
    stages.push(
      stage({
        stage: 'contract limits',
        scope: r,
        expected: rateOf(registryShare, r),
        limit: limits.byRegistry.get(r) ?? 0,
        unit: 'lookups/s',
        setting: 'perAgencyPerMinute / 60 over its contracts’ consumers',
      }),
    );
  }
  const rateLimitShardsByPair: Record<string, number> = {};
  for (const [pair, perMinute] of limits.byPair) {
    const shards = rateLimitShards(perMinute);
    if (shards > 1) rateLimitShardsByPair[pair] = shards;
    const [agency = ''] = pair.split(' ');
    const rate = rateOf(agencyShare, agency);
    // A pair writes its items at most at its limit (and at most at its agency's share of the peak).
    const expected = rate === undefined ? undefined : Math.min(rate, perMinute / 60);
    // Listed when hot: sharded, or above half of what one item is planned for.
    if (shards > 1 || (expected !== undefined && expected > RATE_LIMIT_ITEM_WRITES_PER_SECOND / 2)) {
      stages.push(
        stage({
          stage: 'rate-limit items',
          scope: pair,
          expected,
          limit: shards * RATE_LIMIT_ITEM_WRITES_PER_SECOND,
          unit: 'write units/s',
          setting: `${shards} item${shards === 1 ? '' : 's'}`,
        }),
      );
    }
  }

  // Tables: warm throughput where the peak needs more than a new on-demand table serves at once.
  const warmThroughput: CapacityPlan['warmThroughput'] = {};
  if (peak !== undefined) {
    const wu = CAPACITY_FACTS.writeUnitsPerLookup;
    const start = CAPACITY_FACTS.onDemandWarm;
    for (const [table, units] of [
      [names.auditTable, peak * wu.audit],
      [names.idempotencyTable, peak * wu.idempotency],
      [names.rateLimitTable, peak * wu.rateLimits],
    ] as const) {
      const warm = warmFor(units, U, start.writeUnitsPerSecond);
      if (warm !== undefined) warmThroughput[table] = { writeUnitsPerSecond: warm };
      stages.push(
        stage({
          stage: 'table writes',
          scope: table,
          expected: units,
          limit: warm ?? start.writeUnitsPerSecond,
          unit: 'write units/s',
          setting: warm ? `warm throughput ${warm}` : 'on-demand start',
        }),
      );
    }
    for (const r of registries) {
      const units = (rateOf(registryShare, r) ?? 0) * CAPACITY_FACTS.readUnitsPerLookup.registry;
      const warm = warmFor(units, U, start.readUnitsPerSecond);
      if (warm !== undefined) warmThroughput[names.registryTable(r)] = { readUnitsPerSecond: warm };
    }
  }

  for (const s of stages) {
    if (s.utilisation === undefined || s.utilisation <= 1) continue;
    problems.push(`${s.stage} ${s.scope}: expected ${fmt(s.expected ?? 0)} ${s.unit} at the peak, but ${s.setting} carries ${fmt(s.limit)}. ${remedy(s)}`);
  }

  return {
    environment,
    configured: Boolean(cap),
    sustained: cap?.lookupsPerSecond.sustained,
    peak,
    targetUtilisation: U,
    routerMappings,
    adapterMappings,
    reserved,
    auditShards,
    warmThroughput,
    rateLimitShards: rateLimitShardsByPair,
    stages,
    problems,
  };
}

/** Stages whose expected figure grows in proportion to the peak, shares kept (not the rate-limit items: a pair's own limit caps them). */
const PROPORTIONAL = new Set([
  'router',
  'adapter',
  'router (reserved)',
  'adapter (reserved)',
  'account concurrency',
  'audit chain',
  'table writes',
  'contract limits',
]);

/** Where a plan gives way first as its peak grows (shares kept): the stage, and the lookups/s at which it reaches its limit. */
export interface BreakingPoint {
  stage: string;
  scope: string;
  /** Lookups/s across the platform at which the stage is full: the peak / its utilisation at the peak. */
  rate: number;
}

/**
 * The stage that reaches its limit at the lowest platform rate when the peak grows with its shares kept:
 * among the capacity stages (the default; past it a queue grows), or among the contracts' rate limits
 * (`policy`: past them lookups are refused, not queued). Undefined without a peak or a loaded stage.
 */
export function breakingPoint(plan: CapacityPlan, policy = false): BreakingPoint | undefined {
  const peak = plan.peak;
  if (peak === undefined) return undefined;
  let first: BreakingPoint | undefined;
  for (const s of plan.stages) {
    if (!PROPORTIONAL.has(s.stage) || (s.stage === 'contract limits') !== policy) continue;
    if (s.utilisation === undefined || s.utilisation <= 0 || !Number.isFinite(s.utilisation)) continue;
    const rate = peak / s.utilisation;
    if (!first || rate < first.rate) first = { stage: s.stage, scope: s.scope, rate };
  }
  return first;
}

function remedy(s: Stage): string {
  switch (s.stage) {
    case 'contract limits':
      return 'Raise the contracts’ rate limits (a MINOR version), lower capacity.lookupsPerSecond.peak, or change capacity.shares.';
    case 'router':
    case 'adapter':
      return `A mapping runs at most ${CAPACITY_FACTS.mappingConcurrency.max} executions: spread the load (more agencies or registries), or lower the peak.`;
    case 'router (reserved)':
    case 'adapter (reserved)':
      return 'Raise reservedConcurrency, or remove it so that it is derived from the capacity.';
    case 'account concurrency':
      return 'Request a higher Lambda concurrency quota (Service Quotas L-B99A9384) and state it in capacity.accountConcurrency, or lower the peak.';
    case 'audit chain':
      return 'Raise capacity.auditShards, or remove it so that it is derived from the peak.';
    default:
      return 'Lower the peak.';
  }
}
