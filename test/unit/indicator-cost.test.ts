/** The indicators job's cost model (bench/indicator-cost.ts) against the job's own sizing, and the README's figures against the model. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSUMPTIONS, indicatorRunCost, REGISTRY_SHAPES } from '../../bench/indicator-cost.ts';
import { PRICES } from '../../bench/prices.ts';
import { DEFAULT_SIZING, segmentsFor } from '../../domain/indicators/run.ts';
import { INDICATOR_REGISTRIES } from '../../aws/indicator-job.ts';

describe('indicatorRunCost', () => {
  const run = indicatorRunCost(100_000_000);

  it('models every registry an indicator counts, cut into segments as the job cuts them', () => {
    expect(run.registries.map((r) => r.registry).sort()).toEqual([...INDICATOR_REGISTRIES].sort());
    expect([ASSUMPTIONS.bytesPerSegment, ASSUMPTIONS.maxSegments]).toEqual([DEFAULT_SIZING.bytesPerSegment, DEFAULT_SIZING.maxSegments]);
    for (const r of run.registries) expect(r.segments, r.registry).toBe(segmentsFor(r.bytes));
  });

  it('prices an eventually consistent scan at half a read unit per 4 KB, and adds its parts up', () => {
    for (const r of run.registries) expect(r.scanReadUnits).toBeCloseTo(r.bytes / 8192, 6);
    const units = run.registries.reduce((n, r) => n + r.scanReadUnits, 0);
    expect(run.usd.scan).toBeCloseTo(units * PRICES.dynamodb.readRequestUnit, 10);
    const { scan, lambda, partials, stepFunctions, total } = run.usd;
    expect(total).toBeCloseTo(scan + lambda + partials + stepFunctions, 10);
    // The scan is what a run costs, mostly.
    expect(scan / total).toBeGreaterThan(0.5);
  });

  it('grows with the registries: twice the citizens, twice the scan and Lambda time', () => {
    const twice = indicatorRunCost(200_000_000);
    expect(twice.usd.scan).toBeCloseTo(2 * run.usd.scan, 8);
    const gbs = (c: typeof run) => c.registries.reduce((n, r) => n + r.lambdaGbSeconds, 0);
    expect(gbs(twice)).toBeCloseTo(2 * gbs(run), 6);
    expect(REGISTRY_SHAPES.length).toBe(4);
  });

  it('is what the README quotes', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`**$${run.usd.total.toFixed(2)}**`);
    expect(readme).toContain(`$${run.usd.scan.toFixed(2)}`);
  });
});
