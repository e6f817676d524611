/**
 * Sending JSON to ndx queues by name. Queue URLs are looked up once per process and cached.
 *
 * Sends made together (the records of one batch reaching their reply or forward at the same time)
 * leave in one `SendMessageBatch` per queue (see coalesce.ts); a lone send stays a `SendMessage`.
 * A batch holds at most 10 entries and 256 KiB, SQS's limits.
 */
import { GetQueueUrlCommand, SendMessageBatchCommand, SendMessageCommand, type SendMessageBatchCommandOutput, type SQSClient } from '@aws-sdk/client-sqs';
import { Coalescer, CoalescerMap } from './coalesce.ts';

export const SQS_BATCH_ENTRIES = 10;
export const SQS_BATCH_BYTES = 256 * 1024;

/** An entry SQS refused inside a SendMessageBatch; its caller's step fails and is retried. */
export class SendEntryFailedError extends Error {
  override readonly name = 'SendEntryFailedError';
  readonly code: string;
  readonly senderFault: boolean;
  constructor(code: string, message: string, senderFault: boolean) {
    super(`SQS refused the message (${code}): ${message}`);
    this.code = code;
    this.senderFault = senderFault;
  }
}

/** Splits bodies, in order, into runs of at most 10 entries and 256 KiB. */
export function sendGroups(bodies: readonly string[]): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  bodies.forEach((body, i) => {
    const size = Buffer.byteLength(body, 'utf8');
    if (current.length > 0 && (current.length >= SQS_BATCH_ENTRIES || bytes + size > SQS_BATCH_BYTES)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

export class Queues {
  private readonly sqs: SQSClient;
  private readonly urls = new Map<string, Promise<string>>();
  private readonly sends: CoalescerMap<string, string>;

  constructor(sqs: SQSClient) {
    this.sqs = sqs;
    this.sends = new CoalescerMap((url) => new Coalescer((bodies) => this.sendAll(url, bodies), SQS_BATCH_ENTRIES));
  }

  url(name: string): Promise<string> {
    let url = this.urls.get(name);
    if (!url) {
      url = this.sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((o) => {
        if (!o.QueueUrl) throw new Error(`queue ${name} has no URL`);
        return o.QueueUrl;
      });
      url.catch(() => this.urls.delete(name));
      this.urls.set(name, url);
    }
    return url;
  }

  /** Sends one JSON message; resolves to its SQS message id once SQS has it. */
  async sendJson(queueName: string, body: unknown): Promise<string> {
    const url = await this.url(queueName);
    return this.sends.submit(url, JSON.stringify(body));
  }

  private async sendAll(queueUrl: string, bodies: readonly string[]): Promise<Array<string | Error>> {
    const results: Array<string | Error> = new Array<string | Error>(bodies.length);
    await Promise.all(
      sendGroups(bodies).map(async (group) => {
        const [only, ...others] = group;
        if (only !== undefined && others.length === 0) {
          try {
            results[only] = (await this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: bodies[only] }))).MessageId ?? '';
          } catch (error) {
            results[only] = error instanceof Error ? error : new Error(String(error));
          }
          return;
        }
        let out: SendMessageBatchCommandOutput;
        try {
          out = await this.sqs.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: group.map((i) => ({ Id: String(i), MessageBody: bodies[i] })) }),
          );
        } catch (error) {
          for (const i of group) results[i] = error instanceof Error ? error : new Error(String(error));
          return;
        }
        for (const s of out.Successful ?? []) results[Number(s.Id)] = s.MessageId ?? '';
        for (const f of out.Failed ?? [])
          results[Number(f.Id)] = new SendEntryFailedError(f.Code ?? 'Unknown', f.Message ?? 'no message', f.SenderFault ?? false);
        for (const i of group) results[i] ??= new Error('SendMessageBatch reported neither success nor failure for the entry');
      }),
    );
    return results;
  }
}
