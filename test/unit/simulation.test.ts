/** The national-day model's simulation (bench/simulation.ts) against closed forms of queueing theory. */
import { describe, expect, it } from 'vitest';
import { erlangC, exponential, mmcMeanWait, rng, simulate } from '../../bench/simulation.ts';

describe('closed forms', () => {
  it('Erlang C: one server is M/M/1 (waits with probability ρ), and a saturated queue always waits', () => {
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(4, 4)).toBe(1);
    // c = 2, a = 1: C = (a²/2 · 2/(2−1)) / (1 + a + a²/2 · 2) = 1 / 3
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(mmcMeanWait(1, 7, 10)).toBeCloseTo(0.7 / 3, 12);
  });

  it('the generator is seeded and its exponential samples have the asked mean', () => {
    const a = rng(7);
    const b = rng(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    const r = rng(1);
    let total = 0;
    for (let i = 0; i < 200_000; i++) total += exponential(r, 0.25);
    expect(total / 200_000).toBeCloseTo(0.25, 2);
  });
});

describe('simulate', () => {
  const mmc = (servers: number, rate: number, meanService: number, seed = 42) =>
    simulate({ seed, rate, seconds: 4000, stations: [{ name: 's', servers, meanService }], route: () => [0], hop: 0 });

  it('an M/M/1 queue waits what the closed form says, and is as busy as its load', () => {
    const r = mmc(1, 7, 0.1);
    const s = r.stations[0]!;
    expect(s.utilisation).toBeGreaterThan(0.68);
    expect(s.utilisation).toBeLessThan(0.72);
    expect(s.wait.mean / mmcMeanWait(1, 7, 10)).toBeGreaterThan(0.85);
    expect(s.wait.mean / mmcMeanWait(1, 7, 10)).toBeLessThan(1.15);
  });

  it('an M/M/8 queue at 80% waits what Erlang C says', () => {
    const r = mmc(8, 64, 0.1);
    const expected = mmcMeanWait(8, 64, 10);
    expect(r.stations[0]!.wait.mean / expected).toBeGreaterThan(0.85);
    expect(r.stations[0]!.wait.mean / expected).toBeLessThan(1.15);
    // Little's law: mean number waiting = λ × mean wait.
    expect(r.stations[0]!.meanQueue / (64 * r.stations[0]!.wait.mean)).toBeCloseTo(1, 1);
  });

  it('is deterministic for a seed, and a tandem route adds its hops to every latency', () => {
    const run = (seed: number) =>
      simulate({
        seed,
        rate: 50,
        seconds: 20,
        stations: [
          { name: 'a', servers: 4, meanService: 0.01 },
          { name: 'b', servers: 4, meanService: 0.01 },
        ],
        route: () => [0, 1],
        hop: 0.5,
      });
    expect(run(3)).toEqual(run(3));
    expect(run(3).latency.p50).toBeGreaterThan(1); // two hops of 0.5 s
    expect(run(3).stations.map((s) => s.arrivals)).toEqual([run(3).lookups, run(3).lookups]);
  });

  it('a shared pool caps the busy servers across stations', () => {
    const r = simulate({
      seed: 5,
      rate: 100,
      seconds: 50,
      stations: [
        { name: 'a', servers: 10, meanService: 0.05, pool: 'account' },
        { name: 'b', servers: 10, meanService: 0.05, pool: 'account' },
      ],
      route: (random) => [random() < 0.5 ? 0 : 1],
      hop: 0,
      pools: { account: 3 },
    });
    expect(r.pools.account!.maxBusy).toBe(3);
    expect(r.pools.account!.meanBusy).toBeGreaterThan(2);
  });
});
