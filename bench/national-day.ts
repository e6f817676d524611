/**
 * `npm run model`: a national day on paper, checked by simulation. 20 million lookups a day with a
 * busiest hour at ten times the day's average (about 2,315 lookups/s), pushed through the stages an
 * environment's configuration gives them (config/capacity.ts): each agency's router mapping, each
 * registry's adapter mapping, each registry's audit chain partitions, and the account's concurrency
 * when stated. Service times are the benchmark's (bench/results/latest.json: function time per lookup
 * at 8 in flight), else the configuration's. Prints, per stage, the rate, utilisation, queue and waits,
 * the end-to-end latency, and what breaks first; twice: with the environment as configured, and as the
 * stacks would derive it for that peak (contract rate limits set aside: they are policy, listed apart).
 *
 *   npm run model -- [--env prod] [--per-day 20000000] [--peak-factor 10 | --peak 2500] [--seconds 60] [--seed 1] [--json]
 *
 * A deterministic discrete-event simulation (bench/simulation.ts), M/M/c at each station: exponential
 * service times are more variable than Lambda's, so the queues it shows are on the safe side. The audit
 * append is modelled as a station after the adapter (in the adapter it holds its execution a few ms more).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import config from '../ndx.config.ts';
import { CAPACITY_FACTS, capacityPlan, sharesOf, type CapacityPlan } from '../config/capacity.ts';
import { defineConfig, type NdxConfig } from '../config/schema.ts';
import { CONTRACTS } from '../contracts/catalog.ts';
import { PROJECT_ROOT } from '../local/engine.ts';
import { simulate, type SimulationResult, type StationSpec } from './simulation.ts';

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'prod' },
    'per-day': { type: 'string', default: '20000000' },
    'peak-factor': { type: 'string', default: '10' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    peak: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const perDay = Number(values['per-day']);
/** Lookups/s in the busiest hour: `--peak`, else the day's average times the peak factor. */
const peak = values.peak === undefined ? (perDay / 86_400) * Number(values['peak-factor']) : Number(values.peak);
/** Utilisation from which a station cannot keep up (its queue grows for as long as the peak lasts). */
const SATURATED = 0.98;
const seconds = Number(values.seconds);
const environment = String(values.env);

/** Seconds between two stages: an SQS send and the mapping's receive. */
const HOP_SECONDS = 0.02;

interface ServiceTimes {
  routerMs: number;
  adapterMs: number;
  source: string;
}

function serviceTimes(): ServiceTimes {
  const file = join(PROJECT_ROOT, 'bench', 'results', 'latest.json');
  if (existsSync(file)) {
    const latest = JSON.parse(readFileSync(file, 'utf8')) as {
      at?: string;
      cost?: { runs?: Record<string, { msPerLookup?: { router: number; adapter: number } }> };
    };
    const measured = latest.cost?.runs?.['ndx legal basis ×8']?.msPerLookup;
    if (measured && measured.router > 0 && measured.adapter > 0)
      return { routerMs: measured.router, adapterMs: measured.adapter, source: `npm run bench of ${latest.at ?? '?'} (ndx legal basis, 8 in flight)` };
  }
  const s = config.environments[environment]?.capacity?.serviceTimes ?? { routerMs: 25, adapterMs: 45 };
  return { ...s, source: 'the configuration (no bench/results/latest.json with function times: run npm run bench)' };
}

/** The environment with its capacity's peak set to `peak` and every contract limit lifted: what the stacks would derive. */
function derivedFor(base: NdxConfig, peakRate: number): CapacityPlan {
  const settings = base.environments[environment];
  if (!settings) throw new Error(`no environment "${environment}" in ndx.config.ts`);
  const capacity = settings.capacity ?? { lookupsPerSecond: { sustained: perDay / 86_400, peak: peakRate }, shares: {} };
  const cfg = defineConfig({
    ...base,
    environments: {
      ...base.environments,
      [environment]: {
        ...settings,
        reservedConcurrency: undefined,
        capacity: { ...capacity, lookupsPerSecond: { sustained: perDay / 86_400, peak: peakRate }, auditShards: undefined },
      },
    },
  } as Parameters<typeof defineConfig>[0]);
  const unlimited = CONTRACTS.map((c) => ({ ...c, versions: c.versions.map((v) => ({ ...v, rateLimit: { perAgencyPerMinute: 10_000_000 } })) }));
  return capacityPlan(cfg, environment, unlimited);
}

interface StageRow {
  stage: string;
  scope: string;
  servers: number;
  rate: number;
  utilisation: number;
  meanQueue: number;
  maxQueue: number;
  waitP99Ms: number;
}

function run(plan: CapacityPlan, times: ServiceTimes, seed: number): { rows: StageRow[]; sim: SimulationResult; account?: { size: number; maxBusy: number } } {
  const agencies = Object.keys(plan.routerMappings);
  const registries = Object.keys(plan.adapterMappings);
  const cap = config.environments[environment]?.capacity;
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
    rate: peak,
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

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function render(title: string, plan: CapacityPlan, r: ReturnType<typeof run>): string {
  const lines = [`## ${title}`, ''];
  lines.push(
    '| stage | scope | executions | lookups/s | utilisation | mean queue | max queue | wait p99 ms | headroom |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const x of r.rows) {
    const flag = x.utilisation >= SATURATED ? ' ✖' : x.utilisation > plan.targetUtilisation ? ' !' : '';
    lines.push(
      `| ${x.stage} | ${x.scope} | ${x.servers} | ${fmt(x.rate)} | ${fmt(x.utilisation * 100)}%${flag} | ${fmt(x.meanQueue, 1)} | ${fmt(x.maxQueue)} | ${fmt(x.waitP99Ms)} | ${x.utilisation > 0 ? `${fmt(1 / x.utilisation, 2)}×` : '—'} |`,
    );
  }
  if (r.account) lines.push('', `Account concurrency: at most ${r.account.maxBusy} of ${r.account.size} executions busy at once.`);
  const l = r.sim.latency;
  lines.push(
    '',
    `End to end (arrival to audit record, ${fmt(HOP_SECONDS * 1000)} ms per SQS hop): p50 ${fmt(l.p50 * 1000)} ms, p95 ${fmt(l.p95 * 1000)} ms, p99 ${fmt(l.p99 * 1000)} ms, max ${fmt(l.max * 1000)} ms.`,
  );
  const worst = [...r.rows].sort((a, b) => b.utilisation - a.utilisation)[0];
  if (worst) {
    const verdict =
      worst.utilisation >= SATURATED
        ? 'saturated: it cannot keep up, and its queue grows for as long as the peak lasts'
        : worst.utilisation > plan.targetUtilisation
          ? `is above the ${fmt(plan.targetUtilisation * 100)}% target`
          : `within the ${fmt(plan.targetUtilisation * 100)}% target, as is every stage`;
    lines.push(`Breaks first: ${worst.stage} ${worst.scope} at ${fmt(worst.utilisation * 100)}% — ${verdict}.`);
  }
  return lines.join('\n');
}

const times = serviceTimes();
const seed = Number(values.seed);
const configured = capacityPlan(config, environment, CONTRACTS);
const derived = derivedFor(config, peak);
const asConfigured = run(configured, times, seed);
const asDerived = run(derived, times, seed);
const policy = capacityPlan(
  defineConfig({
    ...config,
    environments: {
      ...config.environments,
      [environment]: {
        ...config.environments[environment],
        capacity: { ...(config.environments[environment]?.capacity ?? { shares: {} }), lookupsPerSecond: { sustained: perDay / 86_400, peak } },
      },
    },
  } as Parameters<typeof defineConfig>[0]),
  environment,
  CONTRACTS,
).stages.filter((s) => s.stage === 'contract limits');

if (values.json) {
  console.log(
    JSON.stringify({ perDay, peak, seconds, seed, serviceTimes: times, configured: asConfigured, derived: { plan: derived, ...asDerived }, policy }, null, 2),
  );
} else {
  const out = [
    `# A national day: ${fmt(perDay)} lookups, the busiest hour at ${fmt(peak)} lookups/s (${fmt(peak / (perDay / 86_400), 1)}× the day's average), environment ${environment}`,
    '',
    `${fmt(seconds)} simulated seconds of the peak (${fmt(asConfigured.sim.lookups)} lookups), seed ${seed}. Service times: router ${fmt(times.routerMs, 1)} ms, adapter ${fmt(times.adapterMs, 1)} ms per lookup, audit append ${fmt(1000 / CAPACITY_FACTS.auditAppendsPerShard)} ms per partition — from ${times.source}.`,
    '',
    render(
      `As configured (${environment}: mappings ${Object.values(configured.routerMappings).join('/')} and ${Object.values(configured.adapterMappings).join('/')}, ${configured.auditShards} audit shards)`,
      configured,
      asConfigured,
    ),
    '',
    render(
      `As the stacks would derive it for ${fmt(peak)} lookups/s (mappings ${Object.values(derived.routerMappings).join('/')} and ${Object.values(derived.adapterMappings).join('/')}, ${derived.auditShards} audit shards)`,
      derived,
      asDerived,
    ),
    '',
    '## Policy: the contracts’ rate limits at this peak',
    '',
    ...policy.map(
      (s) =>
        `- ${s.scope}: ${fmt(s.expected ?? 0)} lookups/s expected, limits allow ${fmt(s.limit)} (${fmt((s.utilisation ?? 0) * 100)}%)${(s.utilisation ?? 0) > 1 ? ' ✖ refused beyond' : ''}`,
    ),
  ];
  console.log(out.join('\n'));
}
