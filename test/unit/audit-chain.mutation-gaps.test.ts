/**
 * The audit chain at its exact limits (domain/audit/chain.ts, anchor.ts, citizen-view.ts): a chain that
 * ends exactly at its anchored head, misplaced records, partition names, anchors across day ranges, and
 * hides that end at the exact instant.
 */
import { describe, expect, it } from 'vitest';
import { anchoredHeads, anchorOf, anchorRange, nextAnchor, type AuditAnchor } from '../../domain/audit/anchor.ts';
import {
  CHAIN_PREFIX,
  ChainVerifier,
  chainPk,
  genesisHash,
  linkRecord,
  parsePartition,
  partitionName,
  recordHash,
  seqKey,
  shardOf,
  utcDay,
  verifyChain,
} from '../../domain/audit/chain.ts';
import { citizenTrail } from '../../domain/audit/citizen-view.ts';

const P = 'population#2026-11-23#3';

function chain(n: number, partition = P): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  let prevHash = genesisHash(partition);
  for (let seq = 1; seq <= n; seq++) {
    const item: Record<string, unknown> = linkRecord(
      { kind: 'lookup', auditId: `a/${seq}`, at: '2026-11-23T10:00:00.000Z', fields: [] },
      { partition, seq, prevHash },
    );
    items.push(item);
    prevHash = String(item.hash);
  }
  return items;
}

function at(items: Array<Record<string, unknown>>, i: number): Record<string, unknown> {
  const item = items[i];
  if (!item) throw new Error(`no item ${i}`);
  return item;
}

describe('verification against an anchor', () => {
  it('accepts a chain that ends exactly at its anchored head', () => {
    const items = chain(3);
    const head = { seq: 3, hash: String(at(items, 2).hash) };
    const report = verifyChain(P, items, head);
    expect(report.broken).toBeUndefined();
    expect(report).toEqual({ partition: P, records: 3, head, anchored: head });
  });

  it('reports a chain one record short of its anchor as truncated, counting what is gone', () => {
    const items = chain(3);
    const report = verifyChain(P, items.slice(0, 2), { seq: 3, hash: String(at(items, 2).hash) });
    expect(report.broken).toEqual({
      seq: 3,
      kind: 'truncated',
      message: 'the chain ends at seq 2 but was anchored at seq 3: 1 or more records are gone from its end',
    });
  });

  it('reports a partition emptied below its anchor as truncated from seq 1', () => {
    const report = verifyChain(P, [], { seq: 2, hash: 'h' });
    expect(report.broken).toMatchObject({ seq: 1, kind: 'truncated' });
    expect(report).not.toHaveProperty('head');
  });

  it('reports a different record at the anchored seq as rewritten, and nothing before it', () => {
    const items = chain(3);
    const report = verifyChain(P, items, { seq: 2, hash: 'f'.repeat(64) });
    expect(report.broken).toEqual({
      seq: 2,
      kind: 'rewritten',
      message: `the record at seq 2 is not the one anchored (hash ${'f'.repeat(16)}…): the chain was rebuilt`,
    });
    expect(report.head).toEqual({ seq: 1, hash: at(items, 0).hash });
  });
});

describe('misplaced records', () => {
  /** The first record of P, rewritten to claim another place, and hashed again so only its place is wrong. */
  function relinked(over: Record<string, unknown>): Array<Record<string, unknown>> {
    const { hash: _h, ...body } = at(chain(1), 0);
    const moved = { ...body, ...over };
    return [{ ...moved, hash: recordHash(moved) }];
  }

  it.each([
    ['another seq', { seq: 2 }],
    ['another partition', { partition: 'population#2026-11-23#4' }],
    ['another key', { pk: `${CHAIN_PREFIX}population#2026-11-23#4` }],
  ])('reports a record that says it belongs at %s', (_what, over) => {
    const report = verifyChain(P, relinked(over));
    expect(report.broken?.kind).toBe('misplaced');
    expect(report.broken?.seq).toBe(1);
    expect(report.broken?.message).toMatch(/^the record says it belongs at population#2026-11-23#\d seq \d$/);
  });

  it('stops at the first break: later items are not read', () => {
    const v = new ChainVerifier(P);
    const items = chain(3);
    expect(v.add(at(items, 1))).toBe(false);
    expect(v.add(at(items, 0))).toBe(false);
    expect(v.report().records).toBe(1);
  });
});

describe('gaps in seq', () => {
  it('says one record is missing, or how many', () => {
    const items = chain(4);
    expect(verifyChain(P, [at(items, 0), at(items, 2)]).broken?.message).toBe('expected seq 2, found 3: a record is missing (deleted)');
    expect(verifyChain(P, [at(items, 0), at(items, 3)]).broken?.message).toBe('expected seq 2, found 4: 2 records are missing (deleted)');
  });

  it('names a sort key that is not a number', () => {
    const item = { ...at(chain(1), 0), sk: 'x1' };
    expect(verifyChain(P, [item]).broken).toEqual({ seq: 1, kind: 'seq-gap', message: 'expected seq 1, found a record with sort key "x1"' });
    expect(verifyChain(P, [{ ...item, sk: '1x' }]).broken?.kind).toBe('seq-gap');
  });

  it('says how a prevHash breaks', () => {
    const items = chain(3);
    expect(verifyChain(P, [at(items, 0), { ...at(items, 1), prevHash: 'x' }]).broken).toEqual({
      seq: 2,
      kind: 'prev-hash-mismatch',
      message: "it does not link to seq 1: its prevHash is not that record's hash (reordered or replaced)",
    });
  });
});

describe('partition names', () => {
  it('round-trip scope, day and shard', () => {
    expect(parsePartition(partitionName({ scope: 'land-2', day: '2026-01-31', shard: 15 }))).toEqual({ scope: 'land-2', day: '2026-01-31', shard: 15 });
    expect(chainPk(P)).toBe(`chain#${P}`);
  });

  it.each([
    'population#2026-11-23#3#x',
    '#2026-11-23#3',
    'Population#2026-11-23#3',
    '-population#2026-11-23#3',
    'popu lation#2026-11-23#3',
    'population##3',
    'population#2026-11-2#3',
    'population#x2026-11-23#3',
    'population#2026-11-23x#3',
    'population#2026-11-23#',
    'population#2026-11-23#x3',
    'population#2026-11-23#3x',
    'population',
  ])('refuse %s', (name) => {
    expect(parsePartition(name)).toBeUndefined();
  });

  it.each(['', 'Pop', '-pop', 'pop#1', 'po p', 'pop-', 'x y'])('refuse %j as a scope, except what matches the rule', (scope) => {
    const ok = /^[a-z0-9][a-z0-9-]*$/.test(scope);
    if (ok) expect(partitionName({ scope, day: '2026-01-01', shard: 0 })).toBe(`${scope}#2026-01-01#0`);
    else expect(() => partitionName({ scope, day: '2026-01-01', shard: 0 })).toThrow(`audit scope must be lower-case letters, digits and dashes: ${scope}`);
  });

  it('shard over exactly 1 shard, and refuse fewer or fractions', () => {
    expect(shardOf('a', 1)).toBe(0);
    expect(() => shardOf('a', 0)).toThrow('shards must be a positive integer, got 0');
    expect(() => shardOf('a', 1.5)).toThrow('shards must be a positive integer, got 1.5');
  });

  it('read a UTC day and refuse what is not a timestamp', () => {
    expect(utcDay(new Date('2026-01-01T00:00:00.000Z'))).toBe('2026-01-01');
    expect(() => utcDay('nope')).toThrow('not a timestamp: nope');
  });

  it('key seqs on 12 digits', () => {
    expect(seqKey(42)).toBe('000000000042');
  });
});

describe('anchors', () => {
  const anchor = (partitions: AuditAnchor['partitions']): AuditAnchor => ({ kind: 'ndx.audit-anchor.v1', takenAt: '2026-11-23T12:00:00.000Z', partitions });

  it('keep the heads of the days in range, both ends included', () => {
    const a = anchor([
      { partition: 'population#2026-11-21#0', seq: 1, hash: 'a' },
      { partition: 'population#2026-11-22#0', seq: 1, hash: 'b' },
      { partition: 'population#2026-11-23#0', seq: 1, hash: 'c' },
      { partition: 'population#2026-11-24#0', seq: 1, hash: 'd' },
    ]);
    expect([...anchoredHeads(a, { from: '2026-11-22', to: '2026-11-23' }).keys()]).toEqual(['population#2026-11-22#0', 'population#2026-11-23#0']);
    expect([...anchoredHeads(a, { from: '2026-11-23' }).keys()]).toEqual(['population#2026-11-23#0', 'population#2026-11-24#0']);
    expect([...anchoredHeads(a, { to: '2026-11-21' }).keys()]).toEqual(['population#2026-11-21#0']);
    expect(anchoredHeads(a).size).toBe(4);
  });

  it('keep the later of two heads of one partition, in either order', () => {
    const p = 'population#2026-11-23#0';
    expect(
      anchoredHeads(
        anchor([
          { partition: p, seq: 2, hash: 'b' },
          { partition: p, seq: 1, hash: 'a' },
        ]),
      ).get(p),
    ).toEqual({ seq: 2, hash: 'b' });
    expect(
      anchoredHeads(
        anchor([
          { partition: p, seq: 1, hash: 'a' },
          { partition: p, seq: 2, hash: 'b' },
        ]),
      ).get(p),
    ).toEqual({ seq: 2, hash: 'b' });
    expect(
      anchoredHeads(
        anchor([
          { partition: p, seq: 2, hash: 'b' },
          { partition: p, seq: 2, hash: 'c' },
        ]),
      ).get(p),
    ).toEqual({ seq: 2, hash: 'b' });
  });

  it('refuse a partition that is not an audit partition name', () => {
    expect(() => anchoredHeads(anchor([{ partition: 'nope', seq: 1, hash: 'a' }]))).toThrow();
  });

  it('are taken of intact partitions with a head only', () => {
    const taken = new Date('2026-11-23T12:00:00.000Z');
    const a = anchorOf(
      [
        { partition: 'a#2026-11-23#0', records: 1, head: { seq: 1, hash: 'x' } },
        { partition: 'b#2026-11-23#0', records: 0 },
        { partition: 'c#2026-11-23#0', records: 1, head: { seq: 1, hash: 'y' }, broken: { seq: 1, kind: 'hash-mismatch', message: 'm' } },
      ],
      taken,
    );
    expect(a).toEqual({ kind: 'ndx.audit-anchor.v1', takenAt: taken.toISOString(), partitions: [{ partition: 'a#2026-11-23#0', seq: 1, hash: 'x' }] });
  });

  it('move verified heads, keep heads not walked, sorted by partition', () => {
    const previous = anchor([
      { partition: 'b#2026-11-23#0', seq: 1, hash: 'old-b' },
      { partition: 'c#2026-11-23#0', seq: 1, hash: 'old-c' },
    ]);
    const next = nextAnchor(
      previous,
      [
        { partition: 'c#2026-11-23#0', records: 2, head: { seq: 2, hash: 'new-c' } },
        { partition: 'a#2026-11-23#0', records: 1, head: { seq: 1, hash: 'new-a' } },
        { partition: 'b#2026-11-23#0', records: 2, head: { seq: 2, hash: 'bad' }, broken: { seq: 2, kind: 'hash-mismatch', message: 'm' } },
        { partition: 'd#2026-11-23#0', records: 0 },
      ],
      new Date('2026-11-24T00:00:00.000Z'),
    );
    expect(next.partitions).toEqual([
      { partition: 'a#2026-11-23#0', seq: 1, hash: 'new-a' },
      { partition: 'b#2026-11-23#0', seq: 1, hash: 'old-b' },
      { partition: 'c#2026-11-23#0', seq: 2, hash: 'new-c' },
    ]);
    expect(nextAnchor(undefined, [], new Date('2026-11-24T00:00:00.000Z')).partitions).toEqual([]);
  });

  it('re-verify from the UTC day before the previous anchor, exactly 24 hours back', () => {
    expect(anchorRange(undefined)).toEqual({});
    expect(anchorRange({ ...anchor([]), takenAt: '2026-11-23T00:00:00.000Z' })).toEqual({ from: '2026-11-22' });
    expect(anchorRange({ ...anchor([]), takenAt: '2026-11-23T23:59:59.999Z' })).toEqual({ from: '2026-11-22' });
  });
});

describe('the citizen’s view at the exact end of a hide', () => {
  const lookup = (auditId: string, atTime: string) =>
    linkRecord(
      { kind: 'lookup', auditId, at: atTime, consumer: 'a', fields: ['fullName'], status: 'OK', code: 'OK' },
      { partition: P, seq: 1, prevHash: genesisHash(P) },
    );
  const hide = (target: string, atTime: string, until: string) =>
    linkRecord({ kind: 'audit-hide', at: atTime, target, hiddenUntil: until, reason: 'r', by: 'o' }, { partition: P, seq: 2, prevHash: 'x' });

  it('withholds a record until the hide ends, and shows it at that instant', () => {
    const records = [lookup('a/1', '2026-06-01T00:00:00.000Z'), hide('a/1', '2026-06-01T00:00:01.000Z', '2026-07-01T00:00:00.000Z')];
    expect(citizenTrail(records, new Date('2026-06-30T23:59:59.999Z'))).toMatchObject({ entries: [], withheld: 1, released: 0 });
    expect(citizenTrail(records, new Date('2026-07-01T00:00:00.000Z'))).toMatchObject({ withheld: 0, released: 1 });
  });

  it('lets a later hide decision at the same instant replace an earlier one', () => {
    const records = [
      lookup('a/1', '2026-06-01T00:00:00.000Z'),
      hide('a/1', '2026-06-02T00:00:00.000Z', '2026-12-01T00:00:00.000Z'),
      hide('a/1', '2026-06-02T00:00:00.000Z', '2026-06-03T00:00:00.000Z'),
    ];
    expect(citizenTrail(records, new Date('2026-06-10T00:00:00.000Z')).withheld).toBe(0);
  });

  it('lists each lookup once, newest first, with only the fields it has', () => {
    const records = [
      lookup('a/1', '2026-06-01T00:00:00.000Z'),
      lookup('a/2', '2026-06-02T00:00:00.000Z'),
      lookup('a/1', '2026-06-01T00:00:00.000Z'),
      lookup('a/3', '2026-06-01T12:00:00.000Z'),
    ];
    const view = citizenTrail(records, new Date('2026-07-01T00:00:00.000Z'));
    expect(view.entries.map((e) => e.auditId)).toEqual(['a/2', 'a/3', 'a/1']);
    expect(view.entries[0]).toEqual({
      auditId: 'a/2',
      at: '2026-06-02T00:00:00.000Z',
      consumer: 'a',
      fields: ['fullName'],
      status: 'OK',
      code: 'OK',
      intact: true,
    });
  });

  it('counts as released only OK lookups that released fields', () => {
    const none = linkRecord(
      { kind: 'lookup', auditId: 'a/9', at: '2026-06-01T00:00:00.000Z', consumer: 'a', fields: [], status: 'OK', code: 'OK' },
      { partition: P, seq: 1, prevHash: 'x' },
    );
    const refused = linkRecord(
      { kind: 'lookup', auditId: 'a/8', at: '2026-06-01T00:00:00.000Z', consumer: 'a', fields: ['x'], status: 'REJECTED', code: 'NOT_A_CONSUMER' },
      { partition: P, seq: 1, prevHash: 'x' },
    );
    expect(citizenTrail([none, refused, lookup('a/1', '2026-06-01T00:00:00.000Z')], new Date('2026-07-01T00:00:00.000Z')).released).toBe(1);
  });
});
