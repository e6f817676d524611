/** DynamoDB's sizing as local/metering.ts applies it: item sizes and index entries (the budgets and the benchmark rely on them). */
import { describe, expect, it } from 'vitest';
import { indexEntry, itemSize } from '../../local/metering.ts';

describe('itemSize', () => {
  it('counts attribute names and values by DynamoDB’s rules', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ n: { S: 'đ' } })).toBe(1 + 2); // UTF-8 bytes
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4); // 5 digits: ⌈5/2⌉ + 1
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(1 + 1 + 1 + 1);
    expect(itemSize({ l: { L: [{ S: 'ab' }, { S: 'c' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ m: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + (1 + 1 + 1));
  });
});

describe('indexEntry', () => {
  const table = { keys: ['pk', 'sk'], indexes: [] };
  const item = { pk: { S: 'p' }, sk: { S: 's' }, subjectHash: { S: 'h' }, at: { S: 't' }, big: { S: 'x'.repeat(900) } };
  it('copies every attribute, the keys only, or the keys and the included ones', () => {
    expect(indexEntry(item, table, { name: 'i', keys: ['subjectHash', 'at'], projection: 'ALL', include: [] })).toEqual(item);
    expect(indexEntry(item, table, { name: 'i', keys: ['subjectHash', 'at'], projection: 'KEYS_ONLY', include: [] })).toEqual({
      pk: { S: 'p' },
      sk: { S: 's' },
      subjectHash: { S: 'h' },
      at: { S: 't' },
    });
    expect(Object.keys(indexEntry(item, table, { name: 'i', keys: ['subjectHash'], projection: 'INCLUDE', include: ['big'] }) ?? {}).sort()).toEqual([
      'big',
      'pk',
      'sk',
      'subjectHash',
    ]);
  });
  it('has no entry for an item without the index’s keys (a sparse index)', () => {
    expect(
      indexEntry({ pk: { S: 'p' }, sk: { S: 's' } }, table, { name: 'i', keys: ['subjectHash', 'at'], projection: 'KEYS_ONLY', include: [] }),
    ).toBeUndefined();
  });
});
