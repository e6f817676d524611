/**
 * What an agency does to use ndx, with nothing but the AWS SDK: send a LookupRequest to its
 * out-queue, and take the matching LookupReply from its in-queue (leaving other replies for
 * whoever waits for them).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { LookupReply, type LookupRequestInput } from '../contracts/protocol.ts';
import { IndicatorReply, type IndicatorRequestInput } from '../contracts/indicators/protocol.ts';
import { names } from '../config/names.ts';

export class NoReplyError extends Error {
  override readonly name = 'NoReplyError';
}

export class AgencyClient {
  private readonly sqs: SQSClient;
  readonly agency: string;
  private urls = new Map<string, string>();

  constructor(sqs: SQSClient, agency: string) {
    this.sqs = sqs;
    this.agency = agency;
  }

  private async url(name: string): Promise<string> {
    const known = this.urls.get(name);
    if (known) return known;
    const url = (await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    if (!url) throw new Error(`no URL for queue ${name}`);
    this.urls.set(name, url);
    return url;
  }

  /** Sends a request (or any body, for tests of bad input); returns the SQS message id. */
  async send(request: LookupRequestInput | IndicatorRequestInput | string): Promise<string> {
    const body = typeof request === 'string' ? request : JSON.stringify(request);
    const out = await this.sqs.send(new SendMessageCommand({ QueueUrl: await this.url(names.agencyOutQueue(this.agency)), MessageBody: body }));
    return out.MessageId ?? '';
  }

  /**
   * Waits for the reply whose requestId (or, for unreadable requests, receivedMessageId) matches.
   * Replies that belong to someone else are made visible again at once.
   */
  async awaitReply(match: { requestId?: string; messageId?: string }, timeoutMs = 30_000, onTick?: () => void): Promise<LookupReply> {
    return this.awaitMatching(
      (json) => {
        const parsed = LookupReply.safeParse(json);
        const reply = parsed.success ? parsed.data : undefined;
        return reply && ((match.requestId && reply.requestId === match.requestId) || (match.messageId && reply.receivedMessageId === match.messageId))
          ? reply
          : undefined;
      },
      timeoutMs,
      onTick,
    );
  }

  /** Waits for the IndicatorReply to `requestId` (replies to lookups and other requests are left for others). */
  awaitIndicatorReply(requestId: string, timeoutMs = 30_000, onTick?: () => void): Promise<IndicatorReply> {
    return this.awaitMatching(
      (json) => {
        const parsed = IndicatorReply.safeParse(json);
        return parsed.success && parsed.data.requestId === requestId ? parsed.data : undefined;
      },
      timeoutMs,
      onTick,
    );
  }

  private async awaitMatching<T>(pick: (json: unknown) => T | undefined, timeoutMs: number, onTick?: () => void): Promise<T> {
    const queueUrl = await this.url(names.agencyInQueue(this.agency));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      onTick?.();
      const out = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: Math.min(1, Math.max(0, Math.floor((deadline - Date.now()) / 1000))),
        }),
      );
      const others: { Id: string; ReceiptHandle: string; VisibilityTimeout: number }[] = [];
      let found: T | undefined;
      for (const [i, m] of (out.Messages ?? []).entries()) {
        const mine = found === undefined ? pick(safeJson(m.Body)) : undefined;
        if (mine !== undefined) {
          found = mine;
          await this.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle ?? '' }));
        } else {
          others.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 });
        }
      }
      if (others.length) await this.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: others }));
      if (found !== undefined) return found;
    }
    throw new NoReplyError(`no reply within ${Math.round(timeoutMs / 1000)} s`);
  }

  async lookup(request: LookupRequestInput, timeoutMs?: number): Promise<LookupReply> {
    await this.send(request);
    return this.awaitReply({ requestId: request.requestId }, timeoutMs);
  }
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

/** RequestIds an inbox remembers as answered, so a reply delivered again is deleted rather than left to dead-letter. */
export const ANSWERED_KEPT = 10_000;

/** Receives one inbox keeps going at once: one per 10 replies waited for (a receive takes up to 10), at most this many. */
export const MAX_INBOX_RECEIVERS = 4;

/**
 * Receive loops for many lookups in flight: replies are handed to whoever waits for their requestId;
 * a reply for a requestId answered here before (the same reply delivered again: one requestId is one
 * answer) is deleted; replies nobody here waits for are made visible again at once. One loop per 10 replies waited for
 * (at most MAX_INBOX_RECEIVERS), and a loop receives again while the replies it took are deleted, so
 * a burst of replies is not read ten at a time in single file. For agencies that send many lookups
 * concurrently (batch jobs, the benchmark).
 */
export class ReplyInbox {
  private readonly sqs: SQSClient;
  private readonly agency: string;
  private readonly waiting = new Map<string, { resolve: (r: LookupReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private queueUrl: Promise<string> | undefined;
  /** Receive loops by slot (slot 0 runs until stop; the others while enough replies are waited for). */
  private readonly receivers = new Map<number, Promise<void>>();
  /** Deletes and visibility changes still under way (stop waits for them). */
  private readonly settling = new Set<Promise<unknown>>();
  /** The first failure of a loop or of a delete: stop() reports it. */
  private failure: unknown;
  /** The requestIds answered here lately (at most ANSWERED_KEPT, oldest forgotten first). */
  private readonly answered = new Set<string>();
  /** Wakes the receive loops idle with nothing waited for, when a reply is waited for (or the inbox stops). */
  private wake: (() => void) | undefined;
  private idle: Promise<void> | undefined;
  private stopping = false;

  constructor(sqs: SQSClient, agency: string) {
    this.sqs = sqs;
    this.agency = agency;
  }

  wait(requestId: string, timeoutMs = 60_000): Promise<LookupReply> {
    const reply = new Promise<LookupReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new NoReplyError(`no reply within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiting.set(requestId, { resolve, reject, timer });
    });
    this.rouse();
    for (let slot = 0; slot < this.wanted(); slot++) {
      if (this.receivers.has(slot)) continue;
      const loop = this.receive(slot)
        .catch((error: unknown) => {
          this.failure ??= error;
        })
        .finally(() => this.receivers.delete(slot));
      this.receivers.set(slot, loop);
    }
    return reply;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.rouse();
    await Promise.all([...this.receivers.values()]);
    await Promise.all([...this.settling]);
    for (const [, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new NoReplyError('inbox stopped'));
    }
    this.waiting.clear();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Loops wanted for the replies waited for now. */
  private wanted(): number {
    return Math.min(MAX_INBOX_RECEIVERS, Math.max(1, Math.ceil(this.waiting.size / 10)));
  }

  private async receive(slot: number): Promise<void> {
    this.queueUrl ??= this.sqs.send(new GetQueueUrlCommand({ QueueName: names.agencyInQueue(this.agency) })).then(({ QueueUrl }) => {
      if (!QueueUrl) throw new Error(`no URL for queue ${names.agencyInQueue(this.agency)}`);
      return QueueUrl;
    });
    const queueUrl = await this.queueUrl;
    while (!this.stopping && (slot === 0 || slot < this.wanted())) {
      if (this.waiting.size === 0) {
        // Nothing waited for: idle until something is (no receive, and no delay when it comes).
        this.idle ??= new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        await this.idle;
        continue;
      }
      const out = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const done: { Id: string; ReceiptHandle: string }[] = [];
      const others: { Id: string; ReceiptHandle: string; VisibilityTimeout: number }[] = [];
      for (const [i, m] of (out.Messages ?? []).entries()) {
        const parsed = LookupReply.safeParse(safeJson(m.Body));
        const requestId = parsed.success ? parsed.data.requestId : null;
        const w = requestId ? this.waiting.get(requestId) : undefined;
        if (parsed.success && requestId && w) {
          this.waiting.delete(requestId);
          clearTimeout(w.timer);
          w.resolve(parsed.data);
          this.answered.add(requestId);
          if (this.answered.size > ANSWERED_KEPT) this.answered.delete(this.answered.values().next().value ?? '');
          done.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' });
        } else if (requestId && this.answered.has(requestId)) {
          done.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' });
        } else {
          others.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 });
        }
      }
      // Settled in the background: the next receive need not wait for them.
      if (done.length) this.settle(this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done })));
      if (others.length) this.settle(this.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: others })));
    }
  }

  /** Ends the loops' idle wait. */
  private rouse(): void {
    const wake = this.wake;
    this.wake = undefined;
    this.idle = undefined;
    wake?.();
  }

  private settle(call: Promise<unknown>): void {
    const tracked = call.catch((error: unknown) => {
      this.failure ??= error;
    });
    this.settling.add(tracked);
    void tracked.finally(() => this.settling.delete(tracked));
  }
}
