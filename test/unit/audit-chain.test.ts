import { describe, expect, it } from 'vitest';
import {
  chainPk,
  genesisHash,
  isIntact,
  linkRecord,
  parsePartition,
  partitionOf,
  recordHash,
  seqKey,
  shardOf,
  utcDay,
  verifyChain,
} from '../../domain/audit/chain.ts';
import { sha256Hex, canonicalJson } from '../../contracts/canonical.ts';
import { AuditAnchor, anchorOf, anchoredHeads } from '../../domain/audit/anchor.ts';

const P = 'population#2026-11-23#3';

/** A chain of n records as the audit log writes them. */
function chain(n: number, partition = P): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  let prevHash = genesisHash(partition);
  for (let seq = 1; seq <= n; seq++) {
    const item: Record<string, unknown> = linkRecord(
      { kind: 'lookup', auditId: `a/${seq}`, at: `2026-11-23T10:00:${String(seq).padStart(2, '0')}.000Z`, fields: ['nationalId'] },
      { partition, seq, prevHash },
    );
    items.push(item);
    prevHash = item.hash as string;
  }
  return items;
}

describe('partitions', () => {
  it('are <scope>#<UTC day>#<shard>, the shard a stable hash of the audit id', () => {
    const p = partitionOf('population', '2026-11-23T23:59:59.999+00:00', 'hanoi-land-office/abc', 16);
    expect(p).toMatch(/^population#2026-11-23#\d{1,2}$/);
    expect(parsePartition(p)).toMatchObject({ scope: 'population', day: '2026-11-23' });
    expect(partitionOf('population', '2026-11-23T10:00:00Z', 'hanoi-land-office/abc', 16)).toBe(p);
    expect(utcDay('2026-11-24T06:30:00+07:00')).toBe('2026-11-23');
    expect(parsePartition('population#2026-11-23')).toBeUndefined();
    expect(() => partitionOf('Bad#Scope', '2026-11-23T00:00:00Z', 'x', 16)).toThrow(/scope/);
  });

  it('spread audit ids over every shard, within range', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 1600; i++) counts[shardOf(`agency/${i}`, 16)]++;
    for (const c of counts) expect(c).toBeGreaterThan(50); // ~100 each; none starved
    expect(shardOf('x', 1)).toBe(0);
    expect(() => shardOf('x', 0)).toThrow();
  });

  it('sort keys order numerically', () => {
    expect(seqKey(9) < seqKey(10)).toBe(true);
    expect(seqKey(99_999) < seqKey(100_000)).toBe(true);
    expect(chainPk(P)).toBe(`chain#${P}`);
  });
});

describe('hashing', () => {
  it('hash = sha256(prevHash + canonical JSON of the record without hash)', () => {
    const [first] = chain(1);
    const { hash, ...rest } = first!;
    expect(hash).toBe(sha256Hex(`${genesisHash(P)}${canonicalJson(rest)}`));
    expect(recordHash(first!)).toBe(hash);
    expect(isIntact(first!)).toBe(true);
    expect(isIntact({ ...first!, fields: ['nationalId', 'fullName'] })).toBe(false);
  });

  it('does not depend on attribute order (DynamoDB returns maps in any order)', () => {
    const [first] = chain(1);
    const shuffled = Object.fromEntries(Object.entries(first!).reverse());
    expect(recordHash(shuffled)).toBe(first!.hash);
  });

  it('binds the first record to its partition', () => {
    expect(genesisHash(P)).not.toBe(genesisHash('population#2026-11-23#4'));
    const moved = chain(3);
    expect(verifyChain('population#2026-11-23#4', moved).broken).toMatchObject({ seq: 1, kind: 'prev-hash-mismatch' });
  });
});

describe('verifyChain', () => {
  it('accepts an untouched chain and reports its head', () => {
    const items = chain(5);
    expect(verifyChain(P, items)).toEqual({ partition: P, records: 5, head: { seq: 5, hash: items[4]!.hash } });
  });

  it('reports an edited record as a hash mismatch at its seq', () => {
    const items = chain(5);
    items[2] = { ...items[2], fields: ['nationalId', 'fullName', 'dateOfBirth'] };
    expect(verifyChain(P, items)).toMatchObject({ head: { seq: 2 }, broken: { seq: 3, kind: 'hash-mismatch' } });
  });

  it('reports an edited record whose hash was recomputed as a broken link at the next seq', () => {
    const items = chain(5);
    const edited = { ...items[2], fields: [] };
    items[2] = { ...edited, hash: recordHash(edited) };
    expect(verifyChain(P, items).broken).toMatchObject({ seq: 4, kind: 'prev-hash-mismatch' });
  });

  it('reports a deleted record as a gap in seq', () => {
    const items = chain(5);
    items.splice(1, 1);
    const report = verifyChain(P, items);
    expect(report.broken).toMatchObject({ seq: 2, kind: 'seq-gap' });
    expect(report.broken!.message).toContain('expected seq 2, found 3');
  });

  it('reports a deleted first record (the genesis) as a gap at seq 1', () => {
    expect(verifyChain(P, chain(3).slice(1)).broken).toMatchObject({ seq: 1, kind: 'seq-gap' });
  });

  it('reports reordered records (contents swapped between positions) as a prevHash mismatch', () => {
    const items = chain(5);
    const [third, fourth] = [items[2]!, items[3]!];
    items[2] = { ...fourth, pk: third.pk, sk: third.sk };
    items[3] = { ...third, pk: fourth.pk, sk: fourth.sk };
    expect(verifyChain(P, items).broken).toMatchObject({ seq: 3, kind: 'prev-hash-mismatch' });
  });

  it('reports a record that claims another position', () => {
    const items = chain(3);
    const wrong = { ...items[2], seq: 7 };
    items[2] = { ...wrong, hash: recordHash(wrong) };
    expect(verifyChain(P, items).broken).toMatchObject({ seq: 3, kind: 'misplaced' });
  });

  it('reports a listed partition with no record left', () => {
    expect(verifyChain(P, []).broken).toMatchObject({ seq: 1, kind: 'empty' });
  });

  it('reports only the first break', () => {
    const items = chain(6);
    items[1] = { ...items[1], code: 'EDITED' };
    items.splice(4, 1);
    expect(verifyChain(P, items)).toMatchObject({ records: 2, broken: { seq: 2, kind: 'hash-mismatch' } });
  });
});

describe('anchors: what the chain alone cannot show', () => {
  const headOf = (items: Array<Record<string, unknown>>, seq: number) => ({ seq, hash: items[seq - 1]!.hash as string });

  it('a truncated tail verifies on its own, and is reported against the anchor where the chain now ends', () => {
    const items = chain(5);
    const anchor = headOf(items, 5);
    const truncated = items.slice(0, 3);
    expect(verifyChain(P, truncated).broken).toBeUndefined();
    expect(verifyChain(P, truncated, anchor)).toMatchObject({ records: 3, head: { seq: 3 }, anchored: anchor, broken: { seq: 4, kind: 'truncated' } });
    expect(verifyChain(P, [], anchor).broken).toMatchObject({ seq: 1, kind: 'truncated' });
  });

  it('a chain rebuilt with fresh hashes verifies on its own, and is reported at the anchored seq', () => {
    const original = chain(4);
    const rebuilt = chain(4).map((i) => ({ ...i }));
    // Rebuild from seq 2 with other content, every later hash recomputed: the chain holds together.
    let prevHash = rebuilt[0]!.hash as string;
    for (let seq = 2; seq <= 4; seq++) {
      const item: Record<string, unknown> = linkRecord(
        { kind: 'lookup', auditId: `forged/${seq}`, at: '2026-11-23T11:00:00.000Z', fields: [] },
        { partition: P, seq, prevHash },
      );
      rebuilt[seq - 1] = item;
      prevHash = item.hash as string;
    }
    expect(verifyChain(P, rebuilt).broken).toBeUndefined();
    expect(verifyChain(P, rebuilt, headOf(original, 3)).broken).toMatchObject({ seq: 3, kind: 'rewritten' });
    // Anchored before the rebuild started: that record is untouched, and what follows it is not covered.
    expect(verifyChain(P, rebuilt, headOf(original, 1)).broken).toBeUndefined();
  });

  it('a chain that grew after its anchor verifies, through the anchored record', () => {
    const items = chain(6);
    expect(verifyChain(P, items, headOf(items, 4))).toMatchObject({ records: 6, head: { seq: 6 }, anchored: { seq: 4 } });
    expect(verifyChain(P, items, headOf(items, 4)).broken).toBeUndefined();
  });
});

describe('anchor documents', () => {
  it('anchor the heads of intact partitions only, and check the partitions of a day range', () => {
    const intact = verifyChain(P, chain(3));
    const other = 'land#2026-11-24#0';
    const later = verifyChain(other, chain(2, other));
    const broken = verifyChain('business#2026-11-23#1', chain(2, 'business#2026-11-23#0'));
    expect(broken.broken).toBeDefined();
    const anchor = anchorOf([intact, later, broken], new Date('2026-11-24T00:00:00Z'));
    expect(AuditAnchor.parse(anchor)).toEqual(anchor);
    expect(anchor.partitions.map((p) => [p.partition, p.seq])).toEqual([
      [P, 3],
      [other, 2],
    ]);
    expect([...anchoredHeads(anchor, { from: '2026-11-24' }).keys()]).toEqual([other]);
    expect([...anchoredHeads(anchor, { to: '2026-11-23' }).keys()]).toEqual([P]);
    // Merged by hand with an older anchor: the later head of a partition is the one checked.
    const merged = { ...anchor, partitions: [...anchor.partitions, { partition: P, seq: 1, hash: 'a'.repeat(64) }] };
    expect(anchoredHeads(merged).get(P)).toEqual({ seq: 3, hash: intact.head!.hash });
  });

  it('refuse what is not an anchor', () => {
    expect(
      AuditAnchor.safeParse({ kind: 'ndx.audit-anchor.v1', takenAt: '2026-11-24T00:00:00Z', partitions: [{ partition: 'nope', seq: 1, hash: 'a'.repeat(64) }] })
        .success,
    ).toBe(false);
    expect(
      AuditAnchor.safeParse({ kind: 'ndx.audit-anchor.v1', takenAt: '2026-11-24T00:00:00Z', partitions: [{ partition: P, seq: 0, hash: 'a'.repeat(64) }] })
        .success,
    ).toBe(false);
    expect(AuditAnchor.safeParse({ kind: 'something-else', takenAt: '2026-11-24T00:00:00Z', partitions: [] }).success).toBe(false);
  });
});
