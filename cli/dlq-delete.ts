/**
 * Removing dead letters for good, once understood (poison messages a redrive would only dead-letter
 * again): purge a dead-letter queue, or delete one message by its id. Only ndx's dead-letter queues.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, DeleteMessageCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { requireQueueUrl, type Clients, type NdxQueue } from '../aws/operations.ts';

/**
 * Empties the queue's dead-letter queue by receiving and deleting every message (the operator role
 * may receive and delete, not PurgeQueue; and SQS's purge takes up to a minute). Returns how many
 * were deleted.
 */
export async function purgeDeadLetters(clients: Clients, q: NdxQueue): Promise<{ deadLetterQueue: string; purged: number }> {
  const url = await requireQueueUrl(clients.sqs, q.deadLetterQueue);
  let purged = 0;
  let empty = 0;
  while (empty < 2) {
    const got =
      (await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: empty ? 1 : 0 })))
        .Messages ?? [];
    const handles = got.flatMap((m) => (m.ReceiptHandle ? [m.ReceiptHandle] : []));
    empty = handles.length ? 0 : empty + 1;
    if (!handles.length) continue;
    const out = await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }));
    purged += out.Successful?.length ?? 0;
  }
  return { deadLetterQueue: q.deadLetterQueue, purged };
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
      const got =
        (await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: empty ? 1 : 0 })))
          .Messages ?? [];
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
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: handles.slice(i, i + 10).map((h, j) => ({ Id: String(j), ReceiptHandle: h, VisibilityTimeout: 0 })),
        }),
      );
    }
  }
  return found !== undefined;
}
