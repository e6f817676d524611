/** The handlers' EMF metrics: low-cardinality dimensions, no personal data, nothing when disabled. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LookupMetrics } from '../../aws/metrics.ts';
import { METRIC } from '../../config/names.ts';

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

function capture(run: () => void): Emf[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Emf);
}

const known = new Set(['population.identity-verification']);
const make = (env: Record<string, string> = {}) =>
  new LookupMetrics({
    stage: 'router',
    serviceName: 'ndx-router',
    isKnownContract: (id) => known.has(id),
    env: { POWERTOOLS_METRICS_NAMESPACE: 'ndx', ...env },
    now: () => 10_000,
  });

afterEach(() => {
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

describe('LookupMetrics', () => {
  it('writes one Lookups count per outcome, code and contract, and the latencies and failures per stage', () => {
    const m = make();
    m.record({ status: 'OK', code: 'OK', contract: 'population.identity-verification', sentAt: 9_000 });
    m.record({ status: 'OK', code: 'OK', contract: 'population.identity-verification', sentAt: 9_500 });
    m.record({ status: 'INVALID', code: 'UNKNOWN_CONTRACT', contract: 'nationalId=079190000001' });
    m.recordFailures(1);
    const emf = capture(() => m.flush());
    expect(emf).toHaveLength(3);
    const ok = emf.find((e) => e.code === 'OK')!;
    expect(ok).toMatchObject({
      service: 'ndx-router',
      stage: 'router',
      outcome: 'OK',
      code: 'OK',
      contract: 'population.identity-verification',
      [METRIC.lookups]: 2,
    });
    expect(ok._aws.CloudWatchMetrics[0]!.Namespace).toBe('ndx');
    expect(ok._aws.CloudWatchMetrics[0]!.Dimensions[0]!.sort()).toEqual(['code', 'contract', 'outcome', 'service', 'stage']);
    // What a caller wrote never becomes a dimension value.
    const unknown = emf.find((e) => e.code === 'UNKNOWN_CONTRACT')!;
    expect(unknown.contract).toBe('other');
    expect(JSON.stringify(emf)).not.toContain('079190000001');
    const stage = emf.find((e) => METRIC.latency in e)!;
    expect(stage[METRIC.latency]).toEqual([1000, 500]);
    expect(stage[METRIC.recordFailures]).toBe(1);
    expect(stage._aws.CloudWatchMetrics[0]!.Dimensions[0]!.sort()).toEqual(['service', 'stage']);
    // Flushed: nothing twice.
    expect(capture(() => m.flush())).toEqual([]);
  });

  it('writes nothing when disabled in the handler’s environment', () => {
    const m = make({ POWERTOOLS_METRICS_DISABLED: 'true' });
    m.record({ status: 'OK', code: 'OK', contract: 'population.identity-verification' });
    expect(capture(() => m.flush())).toEqual([]);
  });
});
