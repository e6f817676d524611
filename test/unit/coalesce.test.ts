import { describe, expect, it } from 'vitest';
import { Coalescer, CoalescerMap } from '../../aws/coalesce.ts';
import { keyId } from '../../aws/batch-get.ts';
import { SQS_BATCH_BYTES, sendGroups } from '../../aws/queues.ts';

/** A runner that records each batch it is given and answers every item doubled. */
function recorder() {
  const calls: number[][] = [];
  const run = async (items: readonly number[]) => {
    calls.push([...items]);
    return items.map((i) => i * 2);
  };
  return { calls, run };
}

describe('Coalescer (group commit)', () => {
  it('carries out requests made in the same turn of the event loop in one call, each caller getting its own result', async () => {
    const { calls, run } = recorder();
    const c = new Coalescer(run, 10);
    const out = await Promise.all([1, 2, 3].map((i) => c.submit(i)));
    expect(out).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('sends a lone request alone, without waiting for company', async () => {
    const { calls, run } = recorder();
    const c = new Coalescer(run, 10);
    expect(await c.submit(1)).toBe(2);
    expect(await c.submit(2)).toBe(4);
    expect(calls).toEqual([[1], [2]]);
  });

  it('never puts more than maxBatch items in one call', async () => {
    const { calls, run } = recorder();
    const c = new Coalescer(run, 4);
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => c.submit(i)));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(calls.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(calls.flat()).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('rejects only the callers whose items failed, and every caller when the whole call fails', async () => {
    const partial = new Coalescer<number, number>(async (items) => items.map((i) => (i === 2 ? new Error(`item ${i} refused`) : i)), 10);
    const settled = await Promise.allSettled([1, 2, 3].map((i) => partial.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'item 2 refused' });

    const broken = new Coalescer<number, number>(async () => {
      throw new Error('service unavailable');
    }, 10);
    const all = await Promise.allSettled([1, 2].map((i) => broken.submit(i)));
    expect(all.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'service unavailable')).toBe(true);
  });

  it('rejects a caller the runner gave no result for, rather than leaving it waiting', async () => {
    const short = new Coalescer<number, number>(async (items) => items.slice(0, 1), 10);
    const settled = await Promise.allSettled([1, 2].map((i) => short.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('keeps one batch per key', async () => {
    const calls: Array<[string, number[]]> = [];
    const map = new CoalescerMap<number, number>(
      (key) =>
        new Coalescer(async (items) => {
          calls.push([key, [...items]]);
          return items.map((i) => i);
        }, 10),
    );
    await Promise.all([map.submit('a', 1), map.submit('b', 2), map.submit('a', 3)]);
    expect(calls.sort()).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
  });

  it('forgets a key once its calls are done, so keys that come and go do not pile up', async () => {
    const map = new CoalescerMap<number, number>(() => new Coalescer(async (items) => items.map((i) => i), 10));
    await Promise.all(Array.from({ length: 50 }, (_, i) => map.submit(`window-${i}`, i)));
    expect(map.size).toBe(0);
    const pending = map.submit('open', 1);
    expect(map.size).toBe(1);
    await pending;
    await new Promise((r) => setImmediate(r));
    expect(map.size).toBe(0);
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => new Coalescer(async () => [], 0)).toThrow(RangeError);
  });
});

describe('sendGroups (SendMessageBatch limits)', () => {
  it('splits at 10 entries', () => {
    expect(sendGroups(Array.from({ length: 23 }, () => 'x')).map((g) => g.length)).toEqual([10, 10, 3]);
  });

  it('splits before 256 KiB in total, counting UTF-8 bytes, and keeps the order', () => {
    const big = 'đ'.repeat(50 * 1024); // 100 KiB in UTF-8
    const groups = sendGroups([big, big, 'small', big]);
    expect(groups).toEqual([[0, 1, 2], [3]]);
    for (const g of groups) expect(g.reduce((n, i) => n + Buffer.byteLength([big, big, 'small', big][i]!), 0)).toBeLessThanOrEqual(SQS_BATCH_BYTES);
  });

  it('gives an oversize message a group of its own (SQS then refuses it alone)', () => {
    const huge = 'x'.repeat(SQS_BATCH_BYTES + 1);
    expect(sendGroups(['a', huge, 'b'])).toEqual([[0], [1], [2]]);
  });
});

describe('keyId', () => {
  it('identifies a key whatever the order of its attributes', () => {
    expect(keyId({ pk: 'a', sk: 'b' })).toBe(keyId({ sk: 'b', pk: 'a' }));
    expect(keyId({ pk: 'a', sk: 'b' })).not.toBe(keyId({ pk: 'a', sk: 'c' }));
  });
});
