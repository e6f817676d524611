/** The agency's reply inbox (cli/agency-client.ts) against the local engine's queues: many replies in flight at once. */
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INBOX_RECEIVERS, ReplyInbox } from '../../cli/agency-client.ts';
import { sqsClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import type { LookupReply } from '../../contracts/protocol.ts';
import { type Harness, startHarness } from './support.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ count: 300 });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const agency = 'demo-commercial-bank';
const replyTo = (requestId: string): LookupReply => ({
  requestId,
  status: 'NOT_FOUND',
  code: 'SUBJECT_NOT_FOUND',
  message: 'No record for this subject.',
  repliedAt: new Date().toISOString(),
});

describe('ReplyInbox', () => {
  it('hands each of many replies to its waiter, deletes them, and leaves replies nobody waits for on the queue', async () => {
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.agencyInQueue(agency) }));
    if (!QueueUrl) throw new Error('no in-queue');
    // More replies than one receiver takes in a round, so several receivers take part.
    const ids = Array.from({ length: MAX_INBOX_RECEIVERS * 10 + 5 }, () => randomUUID());
    const stranger = randomUUID();
    const inbox = new ReplyInbox(sqs, agency);
    const waiting = ids.map((id) => inbox.wait(id, 30_000));
    const bodies = [...ids, stranger].map((id) => JSON.stringify(replyTo(id)));
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })) }));
    }
    const replies = await Promise.all(waiting);
    expect(replies.map((r) => r.requestId)).toEqual(ids);
    await inbox.stop();
    // The awaited replies are deleted; the one nobody waited for is not (it stays on the queue, or its dead-letter queue
    // once receives past the redrive limit have passed it by).
    const count = async (queueName: string) => {
      const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
      const { Attributes: a } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(a?.ApproximateNumberOfMessages ?? 0) + Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0);
    };
    const queue = names.agencyInQueue(agency);
    expect((await count(queue)) + (await count(names.deadLetterQueue(queue)))).toBe(1);
  }, 60_000);

  it('deletes a reply delivered again for a requestId it answered (one requestId is one answer), without waiting for it', async () => {
    const sqs = sqsClient();
    // An agency whose in-queue no other test uses: the count at the end is this test's alone.
    const quiet = 'government-office';
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.agencyInQueue(quiet) }));
    if (!QueueUrl) throw new Error('no in-queue');
    const id = randomUUID();
    const inbox = new ReplyInbox(sqs, quiet);
    const body = JSON.stringify(replyTo(id));
    const first = inbox.wait(id, 30_000);
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '0', MessageBody: body }] }));
    expect((await first).requestId).toBe(id);
    // The same reply again (the platform delivered it twice), while the inbox waits for another.
    const other = randomUUID();
    const second = inbox.wait(other, 30_000);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: '0', MessageBody: body },
          { Id: '1', MessageBody: JSON.stringify(replyTo(other)) },
        ],
      }),
    );
    expect((await second).requestId).toBe(other);
    await inbox.stop();
    const { Attributes: a } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Number(a?.ApproximateNumberOfMessages ?? 0) + Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0)).toBe(0);
  }, 60_000);

  it('rejects the replies still awaited when stopped', async () => {
    const inbox = new ReplyInbox(sqsClient(), agency);
    const waiting = inbox.wait(randomUUID(), 30_000);
    await inbox.stop();
    await expect(waiting).rejects.toThrow('inbox stopped');
  }, 30_000);
});
