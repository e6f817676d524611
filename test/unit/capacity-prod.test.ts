/**
 * The sample production configuration (ndx.config.ts `prod`) as configured: its capacity plan carries the
 * issue's 2,500 lookups/s with every stage below 70%, from fixed reference service times (not a
 * measurement of this machine), and its traffic assumption (PROD_TRAFFIC) is what its shares and the
 * contracts' rate limits are sized from.
 */
import { describe, expect, it } from 'vitest';
import config, { PROD_TRAFFIC } from '../../ndx.config.ts';
import { capacityPlan, breakingPoint } from '../../config/capacity.ts';
import { CONTRACTS, findContract } from '../../contracts/catalog.ts';
import { changeReasons, requiredBump } from '../../contracts/governance.ts';
import { latestVersion } from '../../contracts/model.ts';

const prod = config.environments.prod;
const capacity = prod?.capacity;
if (!capacity) throw new Error('ndx.config.ts has no prod capacity');
const plan = capacityPlan(config, 'prod', CONTRACTS);
const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);
const pairs = Object.entries(PROD_TRAFFIC).flatMap(([agency, contracts]) =>
  Object.entries(contracts).map(([contract, percent]) => ({ agency, contract, percent })),
);

describe('prod as configured', () => {
  it('is sized from the reference service times (router 25 ms, adapter 45 ms), not from a measurement', () => {
    expect(capacity.serviceTimes).toEqual({ routerMs: 25, adapterMs: 45 });
  });

  it('carries a peak of at least 2,500 lookups/s, the sustained rate of 20 million a day, with nothing to refuse at synthesis', () => {
    expect(plan.peak).toBeGreaterThanOrEqual(2500);
    expect(plan.sustained! * 86_400).toBeGreaterThanOrEqual(19_950_000);
    expect(plan.problems).toEqual([]);
  });

  it('keeps every stage below 70% at the peak: mappings, reservations, the account, audit chains, contract limits, rate-limit items, tables', () => {
    const measured = plan.stages.filter((s) => s.expected !== undefined);
    expect(new Set(measured.map((s) => s.stage))).toEqual(
      new Set([
        'router',
        'adapter',
        'router (reserved)',
        'adapter (reserved)',
        'account concurrency',
        'audit chain',
        'contract limits',
        'rate-limit items',
        'table writes',
      ]),
    );
    for (const s of measured) expect(s.utilisation, `${s.stage} ${s.scope}`).toBeLessThan(0.7);
    // …and at or below its own target (0.65), the margin for the spread a simulation shows (bench/national-day.ts).
    expect(plan.targetUtilisation).toBeLessThan(0.7);
    for (const s of measured) expect(s.utilisation, `${s.stage} ${s.scope}`).toBeLessThanOrEqual(plan.targetUtilisation + 1e-9);
  });

  it('states the account quota the mappings need, leaving Lambda’s 100 unreserved, and reserves what they may run', () => {
    const mappings = sum(Object.values(plan.routerMappings)) + sum(Object.values(plan.adapterMappings));
    expect(capacity.accountConcurrency).toBeGreaterThanOrEqual(mappings + 4 + 100);
    expect(plan.reserved.router).toBe(sum(Object.values(plan.routerMappings)));
    expect(plan.reserved.adapters).toEqual(plan.adapterMappings);
  });

  it('breaks first at a stage and rate past the peak, and only past the peak divided by 0.7', () => {
    const point = breakingPoint(plan);
    expect(point).toBeDefined();
    expect(point!.rate).toBeGreaterThan(2500 / 0.7);
    // At that rate the stage is exactly full.
    const stage = plan.stages.find((s) => s.stage === point!.stage && s.scope === point!.scope)!;
    expect((stage.utilisation! * point!.rate) / plan.peak!).toBeCloseTo(1, 9);
  });
});

describe('prod’s traffic assumption (PROD_TRAFFIC)', () => {
  it('adds up to all lookups, and prod’s shares are its sums per agency and per registry', () => {
    expect(sum(pairs.map((p) => p.percent))).toBe(100);
    const byAgency: Record<string, number> = {};
    const byRegistry: Record<string, number> = {};
    for (const p of pairs) {
      const contract = findContract(p.contract);
      if (!contract) throw new Error(`PROD_TRAFFIC names no contract ${p.contract}`);
      byAgency[p.agency] = (byAgency[p.agency] ?? 0) + p.percent;
      byRegistry[contract.provider] = (byRegistry[contract.provider] ?? 0) + p.percent;
    }
    expect(capacity.shares.agencies).toEqual(byAgency);
    expect(capacity.shares.registries).toEqual(byRegistry);
  });

  it('gives every pair a contract its agency consumes, at most the target utilisation (65%) of the newest version’s rate limit at the peak', () => {
    for (const p of pairs) {
      const newest = latestVersion(findContract(p.contract)!);
      expect(newest.consumers, `${p.agency} ${p.contract}`).toContain(p.agency);
      const rate = (plan.peak! * p.percent) / 100;
      expect(rate, `${p.agency} ${p.contract}`).toBeLessThanOrEqual(plan.targetUtilisation * (newest.rateLimit.perAgencyPerMinute / 60));
    }
  });
});

describe('the rate limits raised for it', () => {
  const raised = CONTRACTS.filter((c) => c.versions.some((v) => v.version === '1.1.0'));

  it('are a MINOR version beside 1.0.0 of every contract prod’s traffic uses, whose only change is the limit', () => {
    expect(new Set(raised.map((c) => c.id))).toEqual(new Set(pairs.map((p) => p.contract)));
    for (const c of raised) {
      const [v1, v11] = c.versions;
      expect([v1!.version, v11!.version], c.id).toEqual(['1.0.0', '1.1.0']);
      expect(requiredBump(v1!, v11!), c.id).toBe('MINOR');
      expect(changeReasons(v1!, v11!), c.id).toEqual([
        { bump: 'MINOR', message: `rate limit changes: ${v1!.rateLimit.perAgencyPerMinute} → ${v11!.rateLimit.perAgencyPerMinute}/min` },
      ]);
      expect(v11!.rateLimit.perAgencyPerMinute, c.id).toBeGreaterThan(v1!.rateLimit.perAgencyPerMinute);
    }
  });
});
