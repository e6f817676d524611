/**
 * `npm run model`: a national day on paper, checked by simulation. The environment's configured peak
 * (prod: 2,500 lookups/s), else 20 million lookups a day with a busiest hour at ten times the day's
 * average (about 2,315 lookups/s), pushed through the stages an environment's configuration gives them (config/capacity.ts): each agency's router mapping, each
 * registry's adapter mapping, each registry's audit chain partitions, and the account's concurrency
 * when stated. Service times are the benchmark's (bench/results/latest.json: function time per lookup
 * at 8 in flight), else (or with `--times config`) the configuration's. Prints, per stage, the rate,
 * utilisation, queue and waits, the end-to-end latency, and what breaks first and at what rate; with the
 * environment as configured, and, when that differs, as the stacks would derive it for that peak
 * (contract rate limits set aside: they are policy, listed apart).
 *
 *   npm run model -- [--env prod] [--peak 2500 | --per-day 20000000 --peak-factor 10] [--times bench|config] [--seconds 60] [--seed 1] [--json]
 *
 * A deterministic discrete-event simulation (bench/simulation.ts), M/M/c at each station: exponential
 * service times are more variable than Lambda's, so the queues it shows are on the safe side. The audit
 * append is modelled as a station after the adapter (in the adapter it holds its execution a few ms more).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import config from '../ndx.config.ts';
import { CAPACITY_FACTS, capacityPlan, type CapacityPlan } from '../config/capacity.ts';
import { defineConfig, type NdxConfig } from '../config/schema.ts';
import { CONTRACTS } from '../contracts/catalog.ts';
import { PROJECT_ROOT } from '../local/engine.ts';
import { HOP_SECONDS, runModel, summarise, type Run } from './national-day-model.ts';

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'prod' },
    'per-day': { type: 'string' },
    'peak-factor': { type: 'string' },
    times: { type: 'string', default: 'bench' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    peak: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const environment = String(values.env);
const stated = config.environments[environment]?.capacity?.lookupsPerSecond;
const perDay = Number(values['per-day'] ?? (stated ? stated.sustained * 86_400 : 20_000_000));
const peakFactor = Number(values['peak-factor'] ?? 10);
/** Lookups/s in the busiest hour: `--peak`; else the day's average times the peak factor when either is given; else the environment's stated peak. */
const peak =
  values.peak !== undefined
    ? Number(values.peak)
    : values['per-day'] === undefined && values['peak-factor'] === undefined && stated
      ? stated.peak
      : (perDay / 86_400) * peakFactor;
/** Utilisation from which a station cannot keep up (its queue grows for as long as the peak lasts). */
const SATURATED = 0.98;
const seconds = Number(values.seconds);
if (values.times !== 'bench' && values.times !== 'config') throw new Error(`--times is bench or config, not ${values.times}`);

interface ServiceTimes {
  routerMs: number;
  adapterMs: number;
  source: string;
}

function serviceTimes(): ServiceTimes {
  const file = join(PROJECT_ROOT, 'bench', 'results', 'latest.json');
  if (values.times === 'bench' && existsSync(file)) {
    const latest = JSON.parse(readFileSync(file, 'utf8')) as {
      at?: string;
      cost?: { runs?: Record<string, { msPerLookup?: { router: number; adapter: number } }> };
    };
    const measured = latest.cost?.runs?.['ndx legal basis ×8']?.msPerLookup;
    if (measured && measured.router > 0 && measured.adapter > 0)
      return { routerMs: measured.router, adapterMs: measured.adapter, source: `npm run bench of ${latest.at ?? '?'} (ndx legal basis, 8 in flight)` };
  }
  const s = config.environments[environment]?.capacity?.serviceTimes ?? { routerMs: 25, adapterMs: 45 };
  return {
    ...s,
    source:
      values.times === 'config'
        ? 'the configuration (--times config)'
        : 'the configuration (no bench/results/latest.json with function times: run npm run bench)',
  };
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

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** One run as text; `policy`: whether the plan holds the contracts' real rate limits (the derived run lifts them). */
function render(title: string, plan: CapacityPlan, r: Run, policy = true): string {
  const lines = [`## ${title}`, ''];
  lines.push(
    '| stage | scope | executions | lookups/s | utilisation | mean queue | max queue | wait p99 ms | headroom |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const x of r.rows) {
    const flag = x.utilisation >= SATURATED ? ' ✖' : x.utilisation > plan.targetUtilisation ? ' !' : '';
    lines.push(
      `| ${x.stage} | ${x.scope} | ${x.servers} | ${fmt(x.rate)} | ${fmt(x.utilisation * 100, 1)}%${flag} | ${fmt(x.meanQueue, 1)} | ${fmt(x.maxQueue)} | ${fmt(x.waitP99Ms)} | ${x.utilisation > 0 ? `${fmt(1 / x.utilisation, 2)}×` : '—'} |`,
    );
  }
  if (r.account) lines.push('', `Account concurrency: at most ${r.account.maxBusy} of ${r.account.size} executions busy at once.`);
  const l = r.sim.latency;
  lines.push(
    '',
    `End to end (arrival to audit record, ${fmt(HOP_SECONDS * 1000)} ms per SQS hop): p50 ${fmt(l.p50 * 1000)} ms, p95 ${fmt(l.p95 * 1000)} ms, p99 ${fmt(l.p99 * 1000)} ms, max ${fmt(l.max * 1000)} ms.`,
  );
  const sum = summarise(plan, r, peak);
  const target = `${fmt(plan.targetUtilisation * 100)}%`;
  if (sum.busiest) {
    const verdict =
      sum.busiest.utilisation >= SATURATED
        ? 'saturated: it cannot keep up, and its queue grows for as long as the peak lasts'
        : sum.busiest.utilisation > plan.targetUtilisation
          ? `above the ${target} target`
          : `below the ${target} target, as is every stage`;
    lines.push(`Busiest stage at ${fmt(peak)} lookups/s: ${sum.busiest.stage} ${sum.busiest.scope} at ${fmt(sum.busiest.utilisation * 100, 1)}% — ${verdict}.`);
  }
  lines.push(`Queue depth: at most ${fmt(sum.queue.max)} lookups waiting at any one station; ${fmt(sum.queue.mean, 1)} waiting on average over all of them.`);
  const grows: string[] = [];
  if (sum.simulatedFullAt !== undefined && sum.busiest)
    grows.push(`in this simulation ${sum.busiest.stage} ${sum.busiest.scope} would be full near ${fmt(sum.simulatedFullAt)} lookups/s`);
  if (sum.breaks)
    grows.push(
      `in the capacity model (the configuration's service times, tables included) ${sum.breaks.stage} ${sum.breaks.scope} reaches its limit first, at ${fmt(sum.breaks.rate)} lookups/s`,
    );
  if (policy && sum.refuses) grows.push(`the contracts' rate limits refuse lookups from ${fmt(sum.refuses.rate)}/s (${sum.refuses.scope} first)`);
  if (grows.length) lines.push(`What breaks first as the rate grows (shares kept): ${grows.join('; ')}.`);
  return lines.join('\n');
}

const times = serviceTimes();
const seed = Number(values.seed);
const configured = capacityPlan(config, environment, CONTRACTS);
const derived = derivedFor(config, peak);
const options = { times, seed, rate: peak, seconds, capacity: config.environments[environment]?.capacity };
const asConfigured = runModel(configured, options);
/** The stacks derive the configuration's own settings for this peak: no second run needed. */
const same =
  JSON.stringify([configured.routerMappings, configured.adapterMappings, configured.auditShards, configured.reserved]) ===
  JSON.stringify([derived.routerMappings, derived.adapterMappings, derived.auditShards, derived.reserved]);
const asDerived = same ? undefined : runModel(derived, options);
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
    JSON.stringify(
      {
        perDay,
        peak,
        seconds,
        seed,
        serviceTimes: times,
        configured: { summary: summarise(configured, asConfigured, peak), ...asConfigured },
        derived: asDerived ? { plan: derived, summary: summarise(derived, asDerived, peak), ...asDerived } : 'as configured',
        policy,
      },
      null,
      2,
    ),
  );
} else {
  const out = [
    `# A national day: ${fmt(perDay / 1e6, 1)} million lookups, the busiest hour at ${fmt(peak)} lookups/s (${fmt(peak / (perDay / 86_400), 1)}× the day's average), environment ${environment}`,
    '',
    `${fmt(seconds)} simulated seconds of the peak (${fmt(asConfigured.sim.lookups)} lookups), seed ${seed}. Service times: router ${fmt(times.routerMs, 1)} ms, adapter ${fmt(times.adapterMs, 1)} ms per lookup, audit append ${fmt(1000 / CAPACITY_FACTS.auditAppendsPerShard)} ms per partition — from ${times.source}.`,
    '',
    render(
      `As configured (${environment}: mappings ${Object.values(configured.routerMappings).join('/')} and ${Object.values(configured.adapterMappings).join('/')}, ${configured.auditShards} audit shards)`,
      configured,
      asConfigured,
    ),
    '',
    asDerived
      ? render(
          `As the stacks would derive it for ${fmt(peak)} lookups/s (mappings ${Object.values(derived.routerMappings).join('/')} and ${Object.values(derived.adapterMappings).join('/')}, ${derived.auditShards} audit shards)`,
          derived,
          asDerived,
          false,
        )
      : `The stacks derive exactly these settings for ${fmt(peak)} lookups/s: ${environment} as configured is sized for this peak.`,
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
