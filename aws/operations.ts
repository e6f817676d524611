/**
 * What `ndx ops` and the console's operator desk do, against any SQS/DynamoDB endpoint (the local
 * engine, LocalStack, AWS): the health of the platform's queues and registries, what waits in their
 * dead-letter queues, moving it back, the ndx alarms (CloudWatch DescribeAlarms) and the lookup
 * latency (CloudWatch GetMetricData). The queues, the figures' types and the dead-letter description
 * are the domain's (domain/ops/queues.ts); the queues' ages come from CloudWatch where there is one.
 */
import { type CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type ReceiveMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { names } from '../config/names.ts';
import type { ActivityWindow, LatencyRow } from '../domain/ops/activity.ts';
import { onIntervals } from '../domain/ops/activity.ts';
import {
  type AlarmState,
  type DeadLetter,
  type Depth,
  describeDeadLetter,
  type NdxQueue,
  ndxQueues,
  type OpsTopology,
  type PlatformStatus,
  type QueueStatus,
  type RedriveOptions,
  type RedriveResult,
  type RegistryStatus,
} from '../domain/ops/queues.ts';

export * from '../domain/ops/queues.ts';

export interface Clients {
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  /** Absent (e.g. on the local engine): queue ages are sampled from dead-letter queues or shown as n/a. */
  cloudwatch?: CloudWatchClient;
  /**
   * Starts the move task of a redrive, resolving to its handle (undefined: one is already running).
   * On AWS, `ndx-redrive` starts it (the operator role may not send to any queue); absent, the CLI
   * starts it itself (the local engine, LocalStack).
   */
  startMoveTask?: (queue: string, rate: number | undefined) => Promise<string | undefined>;
}

/** The function that starts redrives on AWS (infra/constructs/operations.ts). */
export const REDRIVE_FUNCTION = 'ndx-redrive';

/** A `startMoveTask` that invokes `ndx-redrive` and reports its error, if it failed. */
export function redriveThroughFunction(lambda: LambdaClient, functionName = REDRIVE_FUNCTION): NonNullable<Clients['startMoveTask']> {
  return async (queue, rate) => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify({ queue, ...(rate ? { rate } : {}) })) }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '{}';
    if (out.FunctionError) {
      const e = JSON.parse(text) as { errorType?: string; errorMessage?: string };
      throw new Error(`${functionName} refused the redrive: ${e.errorType ?? out.FunctionError}: ${e.errorMessage ?? text}`);
    }
    return (JSON.parse(text) as { taskHandle?: string }).taskHandle;
  };
}

async function queueUrl(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    const e = error as { name?: string };
    if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue') return undefined;
    throw error;
  }
}

/** Finds a queue's URL; throws a sentence if it does not exist. */
export async function requireQueueUrl(sqs: SQSClient, name: string): Promise<string> {
  const url = await queueUrl(sqs, name);
  if (!url) throw new Error(`queue ${name} does not exist: is the platform deployed (or \`npm start\` running)?`);
  return url;
}

export async function depth(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number; arn: string }> {
  const a =
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'] }),
      )
    ).Attributes ?? {};
  return { visible: Number(a.ApproximateNumberOfMessages ?? 0), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0), arn: a.QueueArn ?? '' };
}

/**
 * Every system attribute of received messages. SQS's current parameter is MessageSystemAttributeNames;
 * some emulators (local-aws-sqs 2.0) read only the older AttributeNames, which SQS still accepts.
 */
const ALL_ATTRIBUTES: Pick<ReceiveMessageCommandInput, 'MessageSystemAttributeNames' | 'AttributeNames'> = {
  MessageSystemAttributeNames: ['All'],
  AttributeNames: ['All'],
};

/**
 * Age of the oldest message of a dead-letter queue, from a sample of up to ten messages received
 * and released at once. Only for dead-letter queues: a receive on a main queue would count towards
 * its maxReceiveCount and could dead-letter a healthy lookup.
 */
async function sampleAge(sqs: SQSClient, url: string, now: number): Promise<number | null> {
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, ...ALL_ATTRIBUTES }));
  const sent = (got.Messages ?? []).map((m) => Number(m.Attributes?.SentTimestamp)).filter(Number.isFinite);
  return sent.length ? Math.max(0, Math.round((now - Math.min(...sent)) / 1000)) : null;
}

/** ApproximateAgeOfOldestMessage of each queue (maximum of the last 10 minutes), or undefined without CloudWatch. */
async function cloudwatchAges(cw: CloudWatchClient, queues: readonly string[], now: number): Promise<Map<string, number> | undefined> {
  const ages = new Map<string, number>();
  try {
    for (let i = 0; i < queues.length; i += 500) {
      const batch = queues.slice(i, i + 500);
      const out = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 10 * 60_000),
          EndTime: new Date(now),
          MetricDataQueries: batch.map((name, j) => ({
            Id: `q${i + j}`,
            MetricStat: {
              Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: name }] },
              Period: 60,
              Stat: 'Maximum',
            },
          })),
        }),
      );
      for (const r of out.MetricDataResults ?? []) {
        const index = Number(r.Id?.slice(1));
        const queue = queues[index];
        if (queue && r.Values?.length) ages.set(queue, Math.max(...r.Values));
      }
    }
    return ages;
  } catch {
    return undefined;
  }
}

/** Queues whose figures `platformStatus` reads at once (each queue is four SQS calls). */
const STATUS_CONCURRENCY = 16;

/** `fn` over every item, at most `size` at a time, results in the items' order. */
async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** Depth, in-flight, DLQ depth and ages of every queue, and whether each registry answers. */
export async function platformStatus(config: OpsTopology, clients: Clients, now = Date.now()): Promise<PlatformStatus> {
  const queues = ndxQueues(config);
  const ages = clients.cloudwatch
    ? await cloudwatchAges(
        clients.cloudwatch,
        queues.flatMap((q) => [q.name, q.deadLetterQueue]),
        now,
      )
    : undefined;
  // A few queues at a time: with hundreds of agencies, one after another would outlast an API Gateway answer (29 s).
  const statuses = await inBatches(queues, STATUS_CONCURRENCY, async (q): Promise<QueueStatus> => {
    const [url, dlqUrl] = await Promise.all([queueUrl(clients.sqs, q.name), queueUrl(clients.sqs, q.deadLetterQueue)]);
    const problems: string[] = [];
    if (!url || !dlqUrl) {
      problems.push(`${!url ? q.name : q.deadLetterQueue} does not exist`);
      const none: Depth = { visible: 0, inFlight: 0, oldestAgeSeconds: null };
      return { ...q, exists: false, queue: none, dlq: none, ageSource: 'n/a', problems };
    }
    const [main, dead] = await Promise.all([depth(clients.sqs, url), depth(clients.sqs, dlqUrl)]);
    let ageSource: QueueStatus['ageSource'] = 'n/a';
    let queueAge: number | null = null;
    let dlqAge: number | null = null;
    if (ages) {
      ageSource = 'cloudwatch';
      queueAge = ages.get(q.name) ?? (main.visible + main.inFlight === 0 ? 0 : null);
      dlqAge = ages.get(q.deadLetterQueue) ?? (dead.visible + dead.inFlight === 0 ? 0 : null);
    } else if (dead.visible > 0) {
      ageSource = 'sample';
      dlqAge = await sampleAge(clients.sqs, dlqUrl, now);
    }
    if (dead.visible + dead.inFlight > 0) {
      problems.push(`${dead.visible + dead.inFlight} message(s) in ${q.deadLetterQueue}: see them with \`ndx ops dlq list ${q.name}\``);
    }
    if (queueAge !== null && queueAge >= q.maxAgeSeconds) {
      problems.push(`the oldest message on ${q.name} is ${queueAge}s old (limit ${q.maxAgeSeconds}s): its consumer (${q.consumer}) is stalled or absent`);
    }
    return {
      ...q,
      exists: true,
      queue: { visible: main.visible, inFlight: main.inFlight, oldestAgeSeconds: queueAge },
      dlq: { visible: dead.visible, inFlight: dead.inFlight, oldestAgeSeconds: dlqAge },
      ageSource,
      problems,
    };
  });

  const registries: RegistryStatus[] = [];
  for (const r of config.registries) {
    const problems: string[] = [];
    // A registry read over HTTP has no table; only its queue tells whether it answers.
    const source = r.source;
    const table = source?.kind && source.kind !== 'dynamodb' ? null : names.registryTable(r.id);
    let tableStatus = 'n/a';
    if (table) {
      try {
        tableStatus = (await clients.dynamo.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus ?? 'UNKNOWN';
      } catch (error) {
        const e = error as { name?: string };
        if (e.name !== 'ResourceNotFoundException') throw error;
        tableStatus = 'MISSING';
      }
      if (tableStatus !== 'ACTIVE') problems.push(`table ${table} is ${tableStatus}`);
    }
    const inbound = statuses.find((s) => s.kind === 'registry-in' && s.owner === r.id);
    const stalled = inbound?.problems.some((p) => p.includes('stalled')) ?? false;
    if (stalled) problems.push(`its queue ${names.registryInQueue(r.id)} is not being answered`);
    if (inbound && !inbound.exists) problems.push(`its queue ${names.registryInQueue(r.id)} does not exist`);
    registries.push({ registry: r.id, table, tableStatus, answers: problems.length === 0, problems });
  }

  const problems = [...statuses.flatMap((s) => s.problems), ...registries.flatMap((r) => r.problems.map((p) => `registry ${r.registry}: ${p}`))];
  return { healthy: problems.length === 0, queues: statuses, registries, problems };
}

/**
 * Lists up to `max` messages of a queue's dead-letter queue. Each is received (hidden for a minute
 * while the listing runs, so none is seen twice) and released again at once: nothing is deleted.
 * SQS counts the listing as one more receive; the counts shown are those before it.
 */
export async function listDeadLetters(clients: Clients, q: NdxQueue, max = 100): Promise<{ messages: DeadLetter[]; depth: number }> {
  const url = await requireQueueUrl(clients.sqs, q.deadLetterQueue);
  const seen = new Map<string, Message>();
  const total = (await depth(clients.sqs, url)).visible;
  let empty = 0;
  while (seen.size < max && empty < 2) {
    const got = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        VisibilityTimeout: 60,
        WaitTimeSeconds: empty ? 1 : 0,
        ...ALL_ATTRIBUTES,
      }),
    );
    const fresh = (got.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    for (const m of fresh) if (m.MessageId) seen.set(m.MessageId, m);
    empty = fresh.length ? 0 : empty + 1;
    if (seen.size >= total && total > 0) break;
  }
  const held = [...seen.values()];
  for (let i = 0; i < held.length; i += 10) {
    await clients.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: held.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 })),
      }),
    );
  }
  const messages = held.map((m) => describeDeadLetter(q, m)).sort((a, b) => String(a.sentAt).localeCompare(String(b.sentAt)));
  return { messages, depth: Math.max(total, messages.length) };
}

function unsupported(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; message?: string };
  return /UnsupportedOperation|InvalidAction|UnknownOperation|NotImplemented|not (currently )?supported/i.test(`${e.name} ${e.Code} ${e.message}`);
}

/**
 * Moves every message of a queue's dead-letter queue back to the queue. Uses SQS's message move
 * task where the endpoint has one (the messages move inside SQS; the task resets their receive count
 * and retention), else receives, sends and then deletes each batch, deleting only what was sent.
 * Safe to repeat: the router and the adapters are idempotent on (agency, requestId).
 */
export async function redrive(clients: Clients, q: NdxQueue, options: RedriveOptions = {}): Promise<RedriveResult> {
  const [url, dlqUrl] = await Promise.all([requireQueueUrl(clients.sqs, q.name), requireQueueUrl(clients.sqs, q.deadLetterQueue)]);
  const [main, dead] = await Promise.all([depth(clients.sqs, url), depth(clients.sqs, dlqUrl)]);
  const total = dead.visible;
  const result = { queue: q.name, deadLetterQueue: q.deadLetterQueue };
  if (total === 0 && dead.inFlight === 0)
    return { ...result, method: options.byHand ? 'receive-send-delete' : 'move-task', moved: 0, failed: 0, status: 'NOTHING_TO_MOVE' };
  if (!options.byHand) {
    try {
      const viaFunction = clients.startMoveTask;
      const start = viaFunction ? () => viaFunction(q.name, options.rate) : () => startMoveTask(clients.sqs, dead.arn, main.arn, options.rate);
      return { ...result, ...(await moveTask(clients.sqs, start, dead.arn, total, options)) };
    } catch (error) {
      if (!unsupported(error)) throw error;
    }
  }
  return { ...result, ...(await byHand(clients.sqs, dlqUrl, url, total, options)) };
}

async function startMoveTask(sqs: SQSClient, sourceArn: string, destinationArn: string, rate: number | undefined): Promise<string | undefined> {
  try {
    return (
      await sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn, ...(rate ? { MaxNumberOfMessagesPerSecond: rate } : {}) }),
      )
    ).TaskHandle;
  } catch (error) {
    // One task per queue at a time: follow the running one instead of starting another.
    if (!/already|running|in progress/i.test((error as Error).message ?? '')) throw error;
    return undefined;
  }
}

async function moveTask(sqs: SQSClient, start: () => Promise<string | undefined>, sourceArn: string, total: number, o: RedriveOptions) {
  const handle = await start();
  const until = o.followMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + o.followMs;
  for (;;) {
    const tasks = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }))).Results ?? [];
    const task = (handle ? tasks.find((t) => t.TaskHandle === handle) : undefined) ?? tasks.find((t) => t.Status === 'RUNNING') ?? tasks[0];
    if (!task) throw new Error(`the move task on ${sourceArn} disappeared`);
    const moved = Number(task.ApproximateNumberOfMessagesMoved ?? 0);
    const toMove = Number(task.ApproximateNumberOfMessagesToMove ?? total);
    o.onProgress?.(moved, toMove);
    if (task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') {
      if (task.Status === 'FAILED') throw new Error(`the move task failed after ${moved} message(s): ${task.FailureReason ?? 'no reason given'}`);
      return { method: 'move-task' as const, moved, failed: Math.max(0, toMove - moved), status: task.Status ?? 'UNKNOWN' };
    }
    if (Date.now() >= until) return { method: 'move-task' as const, moved, failed: 0, status: 'RUNNING' };
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}

async function byHand(sqs: SQSClient, dlqUrl: string, url: string, total: number, o: RedriveOptions) {
  let moved = 0;
  let failed = 0;
  let empty = 0;
  o.onProgress?.(0, total);
  while (empty < 2) {
    const got =
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 60,
            WaitTimeSeconds: empty ? 1 : 0,
            MessageAttributeNames: ['All'],
          }),
        )
      ).Messages ?? [];
    if (got.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: got.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? '',
          ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length ? { MessageAttributes: m.MessageAttributes } : {}),
        })),
      }),
    );
    // Delete only what the queue accepted; the rest reappears in the DLQ after the visibility timeout.
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    const done = got.filter((_, i) => ok.has(String(i)));
    failed += got.length - done.length;
    if (done.length) {
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }),
      );
    }
    moved += done.length;
    o.onProgress?.(moved, Math.max(total, moved));
    if (failed > 0 && done.length === 0) break; // the queue refuses everything: stop rather than spin
  }
  return { method: 'receive-send-delete' as const, moved, failed, status: failed ? 'PARTIAL' : 'COMPLETED' };
}

/** The prefix of every alarm ndx deploys (infra/constructs/monitoring.ts: `ndx-<resource>-<what>`). */
export const ALARM_PREFIX = 'ndx-';

/** Every ndx alarm's state from CloudWatch (DescribeAlarms by name prefix), with what it watches when it is a queue alarm. */
export async function ndxAlarms(cw: CloudWatchClient, config: OpsTopology): Promise<AlarmState[]> {
  const queues = ndxQueues(config);
  const out: AlarmState[] = [];
  let token: string | undefined;
  do {
    const page = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: ALARM_PREFIX, AlarmTypes: ['MetricAlarm'], NextToken: token, MaxRecords: 100 }));
    for (const a of page.MetricAlarms ?? []) {
      const name = a.AlarmName ?? '';
      const dlq = queues.find((q) => name === `${q.deadLetterQueue}-depth`);
      const aged = queues.find((q) => name === `${q.name}-oldest-message-age`);
      const state = a.StateValue === 'ALARM' || a.StateValue === 'OK' || a.StateValue === 'INSUFFICIENT_DATA' ? a.StateValue : 'UNKNOWN';
      out.push({
        name,
        state,
        watches: dlq ? 'dlq-depth' : aged ? 'oldest-age' : 'other',
        threshold: a.Threshold ?? 0,
        ...((dlq ?? aged) ? { queue: (dlq ?? aged)?.name } : {}),
        ...(a.StateReason ? { reason: a.StateReason } : {}),
        ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp.toISOString() } : {}),
      });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/**
 * LookupLatency (aws/metrics.ts: ms from the agency's send to the reply, one value per lookup) over a
 * window: the average and the maximum per interval across every function that answers, each one
 * Metrics Insights query (one query per GetMetricData), so every lookup counts once.
 */
export async function lookupLatency(cw: CloudWatchClient, w: ActivityWindow, namespace = 'ndx'): Promise<LatencyRow[]> {
  const period = Math.max(60, Math.round(w.stepMs / 1000));
  const series = async (fn: 'AVG' | 'MAX') => {
    const points = new Map<number, number>();
    let token: string | undefined;
    do {
      const out = await cw.send(
        new GetMetricDataCommand({
          StartTime: w.from,
          EndTime: w.to,
          NextToken: token,
          MetricDataQueries: [{ Id: 'latency', Expression: `SELECT ${fn}(LookupLatency) FROM SCHEMA("${namespace}", service, stage)`, Period: period }],
        }),
      );
      for (const r of out.MetricDataResults ?? []) {
        (r.Timestamps ?? []).forEach((t, i) => {
          const v = r.Values?.[i];
          if (v !== undefined) points.set(t.getTime(), v);
        });
      }
      token = out.NextToken;
    } while (token);
    return points;
  };
  const [average, maximum] = await Promise.all([series('AVG'), series('MAX')]);
  return onIntervals(w, { average, maximum });
}
