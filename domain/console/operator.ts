/**
 * The operators' desk: the platform's health at a glance (queues, dead letters, alarms), lookups over
 * time, and whether the audit trail still verifies. Only staff with the operator role reach it (the
 * console's area check); the desk itself never shows personal data: dead letters are described by
 * domain/ops/queues.ts `describeDeadLetter`, lookups are counted, never listed.
 *
 * The ports are the same operations `ndx ops` and `ndx audit verify` run (aws/operations.ts,
 * aws/audit-log.ts, aws/anchor-store.ts), wired in functions/console/handler.ts.
 */
import type { Status } from '../../contracts/protocol.ts';
import type { AuditAnchor } from '../audit/anchor.ts';
import type { VerifyReport } from '../audit/records.ts';
import { type ActivityWindow, activityWindow, countOutcomes, type LatencyRow, type OutcomeCounts } from '../ops/activity.ts';
import { type AlarmState, type DeadLetter, type NdxQueue, type PlatformStatus, queueAlarms, type RedriveResult, sortAlarms } from '../ops/queues.ts';

export interface OperatorPorts {
  /** The platform's queues (ndx.config.ts). */
  queues: readonly NdxQueue[];
  /** aws/operations.ts `platformStatus`. */
  status(): Promise<PlatformStatus>;
  /** aws/operations.ts `listDeadLetters`: receives and releases, deletes nothing. */
  deadLetters(q: NdxQueue, max: number): Promise<{ messages: DeadLetter[]; depth: number }>;
  /** aws/operations.ts `redrive` (on AWS through the ndx-redrive function). */
  redrive(q: NdxQueue): Promise<RedriveResult>;
  /** CloudWatch's ndx alarms; absent where there is no CloudWatch (the local engine). */
  alarms?(): Promise<AlarmState[]>;
  /** The lookup records of the audit partitions started in a range of UTC days. */
  lookups(days: { from: string; to: string }): AsyncIterable<{ at: string; status: Status }>;
  /** CloudWatch's LookupLatency over the window; absent where there is no CloudWatch. */
  latency?(w: ActivityWindow): Promise<LatencyRow[]>;
  /** aws/audit-log.ts `verify`. */
  verify(range: { from: string; to: string }, anchor?: AuditAnchor): Promise<VerifyReport>;
  /** The latest stored anchor; absent when no anchor store is configured. */
  latestAnchor?(): Promise<{ anchor: AuditAnchor; location: string } | undefined>;
  clock?: () => Date;
}

/** Limits that keep every page of the desk bounded, however big the platform grows. */
export const DESK_LIMITS = {
  /** Dead letters listed on a queue's page. */
  deadLetters: 50,
  /** Audit records read to count lookups per outcome. */
  lookupRecords: 50_000,
  /** Hours of lookups charted, and the interval. */
  hours: 24,
  stepMinutes: 60,
  /** UTC days of audit partitions verified on the audit page (today and the days before it). */
  verifyDays: 2,
} as const;

export class UnknownQueueError extends Error {
  override readonly name = 'UnknownQueueError';
}

export interface HealthView {
  status: PlatformStatus;
  /** Where the alarms' states come from: CloudWatch, or computed here from the queue figures. */
  alarmSource: 'cloudwatch' | 'computed';
  alarms: AlarmState[];
  at: string;
}

export interface DeadLettersView {
  queue: NdxQueue;
  depth: number;
  messages: DeadLetter[];
  /** More messages wait than are listed. */
  more: boolean;
}

export interface ActivityView {
  window: ActivityWindow;
  counts: OutcomeCounts;
  /** Undefined where there is no CloudWatch: the latency is only in the functions' metrics. */
  latency?: LatencyRow[];
}

export interface AuditView {
  /** The UTC days verified (partitions started in them). */
  range: { from: string; to: string };
  report: VerifyReport;
  anchor?: { takenAt: string; partitions: number; location: string };
  /** No anchor store is configured (neither an anchor bucket nor a local data folder). */
  noStore: boolean;
}

const dayBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

export class OperatorDesk {
  private readonly ports: OperatorPorts;
  private readonly clock: () => Date;

  constructor(ports: OperatorPorts) {
    this.ports = ports;
    this.clock = ports.clock ?? (() => new Date());
  }

  get queues(): readonly NdxQueue[] {
    return this.ports.queues;
  }

  /** A main queue by name (a dead-letter queue's name designates its queue); anything else is unknown. */
  queue(name: string): NdxQueue {
    const q = this.ports.queues.find((x) => x.name === name || x.deadLetterQueue === name);
    if (!q) throw new UnknownQueueError(`${name} is not one of ndx's queues`);
    return q;
  }

  async health(): Promise<HealthView> {
    const status = await this.ports.status();
    const fromCloud = this.ports.alarms ? await this.ports.alarms() : undefined;
    return {
      status,
      alarmSource: fromCloud ? 'cloudwatch' : 'computed',
      alarms: sortAlarms(fromCloud ?? queueAlarms(status)),
      at: this.clock().toISOString(),
    };
  }

  async deadLetters(name: string): Promise<DeadLettersView> {
    const queue = this.queue(name);
    const { messages, depth } = await this.ports.deadLetters(queue, DESK_LIMITS.deadLetters);
    return { queue, depth, messages, more: depth > messages.length };
  }

  /** Moves every message of the queue's dead-letter queue back to it (idempotent processing makes it safe). */
  async redrive(name: string): Promise<RedriveResult> {
    return this.ports.redrive(this.queue(name));
  }

  async activity(): Promise<ActivityView> {
    const window = activityWindow(this.clock(), DESK_LIMITS.hours, DESK_LIMITS.stepMinutes);
    const [counts, latency] = await Promise.all([
      countOutcomes(this.ports.lookups(window.days), window, DESK_LIMITS.lookupRecords),
      this.ports.latency ? this.ports.latency(window) : Promise.resolve(undefined),
    ]);
    return { window, counts, ...(latency ? { latency } : {}) };
  }

  /** Verifies the recent audit partitions against the latest anchor, as `ndx audit verify --from <day>` does. */
  async audit(): Promise<AuditView> {
    const today = this.clock().toISOString().slice(0, 10);
    const range = { from: dayBefore(today, DESK_LIMITS.verifyDays - 1), to: today };
    const stored = this.ports.latestAnchor ? await this.ports.latestAnchor() : undefined;
    const report = await this.ports.verify(range, stored?.anchor);
    return {
      range,
      report,
      ...(stored ? { anchor: { takenAt: stored.anchor.takenAt, partitions: stored.anchor.partitions.length, location: stored.location } } : {}),
      noStore: !this.ports.latestAnchor,
    };
  }
}
