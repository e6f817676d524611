/**
 * The reply mailbox's wait (aws/reply-mailbox.ts): a caller waiting through one mailbox instance is woken
 * at once by a delivery through another instance on the same table in the same process (locally, the
 * HTTP API and the adapters run in one process), not by its next poll. Fake timers: no poll ever fires.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplyMailbox } from '../../aws/reply-mailbox.ts';
import { newReplyKey } from '../../domain/lookup/mailbox.ts';
import type { LookupReply } from '../../contracts/protocol.ts';

/** A document client over one in-memory table: Get, Put and Update (the mailbox's three calls). */
function memoryDoc() {
  const items = new Map<string, Record<string, unknown>>();
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const input = command.input as { Key?: { slot: string }; Item?: Record<string, unknown>; ExpressionAttributeValues?: Record<string, unknown> };
    const name = command.constructor.name;
    if (name === 'GetCommand') return { Item: items.get(String(input.Key?.slot)) };
    if (name === 'PutCommand') {
      items.set(String(input.Item?.slot), { ...input.Item });
      return {};
    }
    if (name === 'UpdateCommand') {
      const v = input.ExpressionAttributeValues ?? {};
      const slot = String(input.Key?.slot);
      items.set(slot, { ...items.get(slot), slot, sealed: v[':sealed'], state: v[':state'], consumer: v[':consumer'], requestId: v[':requestId'] });
      return {};
    }
    throw new Error(`unexpected ${name}`);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

const reply: LookupReply = { requestId: 'r-1', status: 'OK', code: 'OK', message: 'ok', repliedAt: '2026-11-29T10:00:00.000Z' };

describe('the reply mailbox’s wait', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is woken by a delivery through another mailbox instance on the same table, without a poll', async () => {
    const doc = memoryDoc();
    const { route } = newReplyKey();
    const api = new ReplyMailbox(doc, 'ndx-reply-mailbox');
    const adapter = new ReplyMailbox(doc, 'ndx-reply-mailbox');
    await api.open(route, 'hanoi-land-office', 'r-1');
    let settled: unknown;
    const waiting = api.waitFor('hanoi-land-office', route, 60_000).then((item) => {
      settled = item;
      return item;
    });
    // Let the first read happen and the wait go to sleep: no timer is ever advanced.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(settled).toBeUndefined();
    await adapter.deliver(route, 'hanoi-land-office', reply);
    expect(await waiting).toMatchObject({ consumer: 'hanoi-land-office', requestId: 'r-1', state: 'sealed' });
  });

  it('is not woken by a delivery to the same slot of another table', async () => {
    const doc = memoryDoc();
    const { route } = newReplyKey();
    const api = new ReplyMailbox(doc, 'ndx-reply-mailbox');
    const elsewhere = new ReplyMailbox(memoryDoc(), 'another-table');
    await api.open(route, 'hanoi-land-office', 'r-1');
    let settled = false;
    void api.waitFor('hanoi-land-office', route, 60_000).then(() => {
      settled = true;
    });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    await elsewhere.deliver(route, 'hanoi-land-office', reply);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(settled).toBe(false);
    // Its own table's delivery does.
    await new ReplyMailbox(doc, 'ndx-reply-mailbox').deliver(route, 'hanoi-land-office', reply);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(settled).toBe(true);
  });
});
