/**
 * The router's records (aws/idempotency.ts `onceRecords`) on the local engine's DynamoDB: a forward
 * recorded in one write, an answer made in Powertools' step, each read by the other as its own.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../ndx.config.ts';
import { dynamoClient } from '../../aws/clients.ts';
import { idempotent, onceRecords } from '../../aws/idempotency.ts';
import { names } from '../../config/names.ts';
import type { KeyedRouteInput } from '../../domain/lookup/intake.ts';
import type { StageOutcome } from '../../domain/lookup/resend.ts';
import { type Engine, startEngine } from '../../local/engine.ts';
import { meter, type OperationCounts } from '../../local/metering.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine({ config, port: 0, logLevel: 'ERROR', runFunctions: false });
});
afterAll(async () => {
  await engine?.stop({ drainMs: 0 });
});

const table = () => names.idempotencyTable;
const input = (key: string, over: Partial<KeyedRouteInput> = {}) => ({ key, digest: 'digest-1', messageId: 'm-1', ...over }) as KeyedRouteInput;
const forwarded = (messageId = 'm-1'): StageOutcome => ({
  outcome: 'forwarded',
  messageId,
  registry: 'population',
  forward: { version: '1.0.0', basis: { kind: 'legal', id: 'b', instrument: 'i', article: 'a' }, subjectHash: 'h', requestDigest: 'digest-1' },
});
const answered = (messageId = 'm-1'): StageOutcome => ({
  outcome: 'answered',
  messageId,
  reply: { status: 'DENIED', code: 'RATE_LIMITED', auditId: 'a/1', repliedAt: '2026-11-29T00:00:00.000Z', digest: 'd' },
});

describe("the router's records", () => {
  it('records a forward in one write, and gives it back, replayed, to the next attempt under its key', async () => {
    const once = onceRecords(table(), 'ndx-router');
    const key = `hanoi-land-office:${randomUUID()}`;
    const counts: OperationCounts = new Map();
    meter(dynamoClient(), counts);
    expect(await once.record(input(key), forwarded())).toBeUndefined();
    expect([...counts]).toEqual([['client DynamoDB.PutItem', 1]]);
    // The same message again, or a resend: the record, for the resend protocol.
    expect(await once.record(input(key, { messageId: 'm-2' }), forwarded('m-2'))).toEqual({ ...forwarded(), replayed: true });
    // A step under the same key does not run: Powertools reads the record as its own.
    let ran = 0;
    const step = async () => {
      ran++;
      return answered();
    };
    expect(await once.run(input(key), step)).toEqual({ ...forwarded(), replayed: true });
    expect(ran).toBe(0);
  });

  it('tells a different request under a used key apart', async () => {
    const once = onceRecords(table(), 'ndx-router');
    const key = `hanoi-land-office:${randomUUID()}`;
    await once.record(input(key), forwarded());
    const reused = await once.record(input(key, { digest: 'other' }), forwarded()).catch((e: unknown) => e);
    expect(once.isReused(reused)).toBe(true);
    const reusedRun = await once.run(input(key, { digest: 'other' }), async () => answered()).catch((e: unknown) => e);
    expect(once.isReused(reusedRun)).toBe(true);
  });

  it('writes the item a Powertools step of an earlier version reads, under the same hashed key', async () => {
    const once = onceRecords(table(), 'ndx-router');
    const key = `hanoi-land-office:${randomUUID()}`;
    await once.record(input(key), forwarded());
    // The router's step as it was built before (key and digest at the input's top level).
    const earlier = idempotent<KeyedRouteInput>(table(), 'ndx-router', async () => answered());
    expect(await earlier.run(input(key))).toEqual({ ...forwarded(), replayed: true });
  });

  it('reads an answer made in the step, and refuses to record over one in progress', async () => {
    const once = onceRecords(table(), 'ndx-router');
    const key = `hanoi-land-office:${randomUUID()}`;
    expect(await once.run(input(key), async () => answered())).toEqual(answered());
    expect(await once.record(input(key, { messageId: 'm-2' }), forwarded('m-2'))).toEqual({ ...answered(), replayed: true });

    const busy = `hanoi-land-office:${randomUUID()}`;
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const running = once.run(input(busy), async () => {
      await held;
      return answered();
    });
    // The step's record is in progress until it ends.
    let inProgress: unknown;
    for (let i = 0; i < 50 && inProgress === undefined; i++) {
      inProgress = await once.record(input(busy), forwarded()).then(
        () => undefined,
        (e: unknown) => (once.isInProgress(e) ? e : undefined),
      );
    }
    expect(once.isInProgress(inProgress)).toBe(true);
    release();
    expect(await running).toEqual(answered());
  });

  it('keeps codes and digests only, for the request-id window', async () => {
    const once = onceRecords(table(), 'ndx-router');
    const key = `hanoi-land-office:${randomUUID()}`;
    await once.record(input(key), forwarded());
    const { createHash } = await import('node:crypto');
    const id = `ndx-router#${createHash('md5').update(JSON.stringify(key)).digest('base64')}`;
    const item = (await dynamoClient().send(new GetItemCommand({ TableName: table(), Key: { id: { S: id } }, ConsistentRead: true }))).Item;
    const stored = unmarshall(item ?? {});
    expect(Object.keys(stored).sort()).toEqual(['data', 'expiration', 'id', 'status', 'validation']);
    expect(stored.status).toBe('COMPLETED');
    expect(stored.data).toEqual(forwarded());
    expect(stored.expiration - Date.now() / 1000).toBeGreaterThan(15 * 24 * 3600 - 60);
  });
});
