/**
 * The reply mailbox (DynamoDB, `ndx-reply-mailbox`): where a reply waits for a caller who asked over
 * HTTP. An item is keyed by the agency and the slot of the request's reply route (a digest of its
 * public key, domain/lookup/mailbox.ts); it holds the requestId, a state and, once answered, the reply
 * sealed to the route: ciphertext only, which nobody without the caller's key can open. Items expire
 * by TTL (MAILBOX_TTL_SECONDS).
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LookupReply } from '../contracts/protocol.ts';
import { type Mailbox, type MailboxItem, type ReplyRoute, SealedReply, sealReply, slotOf } from '../domain/lookup/mailbox.ts';
import { isConditionalFailure } from './dynamo-errors.ts';

/** How long a mailbox item lives: an hour to collect a reply; after that, resend (the resend protocol answers). */
export const MAILBOX_TTL_SECONDS = 3600;

const keyOf = (consumer: string, route: ReplyRoute) => `${consumer}#${slotOf(route)}`;

/**
 * Callers waiting in this process, by table and slot, whichever mailbox instance they wait through: a
 * delivery by any instance in the process (the router answering over HTTP; locally also the adapters,
 * which run in the engine's process) wakes them at once. Deliveries from other processes are found by
 * polling.
 */
const WAITERS = new Map<string, Set<() => void>>();

export class ReplyMailbox implements Mailbox {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly now: () => Date;

  constructor(doc: DynamoDBDocumentClient, table: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.table = table;
    this.now = now;
  }

  private expiresAt(): number {
    return Math.floor(this.now().getTime() / 1000) + MAILBOX_TTL_SECONDS;
  }

  /** Opens a slot for a request about to be routed (pending until its reply is delivered). */
  async open(route: ReplyRoute, consumer: string, requestId: string | null): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { slot: keyOf(consumer, route), consumer, requestId, state: 'pending', createdAt: this.now().toISOString(), expiresAt: this.expiresAt() },
        ConditionExpression: 'attribute_not_exists(slot)',
      }),
    );
  }

  /** Seals a reply into its slot; the first reply delivered stays (a redelivery changes nothing). */
  async deliver(route: ReplyRoute, consumer: string, reply: LookupReply): Promise<void> {
    const key = keyOf(consumer, route);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { slot: key },
          UpdateExpression: 'SET sealed = :sealed, #state = :state, consumer = :consumer, requestId = :requestId, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(sealed)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sealed': sealReply(reply, route, consumer),
            ':state': 'sealed',
            ':consumer': consumer,
            ':requestId': reply.requestId,
            ':expiresAt': this.expiresAt(),
          },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    for (const wake of WAITERS.get(`${this.table}#${key}`) ?? []) wake();
  }

  async read(consumer: string, route: ReplyRoute): Promise<MailboxItem | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { slot: keyOf(consumer, route) }, ConsistentRead: true }));
    const item = out.Item;
    if (!item || item.consumer !== consumer) return undefined;
    const requestId = typeof item.requestId === 'string' ? item.requestId : null;
    if (item.state === 'sealed') {
      const sealed = SealedReply.safeParse(item.sealed);
      if (sealed.success) return { consumer, requestId, state: 'sealed', sealed: sealed.data };
    }
    return { consumer, requestId, state: 'pending' };
  }

  /**
   * Reads the slot until its reply is there or `waitMs` has passed: woken at once by a delivery in this
   * process (by any mailbox instance on the table), otherwise polling with backoff (20 ms, growing to 250 ms).
   */
  async waitFor(consumer: string, route: ReplyRoute, waitMs: number): Promise<MailboxItem | undefined> {
    const key = `${this.table}#${keyOf(consumer, route)}`;
    const deadline = Date.now() + waitMs;
    let delay = 20;
    for (;;) {
      const item = await this.read(consumer, route);
      const left = deadline - Date.now();
      if (!item || item.state === 'sealed' || left <= 0) return item;
      await this.nap(key, Math.min(delay, left));
      delay = Math.min(Math.ceil(delay * 1.5), 250);
    }
  }

  private nap(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = WAITERS.get(key) ?? new Set<() => void>();
      WAITERS.set(key, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) WAITERS.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}
