/** The capacity model (config/capacity.ts): its arithmetic at the boundaries and as properties, and the plan of an environment. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditShardsFor,
  breakingPoint,
  CAPACITY_FACTS,
  capacityPlan,
  contractLimits,
  executionsFor,
  mappingConcurrency,
  sharesOf,
  warmFor,
} from '../../config/capacity.ts';
import { rateLimitShareOf, rateLimitShards } from '../../config/limits.ts';
import { defineConfig, type NdxConfigInput } from '../../config/schema.ts';
import { CONTRACTS } from '../../contracts/catalog.ts';
import type { ContractDefinition } from '../../contracts/model.ts';
import { formatCapacity } from '../../cli/capacity.ts';

const base: NdxConfigInput = {
  registries: [
    { id: 'population', title: 'P', operator: 'O', key: { partition: 'nationalId' } },
    { id: 'land', title: 'L', operator: 'O', key: { partition: 'parcelId' } },
  ],
  agencies: [
    { id: 'hanoi-land-office', name: 'H' },
    { id: 'hcmc-public-services', name: 'C' },
    { id: 'danang-tax-office', name: 'D' },
  ],
  environments: { dev: {} },
};

function withCapacity(capacity: NonNullable<NdxConfigInput['environments'][string]['capacity']>, extra: object = {}) {
  return defineConfig({ ...base, environments: { dev: {}, prod: { capacity, ...extra } } });
}

/** A contract of one registry with one version for the given consumers and limit. */
function contract(id: string, provider: string, consumers: string[], perMinute: number): ContractDefinition {
  const [real] = CONTRACTS;
  if (!real) throw new Error('no contracts');
  const [v] = real.versions;
  if (!v) throw new Error('no version');
  return { ...real, id, provider, versions: [{ ...v, consumers, rateLimit: { perAgencyPerMinute: perMinute } }] };
}

describe('arithmetic', () => {
  it('splits by weight, evenly without weights, and names nobody twice', () => {
    expect([...sharesOf(['a', 'b'], undefined).values()]).toEqual([0.5, 0.5]);
    expect(Object.fromEntries(sharesOf(['a', 'b', 'c'], { a: 3, b: 1 }))).toEqual({ a: 0.75, b: 0.25, c: 0 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 1000 })), (ids, ws) => {
        const weights = Object.fromEntries(ids.map((id, i) => [id, ws[i] ?? 1]));
        const total = [...sharesOf(ids, weights).values()].reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(1, 9);
      }),
    );
  });

  it('gives a stage the fewest executions that carry the rate at the target utilisation', () => {
    // 100 lookups/s of 25 ms keep 2.5 executions busy; at 70% that needs 2.5 / 0.7 = 3.57 → 4.
    expect(executionsFor(100, 25, 0.7)).toBe(4);
    // Exactly at the boundary: 28 lookups/s of 25 ms at 0.7 is 1 execution, not 2.
    expect(executionsFor(28, 25, 0.7)).toBe(1);
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 50_000, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (rate, ms, u) => {
          const n = executionsFor(rate, ms, u);
          const carried = (k: number) => (k * u * 1000) / ms;
          expect(carried(n)).toBeGreaterThanOrEqual(rate * (1 - 1e-9));
          expect(carried(n - 1)).toBeLessThan(rate * (1 + 1e-9));
        },
      ),
    );
  });

  it('keeps a mapping within Lambda’s 2..1000 and never below the configured maximum', () => {
    expect(mappingConcurrency(0, 25, 0.7, 5)).toBe(5);
    expect(mappingConcurrency(1, 25, 0.7, 1)).toBe(CAPACITY_FACTS.mappingConcurrency.min);
    expect(mappingConcurrency(1_000_000, 25, 0.7, 5)).toBe(CAPACITY_FACTS.mappingConcurrency.max);
    expect(mappingConcurrency(560, 25, 0.7, 5)).toBe(20);
  });

  it('gives audit chains the shards that keep each below the target, and warm throughput only above the start', () => {
    expect(auditShardsFor(87.5, 0.7)).toBe(1);
    expect(auditShardsFor(87.6, 0.7)).toBe(2);
    expect(auditShardsFor(0, 0.7)).toBe(1);
    expect(warmFor(2800, 0.7, 4000)).toBeUndefined();
    expect(warmFor(2800.7, 0.7, 4000)).toBe(4001);
  });

  it('splits a hot pair’s limit over items whose shares sum to the limit, each item under its write budget', () => {
    expect(rateLimitShards(6000)).toBe(1);
    expect(rateLimitShards(30_000)).toBe(1);
    expect(rateLimitShards(30_001)).toBe(2);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (perMinute) => {
        const k = rateLimitShards(perMinute);
        const shares = Array.from({ length: k }, (_, i) => rateLimitShareOf(perMinute, i, k));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(perMinute);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        expect(Math.max(...shares) / 60).toBeLessThanOrEqual(500 + 1 / 60);
      }),
    );
  });

  it('sums contract limits per agency and per registry, over configured registries only', () => {
    const limits = contractLimits(
      [contract('p.a', 'population', ['a1', 'a2'], 600), contract('l.a', 'land', ['a1'], 120), contract('x.a', 'elsewhere', ['a1'], 6000)],
      ['a1', 'a2'],
      ['population', 'land'],
    );
    expect(Object.fromEntries(limits.byAgency)).toEqual({ a1: 12, a2: 10 });
    expect(Object.fromEntries(limits.byRegistry)).toEqual({ population: 20, land: 2 });
    expect(limits.byPair.get('a1 x.a')).toBeUndefined();
  });
});

describe('capacityPlan', () => {
  it('keeps an environment without a capacity on its configured settings', () => {
    const plan = capacityPlan(defineConfig(base), 'dev', CONTRACTS);
    expect(plan.configured).toBe(false);
    expect(plan.routerMappings).toEqual({ 'hanoi-land-office': 5, 'hcmc-public-services': 5, 'danang-tax-office': 5 });
    expect(plan.auditShards).toBe(16);
    expect(plan.problems).toEqual([]);
    expect(plan.stages.every((s) => s.expected === undefined)).toBe(true);
  });

  it('derives mappings, reservations and shards from the peak, with every derived stage at or below the target', () => {
    const plan = capacityPlan(
      withCapacity({
        lookupsPerSecond: { sustained: 100, peak: 300 },
        accountConcurrency: 1000,
        shares: { agencies: { 'hanoi-land-office': 2, 'hcmc-public-services': 1, 'danang-tax-office': 1 }, registries: { population: 3, land: 1 } },
      }),
      'prod',
      CONTRACTS,
    );
    expect(plan.problems).toEqual([]);
    // hanoi-land-office: 150/s × 25 ms = 3.75 busy, / 0.7 → 6; the others 75/s → 3, raised to the configured 5.
    expect(plan.routerMappings).toEqual({ 'hanoi-land-office': 6, 'hcmc-public-services': 5, 'danang-tax-office': 5 });
    // population: 225/s × 45 ms = 10.1 busy → 15; land 75/s → 3.4 → 5.
    expect(plan.adapterMappings).toEqual({ population: 15, land: 5 });
    expect(plan.reserved).toEqual({ router: 16, adapters: { population: 15, land: 5 } });
    for (const s of plan.stages.filter((x) => ['router', 'adapter', 'audit chain', 'table writes'].includes(x.stage))) {
      expect(s.utilisation, `${s.stage} ${s.scope}`).toBeLessThanOrEqual(0.7 + 1e-9);
    }
    // The adapters run at 225/s on 15 and 75/s on 5 executions of 45 ms: 67.5%, full at 300 / 0.675 = 444/s.
    expect(breakingPoint(plan)).toMatchObject({ stage: 'adapter', rate: expect.closeTo(444.44, 1) });
    // The contracts' 1.1.0 limits allow the land registry 42,000 a minute (700/s) over its two consumers here: 75/s is 10.7%, refused from 2,800/s.
    expect(breakingPoint(plan, true)).toMatchObject({ stage: 'contract limits', scope: 'land', rate: expect.closeTo(2800, 6) });
    expect(breakingPoint(capacityPlan(defineConfig(base), 'dev', CONTRACTS))).toBeUndefined();
  });

  it('derives more audit shards and warm throughput for a large peak', () => {
    const plan = capacityPlan(
      withCapacity({ lookupsPerSecond: { sustained: 1000, peak: 5000 }, shares: { registries: { population: 1 } } }),
      'prod',
      CONTRACTS.map((c) => ({ ...c, versions: c.versions.map((v) => ({ ...v, rateLimit: { perAgencyPerMinute: 1_000_000 } })) })),
    );
    expect(plan.auditShards).toBe(Math.ceil(5000 / (125 * 0.7)));
    expect(plan.warmThroughput['ndx-audit']?.writeUnitsPerSecond).toBe(Math.ceil((5000 * CAPACITY_FACTS.writeUnitsPerLookup.audit) / 0.7));
    // 1,000,000 a minute is 16,667/s: 34 items of 500 writes/s.
    expect(plan.rateLimitShards['hanoi-land-office population.identity-verification']).toBe(34);
    expect(plan.problems).toEqual([]);
  });

  it('refuses a peak the contracts’ rate limits cannot carry, naming the agency and what to change', () => {
    // An even split of 6,000/s is 2,000/s per agency; hcmc-public-services' contracts here allow 96,000 + 19,000 a minute (1,916.7/s).
    const plan = capacityPlan(withCapacity({ lookupsPerSecond: { sustained: 100, peak: 6000 } }), 'prod', CONTRACTS);
    const agencyProblem = plan.problems.find((p) => p.startsWith('contract limits hcmc-public-services'));
    expect(agencyProblem).toContain('expected 2,000 lookups/s');
    expect(agencyProblem).toContain('carries 1,916.7');
    expect(agencyProblem).toContain('Raise the contracts’ rate limits');
  });

  it('refuses a stated quota the mappings can exceed, and reserves nothing then', () => {
    const plan = capacityPlan(withCapacity({ lookupsPerSecond: { sustained: 10, peak: 20 }, accountConcurrency: 10 }), 'prod', CONTRACTS);
    expect(plan.problems.join('\n')).toContain('L-B99A9384');
    expect(plan.reserved.router).toBeUndefined();
  });

  it('refuses explicit settings below what the peak needs', () => {
    const plan = capacityPlan(
      withCapacity({ lookupsPerSecond: { sustained: 100, peak: 400 }, auditShards: 1 }, { reservedConcurrency: { router: 5 } }),
      'prod',
      CONTRACTS.map((c) => ({ ...c, versions: c.versions.map((v) => ({ ...v, rateLimit: { perAgencyPerMinute: 1_000_000 } })) })),
    );
    expect(plan.problems.some((p) => p.startsWith('router (reserved) all: expected 400 lookups/s at the peak, but reserved concurrency 5 carries 200'))).toBe(
      true,
    );
    expect(plan.problems.some((p) => p.startsWith('audit chain population') && p.includes('1 shards carries 125'))).toBe(true);
  });

  it('checks shares name configured agencies and registries, and the peak is at least the sustained rate', () => {
    expect(() => withCapacity({ lookupsPerSecond: { sustained: 10, peak: 20 }, shares: { agencies: { nobody: 1 } } })).toThrow(
      'no agency "nobody" is configured',
    );
    expect(() => withCapacity({ lookupsPerSecond: { sustained: 30, peak: 20 } })).toThrow('the peak must be at least the sustained rate');
  });

  it('prints the stages, what binds first and the problems', () => {
    const text = formatCapacity(capacityPlan(withCapacity({ lookupsPerSecond: { sustained: 100, peak: 6000 } }), 'prod', CONTRACTS));
    expect(text).toContain('100 lookups/s sustained (8.6 million a day), 6,000 at the peak');
    expect(text).toMatch(/✖\s+contract limits\s+hcmc-public-services\s+2,000\s+1,917\s+lookups\/s\s+104%\s+0\.96×/);
    // land: 3,000/s against 700/s (land.parcel 14,000 and land.parcels-by-owner 7,000 a minute, for two consumers each).
    expect(text).toContain('binds first: contract limits land at 429% of its limit');
    expect(text).toContain('the contracts’ rate limits refuse from 1,400 lookups/s (land first)');
    expect(text).toMatch(/breaks first: \S+ .+, reaches its limit at [\d,]+ lookups\/s \(shares kept\)/);
    expect(text).toContain('✖ prod cannot carry its capacity');
  });
});
