/**
 * The local engine's SQS (local-aws-sqs, patched: patches/local-aws-sqs+2.0.2.patch) through the AWS SDK.
 * A receive takes what is visible at once; a long poll that finds nothing waits until a message becomes
 * visible (sent, its delay over, its visibility timeout over or changed) or its wait ends. No timing
 * thresholds here: where a wait matters, the answer is compared with a receive on an empty queue that
 * waits out a shorter WaitTimeSeconds, started at the same time (which of the two answers first).
 */
import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID } from '../../config/local.ts';
import { type Endpoint, startEndpoint } from '../../local/endpoint.ts';

let endpoint: Endpoint;
let sqs: SQSClient;
const region = 'ap-southeast-1';

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, region });
  sqs = new SQSClient({ endpoint: endpoint.url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  emptyQueue = await queue();
});
afterAll(async () => {
  sqs?.destroy();
  await endpoint?.close();
});

async function queue(attributes: Record<string, string> = {}, name = `q-${randomUUID()}`): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error('no queue URL');
  return QueueUrl;
}

const receive = async (QueueUrl: string, input: { WaitTimeSeconds?: number; MaxNumberOfMessages?: number; VisibilityTimeout?: number } = {}) =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], AttributeNames: ['All'], ...input }))).Messages ?? [];

const send = (QueueUrl: string, MessageBody: string, DelaySeconds?: number) =>
  sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, ...(DelaySeconds === undefined ? {} : { DelaySeconds }) }));

/** A queue nobody sends to: a receive there answers (empty) when its WaitTimeSeconds is over. */
let emptyQueue: string;

/**
 * Starts a receive on the empty queue that waits out `seconds`; `answersBefore(poll)` tells whether `poll`
 * answers before that wait is over (the wait is then abandoned) and what it got.
 */
function emptyWait(seconds: number) {
  const abort = new AbortController();
  const over = sqs.send(new ReceiveMessageCommand({ QueueUrl: emptyQueue, WaitTimeSeconds: seconds }), { abortSignal: abort.signal }).then(
    () => 'wait over' as const,
    () => 'abandoned' as const,
  );
  return {
    async answersBefore(poll: Promise<Message[]>): Promise<{ first: 'poll' | 'wait over'; got: Message[] }> {
      const first = await Promise.race([poll.then(() => 'poll' as const), over]);
      abort.abort();
      await over;
      return { first: first === 'abandoned' ? 'wait over' : first, got: await poll };
    },
  };
}

const bodies = (messages: Message[]) => messages.map((m) => m.Body).sort();

describe('the local engine’s SQS', () => {
  it('hands a message sent while a long poll waits to that poll, before a shorter wait elsewhere is over', async () => {
    const q = await queue();
    const longPoll = receive(q, { WaitTimeSeconds: 20 });
    const wait = emptyWait(2);
    await send(q, 'hello');
    const { first, got } = await wait.answersBefore(longPoll);
    expect(first).toBe('poll');
    expect(bodies(got)).toEqual(['hello']);
    expect(got[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('answers a receive at once with what is visible, at most MaxNumberOfMessages, the rest to the next receive', async () => {
    const q = await queue();
    for (const b of ['a', 'b', 'c', 'd', 'e']) await send(q, b);
    const { first, got } = await emptyWait(2).answersBefore(receive(q, { WaitTimeSeconds: 20, MaxNumberOfMessages: 3 }));
    expect(first).toBe('poll');
    expect(got).toHaveLength(3);
    const rest = await receive(q, { MaxNumberOfMessages: 10 });
    expect(bodies([...got, ...rest])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await receive(q)).toEqual([]);
  });

  it('answers a receive with WaitTimeSeconds 0 on an empty queue empty, before a wait elsewhere is over', async () => {
    const q = await queue();
    const { first, got } = await emptyWait(1).answersBefore(receive(q, { WaitTimeSeconds: 0 }));
    expect(first).toBe('poll');
    expect(got).toEqual([]);
  });

  it('gives a batch sent to waiting receivers to them without loss or duplicates, each at most its MaxNumberOfMessages', async () => {
    const q = await queue();
    const polls = [receive(q, { WaitTimeSeconds: 20, MaxNumberOfMessages: 4 }), receive(q, { WaitTimeSeconds: 20, MaxNumberOfMessages: 4 })];
    const sent = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: q, Entries: sent.map((b, i) => ({ Id: String(i), MessageBody: b })) }));
    const got = await Promise.all(polls);
    for (const g of got) expect(g.length).toBeLessThanOrEqual(4);
    const rest = await receive(q, { MaxNumberOfMessages: 10 });
    expect(bodies([...got.flat(), ...rest])).toEqual(sent);
  });

  it('gives one message to one of two waiting receivers; the other keeps waiting and gets the next', async () => {
    const q = await queue();
    const polls = [receive(q, { WaitTimeSeconds: 20 }), receive(q, { WaitTimeSeconds: 20 })];
    await send(q, 'first');
    const one = await Promise.race(polls);
    expect(bodies(one)).toEqual(['first']);
    await send(q, 'second');
    const both = await Promise.all(polls);
    expect(both.map(bodies).sort()).toEqual([['first'], ['second']]);
  });

  it('hides a received message for its visibility timeout, then wakes a waiting receiver with it (its second receive)', async () => {
    const q = await queue();
    await send(q, 'again');
    const [taken] = await receive(q, { VisibilityTimeout: 1 });
    expect(taken?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await receive(q, { WaitTimeSeconds: 0 })).toEqual([]);
    const { first, got } = await emptyWait(8).answersBefore(receive(q, { WaitTimeSeconds: 20 }));
    expect(first).toBe('poll');
    expect(got.map((m) => [m.Body, m.MessageId, m.Attributes?.ApproximateReceiveCount])).toEqual([['again', taken?.MessageId, '2']]);
  });

  it('wakes a waiting receiver when a message’s visibility is changed to 0, without counting the change as a receive', async () => {
    const q = await queue();
    await send(q, 'released');
    const [taken] = await receive(q, { VisibilityTimeout: 30 });
    const waiting = receive(q, { WaitTimeSeconds: 20 });
    const wait = emptyWait(3);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: q, ReceiptHandle: taken?.ReceiptHandle, VisibilityTimeout: 0 }));
    const { first, got } = await wait.answersBefore(waiting);
    expect(first).toBe('poll');
    expect(got.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['released', '2']]);
  });

  it('holds a delayed message back until its delay is over, then wakes a waiting receiver with it', async () => {
    const q = await queue();
    await send(q, 'later', 1);
    await send(q, 'now');
    expect(bodies(await receive(q, { MaxNumberOfMessages: 10 }))).toEqual(['now']);
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
    expect(attributes.Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
    const { first, got } = await emptyWait(8).answersBefore(receive(q, { WaitTimeSeconds: 20 }));
    expect(first).toBe('poll');
    expect(bodies(got)).toEqual(['later']);
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue, waking a receiver waiting there', async () => {
    const dlqName = `dlq-${randomUUID()}`;
    const dlq = await queue({}, dlqName);
    const q = await queue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${dlqName}`, maxReceiveCount: 2 }),
    });
    await send(q, 'poison');
    const dead = receive(dlq, { WaitTimeSeconds: 20 });
    const counts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const [m] = await receive(q, { WaitTimeSeconds: 20, VisibilityTimeout: 1 });
      counts.push(m?.Attributes?.ApproximateReceiveCount ?? '');
    }
    expect(counts).toEqual(['1', '2']);
    expect(bodies(await dead)).toEqual(['poison']);
    expect(await receive(q, { WaitTimeSeconds: 0 })).toEqual([]);
  });

  it('delivers a FIFO queue’s messages of one group in the order sent', async () => {
    const q = await queue({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }, `fifo-${randomUUID()}.fifo`);
    for (const b of ['1', '2', '3']) await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: b, MessageGroupId: 'g' }));
    expect((await receive(q, { MaxNumberOfMessages: 10 })).map((m) => m.Body)).toEqual(['1', '2', '3']);
  });
});
