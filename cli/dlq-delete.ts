/**
 * Removing dead letters for good, once understood (poison messages a redrive would only dead-letter
 * again): purge a dead-letter queue, or delete one message by its id. Only ndx's dead-letter queues.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageCommand, PurgeQueueCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { depth, requireQueueUrl, type Clients, type NdxQueue } from './ops-core.ts';

/** Purges the queue's dead-letter queue; returns how many messages it held. SQS allows one purge per queue a minute. */
export async function purgeDeadLetters(clients: Clients, q: NdxQueue): Promise<{ deadLetterQueue: string; purged: number }> {
  const url = await requireQueueUrl(clients.sqs, q.deadLetterQueue);
  const d = await depth(clients.sqs, url);
  await clients.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  return { deadLetterQueue: q.deadLetterQueue, purged: d.visible + d.inFlight };
}

/**
 * Deletes one message of the queue's dead-letter queue by its SQS message id: receives until it is
 * found (the others are released at once), deletes it. false: no such message is visible there.
 */
export async function deleteDeadLetter(clients: Clients, q: NdxQueue, messageId: string): Promise<boolean> {
  const url = await requireQueueUrl(clients.sqs, q.deadLetterQueue);
  const held: Message[] = [];
  let found: Message | undefined;
  let empty = 0;
  try {
    while (!found && empty < 2) {
      const got = (await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: empty ? 1 : 0 }))).Messages ?? [];
      empty = got.length ? 0 : empty + 1;
      for (const m of got) {
        if (m.MessageId === messageId && !found) found = m;
        else held.push(m);
      }
    }
    if (found?.ReceiptHandle) await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: found.ReceiptHandle }));
  } finally {
    const handles = held.flatMap((m) => (m.ReceiptHandle ? [m.ReceiptHandle] : []));
    for (let i = 0; i < handles.length; i += 10) {
      await clients.sqs.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: handles.slice(i, i + 10).map((h, j) => ({ Id: String(j), ReceiptHandle: h, VisibilityTimeout: 0 })) }),
      );
    }
  }
  return found !== undefined;
}
