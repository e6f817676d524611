/**
 * The local event source mapping (local/event-source.ts) on the local endpoint's queues: it receives and
 * deletes in process, as Lambda's pollers work outside the function, and still counts those calls as the
 * SQS requests they are.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID } from '../../config/local.ts';
import { type Endpoint, startEndpoint } from '../../local/endpoint.ts';
import { type MappingOptions, type RunningMapping, startMapping } from '../../local/event-source.ts';
import { meter, type OperationCounts } from '../../local/metering.ts';

const region = 'ap-southeast-1';
let endpoint: Endpoint;
let sqs: SQSClient;
const counts: OperationCounts = new Map();

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, region });
  sqs = new SQSClient({ endpoint: endpoint.url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  meter(sqs, counts);
});
afterAll(async () => {
  sqs?.destroy();
  await endpoint?.close();
});

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error('no queue URL');
  return QueueUrl;
}

async function depth(queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

function mapping(queueName: string, queueUrl: string, handler: MappingOptions['handler']): RunningMapping {
  return startMapping({
    queues: endpoint.queues,
    queueName,
    queueUrl,
    queueArn: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${queueName}`,
    region,
    functionName: queueName,
    timeoutSeconds: 1,
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    reportBatchItemFailures: true,
    handler,
  });
}

describe('the local event source mapping', () => {
  it('hands a batch to the handler, deletes it, and counts its receives and the delete as SQS requests', async () => {
    const name = `es-${randomUUID()}`;
    const url = await queue(name);
    const seen: string[][] = [];
    let handled: () => void = () => undefined;
    const done = new Promise<void>((r) => {
      handled = r;
    });
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b', 'c'].map((b, i) => ({ Id: String(i), MessageBody: b })) }));
    const m = mapping(name, url, async (event: SQSEvent) => {
      seen.push(event.Records.map((r) => r.body));
      for (const r of event.Records) {
        expect(r.attributes.ApproximateReceiveCount).toBe('1');
        expect(r.eventSourceARN).toBe(`arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${name}`);
      }
      handled();
      return { batchItemFailures: [] };
    });
    await done;
    await m.stop();
    expect(seen).toEqual([['a', 'b', 'c']]);
    expect(await depth(url)).toBe(0);
    expect(counts.get(`poller ${name} SQS.DeleteMessageBatch`)).toBe(1);
    expect(counts.get(`poller ${name} SQS.ReceiveMessage`)).toBeGreaterThanOrEqual(1);
  });

  it('leaves the records a handler reports as failed to reappear, counted as received again, until they go to the DLQ', async () => {
    const name = `es-${randomUUID()}`;
    const dlqName = `${name}-dlq`;
    const dlq = await queue(dlqName);
    const url = await queue(name, {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${dlqName}`, maxReceiveCount: 2 }),
    });
    const receives: Array<[string, string]> = [];
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['good', 'bad'].map((b, i) => ({ Id: String(i), MessageBody: b })) }));
    const m = mapping(name, url, async (event: SQSEvent) => {
      for (const r of event.Records) receives.push([r.body, r.attributes.ApproximateReceiveCount]);
      return { batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })) };
    });
    const dead = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 20 }))).Messages ?? [];
    await m.stop();
    expect(dead.map((d) => d.Body)).toEqual(['bad']);
    expect(receives).toEqual([
      ['good', '1'],
      ['bad', '1'],
      ['bad', '2'],
    ]);
    expect(await depth(url)).toBe(0);
  });
});
