/**
 * A local Lambda event source mapping for SQS, with Lambda's semantics: long-poll a batch of up to
 * `batchSize`, invoke the handler with an SQS event, delete the records it did not report as failed
 * (ReportBatchItemFailures), and leave the failed ones to reappear after the visibility timeout,
 * until the queue's redrive policy moves them to the DLQ. A handler that throws fails the whole batch.
 *
 * Like Lambda's pollers, which run in the Lambda service and cost the function nothing, it receives and
 * deletes on the local endpoint's queues in process (no SDK, signing or HTTP on the engine's one thread);
 * each receive and delete is still counted as the SQS request it is (`countLocalCall`).
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalQueues } from './endpoint.ts';
import { countLocalCall, invocation } from './metering.ts';

/** A handler may answer nothing (undefined), as Lambda allows: then no record of the batch failed. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface MappingOptions {
  /** The endpoint's queues, called in process. */
  queues: LocalQueues;
  queueName: string;
  queueUrl: string;
  queueArn: string;
  region: string;
  functionName: string;
  timeoutSeconds: number;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** Parallel pollers, like the concurrent batches Lambda runs for one SQS mapping (default 1). */
  pollers?: number;
  handler: SqsHandler;
  /** Told about every invocation, for logs, tests and the benchmark (`durationMs`: the handler's wall time, as Lambda bills it). */
  onInvoke?: (info: { functionName: string; records: number; failed: number; durationMs: number; error?: Error }) => void;
}

export interface RunningMapping {
  readonly queueUrl: string;
  /** Like disabling a Lambda event source mapping: messages wait in the queue until resumed. */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

function toRecord(m: Message, o: MappingOptions): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: o.queueArn,
    awsRegion: o.region,
  };
}

function context(o: MappingOptions, requestId: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: o.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${o.region}:000000000000:function:${o.functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${o.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function startMapping(o: MappingOptions): RunningMapping {
  const abort = new AbortController();
  const stopped = new Promise<Message[]>((resolve) => abort.signal.addEventListener('abort', () => resolve([]), { once: true }));
  let invocationCount = 0;
  let paused = false;
  const inFlight = new Set<Promise<void>>();
  /** When a receive last returned messages: extra pollers run only while the queue is busy, as Lambda scales its pollers. */
  let busyAt = 0;
  const poller = async (index: number) => {
    while (!abort.signal.aborted) {
      if (paused || (index > 0 && Date.now() - busyAt > 1000)) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const poll = pollOnce();
      inFlight.add(poll);
      try {
        await poll;
      } finally {
        inFlight.delete(poll);
      }
    }
  };
  const loop = Promise.all(Array.from({ length: Math.max(1, o.pollers ?? 1) }, (_, i) => poller(i)));

  async function pollOnce(): Promise<void> {
    let messages: Message[] = [];
    try {
      // Stopping does not wait for the long poll: a message it takes meanwhile reappears after its visibility timeout.
      messages = await Promise.race([
        invocation.run({ functionName: `poller ${o.functionName}` }, () => {
          countLocalCall('SQS', 'ReceiveMessage');
          return o.queues.receive(o.queueName, { max: o.batchSize, waitSeconds: 1 });
        }),
        stopped,
      ]);
    } catch {
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 200));
      return;
    }
    if (messages.length === 0) return;
    busyAt = Date.now();
    const records = messages.map((m) => toRecord(m, o));
    let failedIds = new Set<string>();
    let error: Error | undefined;
    const started = performance.now();
    try {
      const requestId = `local-${o.functionName}-${++invocationCount}`;
      const deadline = Date.now() + o.timeoutSeconds * 1000;
      const response = await invocation.run({ functionName: o.functionName, deadline }, () => o.handler({ Records: records }, context(o, requestId, deadline)));
      if (o.reportBatchItemFailures && response && Array.isArray(response.batchItemFailures)) {
        failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      }
    } catch (e) {
      error = e as Error;
      failedIds = new Set(records.map((r) => r.messageId));
    }
    const durationMs = performance.now() - started;
    o.onInvoke?.({ functionName: o.functionName, records: records.length, failed: failedIds.size, durationMs, ...(error ? { error } : {}) });
    const done = records.filter((r) => !failedIds.has(r.messageId));
    if (done.length) {
      invocation.run({ functionName: `poller ${o.functionName}` }, () => {
        countLocalCall('SQS', 'DeleteMessageBatch');
        try {
          o.queues.delete(
            o.queueName,
            done.map((r) => r.receiptHandle),
          );
        } catch {
          // the queue is gone (the engine is stopping): the messages would reappear after their visibility timeout
        }
      });
    }
  }

  return {
    queueUrl: o.queueUrl,
    async pause() {
      paused = true;
      if (!abort.signal.aborted) await Promise.allSettled([...inFlight]);
    },
    resume() {
      paused = false;
    },
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
