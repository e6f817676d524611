/**
 * The handlers' CloudWatch metrics, as Embedded Metric Format log lines (Powertools Metrics).
 *
 * Dimensions are low-cardinality identifiers of the exchange, never personal data: the stage
 * (`router`, `adapter`), the outcome (a reply status), the code, and the contract id — only when it
 * is one of the contracts the platform knows, else `other` (a caller can write anything in a
 * request, and a dimension value must never carry what a caller wrote). Agencies and subjects are
 * not dimensions.
 *
 * Per invocation, `flush()` writes one EMF line per (outcome, code, contract) with the `Lookups`
 * count, and one per stage with `LookupLatency` (ms from the agency's send to the reply, one value
 * per lookup), `RecordFailures` (records left to SQS to retry) and, when there were any,
 * `SecurityEvents` (messages refused as forged or altered; an alarm watches it).
 *
 * `POWERTOOLS_METRICS_DISABLED=true` in the handler's environment makes it a no-op (the local engine
 * sets it unless NDX_METRICS=print); Powertools itself also honours it in the process environment.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Status } from '../contracts/protocol.ts';
import type { Env } from '../config/env.ts';
import { METRIC } from '../config/names.ts';

export type Stage = 'router' | 'adapter' | 'webhook';

/** A reply status, or FORWARDED: the router admitted the lookup and passed it to its registry. */
export type Outcome = Status | 'FORWARDED';

export interface LookupOutcome {
  status: Outcome;
  code: string;
  /** The contract the request named; reported only if `isKnownContract` accepts it. */
  contract?: string | undefined;
  /** When the agency sent the request (epoch ms), for the latency. */
  sentAt?: number | undefined;
}

export interface LookupMetricsOptions {
  stage: Stage;
  serviceName: string;
  /** Whether a contract id is one the platform knows (dimension values come only from this set). */
  isKnownContract: (id: string) => boolean;
  env: Env;
  /** Clock, for tests. */
  now?: () => number;
}

export class LookupMetrics {
  private readonly o: LookupMetricsOptions;
  private readonly enabled: boolean;
  private counts = new Map<string, { status: Outcome; code: string; contract: string; count: number }>();
  private latencies: number[] = [];
  private failures = 0;
  private security = 0;

  constructor(options: LookupMetricsOptions) {
    this.o = options;
    this.enabled = String(options.env.POWERTOOLS_METRICS_DISABLED ?? '').toLowerCase() !== 'true';
  }

  /** Counts one answered lookup. */
  record(outcome: LookupOutcome): void {
    const contract = outcome.contract && this.o.isKnownContract(outcome.contract) ? outcome.contract : 'other';
    const key = `${outcome.status}|${outcome.code}|${contract}`;
    const entry = this.counts.get(key) ?? { status: outcome.status, code: outcome.code, contract, count: 0 };
    entry.count++;
    this.counts.set(key, entry);
    if (outcome.sentAt !== undefined && Number.isFinite(outcome.sentAt)) {
      this.latencies.push(Math.max(0, (this.o.now ?? Date.now)() - outcome.sentAt));
    }
  }

  /** Counts records reported as failed to SQS (they are retried, then dead-lettered). */
  recordFailures(n: number): void {
    this.failures += n;
  }

  /** Counts a message refused as a security event (a forged or altered forwarded lookup); alarmed on. */
  recordSecurityEvent(): void {
    this.security++;
  }

  /** Writes what was recorded since the last flush, then forgets it. Never throws. */
  flush(): void {
    const counts = [...this.counts.values()];
    const latencies = this.latencies;
    const failures = this.failures;
    const security = this.security;
    this.counts = new Map();
    this.latencies = [];
    this.failures = 0;
    this.security = 0;
    if (!this.enabled || (counts.length === 0 && latencies.length === 0 && failures === 0 && security === 0)) return;
    try {
      for (const c of counts) {
        const m = this.metrics();
        m.addDimensions({ stage: this.o.stage, outcome: c.status, code: c.code, contract: c.contract });
        m.addMetric(METRIC.lookups, MetricUnit.Count, c.count);
        m.publishStoredMetrics();
      }
      const m = this.metrics();
      m.addDimension('stage', this.o.stage);
      for (const ms of latencies) m.addMetric(METRIC.latency, MetricUnit.Milliseconds, ms);
      m.addMetric(METRIC.recordFailures, MetricUnit.Count, failures);
      if (security > 0) m.addMetric(METRIC.securityEvents, MetricUnit.Count, security);
      m.publishStoredMetrics();
    } catch {
      // Metrics are never worth failing a lookup for.
    }
  }

  private metrics(): Metrics {
    return new Metrics({ namespace: this.o.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ndx', serviceName: this.o.serviceName });
  }
}
