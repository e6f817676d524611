/**
 * The platform's queues as operators see them, without any I/O: which queues there are (from
 * ndx.config.ts, by naming convention), the figures of their health, the alarm conditions those
 * figures meet, and what a dead-lettered message may say about itself. aws/operations.ts reads the
 * figures (SQS, DynamoDB, CloudWatch); `ndx ops` and the console's operator desk show them.
 *
 * Privacy: a dead-lettered message is described by SQS metadata and, when it is an ndx message, by
 * identifiers of the exchange only (request id, contract, version, purpose, agency, reply status and
 * code), each checked against the shape it must have. Subjects, consent ids, officers, record values
 * and anything else a message carries are never read out.
 */
import { names } from '../../config/names.ts';
import type { OpsTopology } from '../../config/ops-topology.ts';

export type { OpsTopology } from '../../config/ops-topology.ts';
export { opsTopology } from '../../config/ops-topology.ts';

export type QueueKind = 'agency-out' | 'agency-in' | 'registry-in';

/** One of the platform's main queues, with its dead-letter queue. */
export interface NdxQueue {
  name: string;
  deadLetterQueue: string;
  kind: QueueKind;
  /** The agency or registry the queue belongs to. */
  owner: string;
  /** Who reads it: the router, an adapter, or the agency itself. */
  consumer: string;
  /** The oldest message may be this old (seconds) before the queue counts as unhealthy. */
  maxAgeSeconds: number;
}

/** Every main queue of the platform, in a stable order: agencies' out- and in-queues, then registries'. */
export function ndxQueues(config: OpsTopology): NdxQueue[] {
  const { oldestMessageAgeSeconds, unreadReplyAgeSeconds } = config.monitoring;
  const q = (name: string, kind: QueueKind, owner: string, consumer: string, maxAgeSeconds: number): NdxQueue => ({
    name,
    deadLetterQueue: names.deadLetterQueue(name),
    kind,
    owner,
    consumer,
    maxAgeSeconds,
  });
  return [
    ...config.agencies.flatMap((a) => [
      q(names.agencyOutQueue(a.id), 'agency-out', a.id, 'router', oldestMessageAgeSeconds),
      q(names.agencyInQueue(a.id), 'agency-in', a.id, a.id, unreadReplyAgeSeconds),
    ]),
    ...config.registries.map((r) => q(names.registryInQueue(r.id), 'registry-in', r.id, `adapter ${r.id}`, oldestMessageAgeSeconds)),
  ];
}

/** The queue a name designates: a main queue or its dead-letter queue. */
export function resolveQueue(config: OpsTopology, name: string): NdxQueue | undefined {
  return ndxQueues(config).find((q) => q.name === name || q.deadLetterQueue === name);
}

export interface Depth {
  visible: number;
  inFlight: number;
  /** Seconds, or null when it is not known. */
  oldestAgeSeconds: number | null;
}

export interface QueueStatus extends NdxQueue {
  exists: boolean;
  queue: Depth;
  dlq: Depth;
  /** Where the ages come from: CloudWatch's ApproximateAgeOfOldestMessage, a sample of the DLQ, or nothing. */
  ageSource: 'cloudwatch' | 'sample' | 'n/a';
  problems: string[];
}

export interface RegistryStatus {
  registry: string;
  table: string | null;
  tableStatus: string;
  /** The table is ACTIVE (or the source is not a table) and the registry's queue is not stalled. */
  answers: boolean;
  problems: string[];
}

export interface PlatformStatus {
  healthy: boolean;
  queues: QueueStatus[];
  registries: RegistryStatus[];
  problems: string[];
}

/** What SQS returns for a received message, as far as `describeDeadLetter` reads it. */
export interface ReceivedMessage {
  MessageId?: string | undefined;
  Body?: string | undefined;
  Attributes?: Partial<Record<string, string>> | undefined;
}

/** What `dlq list` shows of one message: SQS metadata and, for ndx messages, identifiers of the exchange. */
export interface DeadLetter {
  messageId: string;
  /**
   * How many times the message had been received before this listing (SQS has no peek: listing
   * receives each message once more, so its own receive is taken off; earlier listings count).
   */
  receiveCount: number;
  sizeBytes: number;
  sentAt: string | null;
  firstReceivedAt: string | null;
  /** What the message is: a lookup request, a forwarded lookup, a reply, or not an ndx message. */
  type: 'lookup-request' | 'forwarded-lookup' | 'lookup-reply' | 'unreadable' | 'unknown';
  requestId?: string;
  contract?: string;
  version?: string;
  purpose?: string;
  agency?: string;
  status?: string;
  code?: string;
  /** Why it is most likely there, and whether a redrive can help. */
  reason: string;
}

const SAFE = {
  requestId: /^[0-9a-fA-F-]{8,64}$/,
  contract: /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/,
  version: /^\d+(\.\d+){0,2}$/,
  purpose: /^[A-Z][A-Z0-9_]{1,63}$/,
  agency: /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
  status: /^(OK|NOT_FOUND|DENIED|INVALID|ERROR)$/,
  code: /^[A-Z][A-Z_]{1,63}$/,
} as const;

/** Keeps a value only if it is a string of the shape its field must have. */
function safe(field: keyof typeof SAFE, value: unknown): Record<string, string> {
  return typeof value === 'string' && value.length <= 128 && SAFE[field].test(value) ? { [field]: value } : {};
}

/** Describes a dead-lettered message of queue `q` without personal data. */
export function describeDeadLetter(q: NdxQueue, m: ReceivedMessage): DeadLetter {
  const a = m.Attributes ?? {};
  const body = m.Body ?? '';
  const time = (v: string | undefined) => (v && Number.isFinite(Number(v)) ? new Date(Number(v)).toISOString() : null);
  // This listing's own receive is not one of the message's deliveries.
  const receives = Math.max(Number(a.ApproximateReceiveCount ?? 0) - 1, 0);
  const base = {
    messageId: m.MessageId ?? '',
    receiveCount: receives,
    sizeBytes: Buffer.byteLength(body, 'utf8'),
    sentAt: time(a.SentTimestamp),
    firstReceivedAt: time(a.ApproximateFirstReceiveTimestamp),
  };
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const redriveHelps =
    'the consumer failed on every delivery (e.g. a timeout, a throttle or an outage); processing is idempotent, so `ndx ops redrive` is safe';
  if (q.kind === 'registry-in') {
    if (json?.kind === 'ndx.forwarded-lookup.v1' && json.request && typeof json.request === 'object') {
      const r = json.request as Record<string, unknown>;
      return {
        ...base,
        type: 'forwarded-lookup',
        ...safe('requestId', r.requestId),
        ...safe('contract', r.contract),
        ...safe('version', json.version),
        ...safe('purpose', r.purpose),
        ...safe('agency', json.consumer),
        reason: `adapter ${q.owner}: ${redriveHelps}`,
      };
    }
    return {
      ...base,
      type: json ? 'unknown' : 'unreadable',
      reason: 'poison: not a forwarded lookup, and only the router writes to this queue; a redrive will dead-letter it again (delete it once understood)',
    };
  }
  if (q.kind === 'agency-out') {
    if (!json)
      return {
        ...base,
        type: 'unreadable',
        agency: q.owner,
        reason: `not JSON, and the router answers those (INVALID/MALFORMED_MESSAGE): router: ${redriveHelps}`,
      };
    return {
      ...base,
      type: 'lookup-request',
      ...safe('requestId', json.requestId),
      ...safe('contract', json.contract),
      ...safe('version', json.version),
      ...safe('purpose', json.purpose),
      agency: q.owner,
      reason: `router: ${redriveHelps}`,
    };
  }
  return {
    ...base,
    type: json ? 'lookup-reply' : 'unreadable',
    ...(json
      ? {
          ...safe('requestId', json.requestId),
          ...safe('contract', json.contract),
          ...safe('version', json.version),
          ...safe('purpose', json.purpose),
          ...safe('status', json.status),
          ...safe('code', json.code),
        }
      : {}),
    agency: q.owner,
    reason: `a reply agency ${q.owner} received ${receives > 0 ? receives : 'several'} time(s) without deleting it (its client failed on it); a redrive hands it to the agency again`,
  };
}

export interface RedriveResult {
  queue: string;
  deadLetterQueue: string;
  /** `move-task`: SQS's own StartMessageMoveTask; `receive-send-delete`: by hand, where the endpoint has no move tasks. */
  method: 'move-task' | 'receive-send-delete';
  moved: number;
  /** Messages that could not be moved (left in the dead-letter queue). */
  failed: number;
  status: string;
}

export interface RedriveOptions {
  /** Force the receive/send/delete path. */
  byHand?: boolean;
  /** Messages per second for a move task (SQS's MaxNumberOfMessagesPerSecond). */
  rate?: number;
  onProgress?: (moved: number, total: number) => void;
  /** Polling interval of a move task, ms. */
  pollMs?: number;
  /**
   * Stop following a move task after this long (ms) and report it RUNNING: it goes on inside SQS (the
   * console answers within API Gateway's 29 s). @default no limit
   */
  followMs?: number;
}

/** An alarm as the desk shows it: CloudWatch's state on AWS, or the same condition computed from the queue figures. */
export interface AlarmState {
  /** The alarm's name on AWS (infra/constructs/secure-queue.ts names them). */
  name: string;
  /** ALARM or OK; UNKNOWN when the figure it watches is not available here (no CloudWatch); INSUFFICIENT_DATA as CloudWatch says. */
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' | 'UNKNOWN';
  /** The queue it watches, for queue alarms. */
  queue?: string;
  /** What it watches, in figures: `dlq-depth` (≥ threshold messages) or `oldest-age` (≥ threshold seconds); `other` for CloudWatch's others. */
  watches: 'dlq-depth' | 'oldest-age' | 'other';
  threshold: number;
  /** The figure now, when known. */
  value?: number;
  /** CloudWatch's reason and the time of its last change, on AWS. */
  reason?: string;
  since?: string;
}

/**
 * The queue alarms ndx deploys (one on each dead-letter queue's depth, one on each queue's oldest
 * message), evaluated on the figures of `platformStatus` with the alarms' own thresholds and
 * comparison (≥). For where there is no CloudWatch (the local engine): a DLQ depth is exact, an age
 * that is not known is UNKNOWN rather than guessed.
 */
export function queueAlarms(status: Pick<PlatformStatus, 'queues'>): AlarmState[] {
  return status.queues.flatMap((q): AlarmState[] => {
    const dlq = q.dlq.visible;
    const age = q.queue.oldestAgeSeconds;
    return [
      {
        name: `${q.deadLetterQueue}-depth`,
        queue: q.name,
        watches: 'dlq-depth',
        threshold: 1,
        state: !q.exists ? 'UNKNOWN' : dlq >= 1 ? 'ALARM' : 'OK',
        ...(q.exists ? { value: dlq } : {}),
      },
      {
        name: `${q.name}-oldest-message-age`,
        queue: q.name,
        watches: 'oldest-age',
        threshold: q.maxAgeSeconds,
        state: !q.exists || age === null ? 'UNKNOWN' : age >= q.maxAgeSeconds ? 'ALARM' : 'OK',
        ...(q.exists && age !== null ? { value: age } : {}),
      },
    ];
  });
}

/** Alarms firing first, then unknown, then the rest; by name within each. */
export function sortAlarms<T extends Pick<AlarmState, 'state' | 'name'>>(alarms: readonly T[]): T[] {
  const rank = { ALARM: 0, INSUFFICIENT_DATA: 1, UNKNOWN: 2, OK: 3 } as const;
  return [...alarms].sort((a, b) => rank[a.state] - rank[b.state] || a.name.localeCompare(b.name));
}
