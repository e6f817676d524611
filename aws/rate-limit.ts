/**
 * Per-agency, per-contract rate limits: a fixed one-minute window counted in DynamoDB with one
 * conditional update (no read-modify-write race). A window allows at most the limit; across a window
 * boundary a burst of up to twice the limit is possible, a known property of fixed windows that keeps
 * the check to one write.
 *
 * Takes made together for the same window (the records of one batch, see coalesce.ts) are counted
 * with one update of `n`, allowed when all `n` fit; when they do not, each is taken on its own, so
 * exactly as many as fit are allowed.
 *
 * A pair whose limit is more than one item can take (config/limits.ts `rateLimitShards`: above 500
 * writes/s, i.e. 30,000 a minute) is counted in several items, each allowing its share of the limit
 * (the shares sum to the limit). A take tries the shards in turn from a rotating start and is refused
 * only when every shard is full, so exactly as many as the limit allows are allowed, never more. The
 * start moves once per turn of the event loop, not once per take: the takes of one batch start on the
 * same shard and are counted there with one update, and the next batch starts on the next shard.
 */
import { UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { Coalescer, CoalescerMap } from './coalesce.ts';
import { isConditionalFailure } from './dynamo-errors.ts';
import { rateLimitShareOf, rateLimitShards } from '../config/limits.ts';

export const WINDOW_MS = 60_000;

interface Window {
  pk: string;
  perMinute: number;
  expiresAt: number;
}

export interface RateLimiterOptions {
  /** Items a window of `perMinute` is counted in. @default rateLimitShards (config/limits.ts) */
  shardsFor?: (perMinute: number) => number;
}

/**
 * The one write of a take: adds `n` to the count of the window item at `key` if the count stays within
 * `perMinute`, and sets when the item expires (epoch seconds) if it has not been set.
 */
export function takeUpdate(table: string, key: Record<string, string>, n: number, perMinute: number, expiresAt: number): UpdateCommandInput {
  return {
    TableName: table,
    Key: key,
    UpdateExpression: 'ADD #count :n SET #expires = if_not_exists(#expires, :expires)',
    ConditionExpression: 'attribute_not_exists(#count) OR #count <= :max',
    ExpressionAttributeNames: { '#count': 'count', '#expires': 'expiresAt' },
    ExpressionAttributeValues: { ':n': n, ':max': perMinute - n, ':expires': expiresAt },
  };
}

export class RateLimiter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly takes: CoalescerMap<Window, boolean>;
  private readonly shardsFor: (perMinute: number) => number;
  /** Where sharded takes start: the same shard for every take of one turn of the event loop, the next one at the next turn. */
  private turn = 0;
  private turnEnding = false;

  constructor(doc: DynamoDBDocumentClient, table: string, options: RateLimiterOptions = {}) {
    this.doc = doc;
    this.table = table;
    this.shardsFor = options.shardsFor ?? ((perMinute) => rateLimitShards(perMinute));
    // One update carries at most 100 takes (a batch of 10 records, ten times over).
    this.takes = new CoalescerMap(() => new Coalescer((windows) => this.takeAll(windows), 100));
  }

  /** Takes one lookup from the agency's allowance for the contract; false when the window is full. */
  async take(agency: string, contract: string, perMinute: number, now: Date = new Date()): Promise<boolean> {
    const window = Math.floor(now.getTime() / WINDOW_MS);
    const pk = `${agency}#${contract}#${window}`;
    const expiresAt = Math.ceil(((window + 2) * WINDOW_MS) / 1000);
    const shards = this.shardsFor(perMinute);
    if (shards <= 1) return this.takes.submit(`${pk}|${perMinute}`, { pk, perMinute, expiresAt });
    const first = this.startOfTurn() % shards;
    for (let i = 0; i < shards; i++) {
      const shard = (first + i) % shards;
      const share = rateLimitShareOf(perMinute, shard, shards);
      if (share > 0 && (await this.takes.submit(`${pk}#${shard}|${share}`, { pk: `${pk}#${shard}`, perMinute: share, expiresAt }))) return true;
    }
    return false;
  }

  /** The turn's start (see `turn`); moves on once the event loop has handled this turn's takes. */
  private startOfTurn(): number {
    if (!this.turnEnding) {
      this.turnEnding = true;
      setImmediate(() => {
        this.turn++;
        this.turnEnding = false;
      });
    }
    return this.turn;
  }

  private async takeAll(windows: readonly Window[]): Promise<Array<boolean | Error>> {
    // The coalescer groups takes by window, so all of them are for the first one's window.
    const [w] = windows;
    if (w === undefined) return [];
    try {
      if (windows.length > 1 && w.perMinute >= windows.length && (await this.add(w, windows.length))) return windows.map(() => true);
      // Not all fit (or one alone): take them one by one, so that exactly those that fit are allowed.
      // A window's count only grows, so once one is refused, so are the rest.
      const out: boolean[] = [];
      let open = true;
      for (let i = 0; i < windows.length; i++) {
        if (open) open = await this.add(w, 1);
        out.push(open);
      }
      return out;
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return windows.map(() => e);
    }
  }

  /** Adds `n` to the window's count if the count stays within the limit; false when it would not. */
  private async add(w: Window, n: number): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(takeUpdate(this.table, { pk: w.pk }, n, w.perMinute, w.expiresAt)));
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }
}
