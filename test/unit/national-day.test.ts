/**
 * The national-day model at the production configuration as configured (ndx.config.ts `prod`): a seeded
 * simulation (deterministic, not timed) of its 2,500 lookups/s peak through the stations its capacity plan
 * gives, with the configuration's reference service times (router 25 ms, adapter 45 ms: not a measurement
 * of this machine). Every simulated stage stays below 70%, the queues stay short, and the latency bounded.
 */
import { describe, expect, it } from 'vitest';
import config from '../../ndx.config.ts';
import { capacityPlan } from '../../config/capacity.ts';
import { CONTRACTS } from '../../contracts/catalog.ts';
import { runModel, summarise } from '../../bench/national-day-model.ts';

const capacity = config.environments.prod?.capacity;
if (!capacity) throw new Error('ndx.config.ts has no prod capacity');
const plan = capacityPlan(config, 'prod', CONTRACTS);

describe('a national day at prod as configured (npm run model)', () => {
  const rate = 2500;
  const run = runModel(plan, { times: capacity.serviceTimes, seed: 1, rate, seconds: 30, capacity });
  const summary = summarise(plan, run, rate);

  it('puts 2,500 lookups/s through every router, adapter and audit chain partition, each below 70% busy', () => {
    expect(run.sim.lookups).toBeGreaterThan(rate * 30 * 0.97);
    const loaded = run.rows.filter((r) => r.rate > 0);
    expect(new Set(loaded.map((r) => r.stage))).toEqual(new Set(['router', 'adapter', 'audit chain']));
    // Every configured agency that looks up, and every registry, carries its share.
    expect(loaded.filter((r) => r.stage === 'adapter').map((r) => r.scope)).toEqual(config.registries.map((r) => r.id));
    for (const r of run.rows) expect(r.utilisation, `${r.stage} ${r.scope}`).toBeLessThan(0.7);
    expect(summary.busiest!.utilisation).toBeLessThan(0.7);
  });

  it('keeps queues short and the latency bounded, within the account’s stated concurrency', () => {
    // A station at 70% or less has a short queue: no station ever holds a second's worth of its lookups.
    for (const r of run.rows.filter((x) => x.rate > 0)) expect(r.maxQueue, `${r.stage} ${r.scope}`).toBeLessThan(r.rate);
    // Two SQS hops and three services (25 + 45 + 8 ms) are ~120 ms; waiting adds little below 70%.
    expect(summary.latencyMs.p99).toBeLessThan(1000);
    expect(run.account!.maxBusy).toBeLessThan(capacity.accountConcurrency!);
  });

  it('says what breaks first and at what rate: past 2,500 / 0.7 in the simulation and in the capacity model', () => {
    expect(summary.simulatedFullAt).toBeGreaterThan(rate / 0.7);
    expect(summary.breaks!.rate).toBeGreaterThan(rate / 0.7);
    expect(summary.refuses!.rate).toBeGreaterThan(rate / 0.7);
  });
});
