/** Audit retention's rules (domain/audit/archive.ts): which partitions leave DynamoDB, the archive format and the stubs. */
import { describe, expect, it } from 'vitest';
import { archivable, archiveCutoff, archiveKey, decodeArchive, encodeArchive, isStub, MIN_HOT_DAYS, stubOf } from '../../domain/audit/archive.ts';
import { genesisHash, linkRecord } from '../../domain/audit/chain.ts';

const now = new Date('2026-11-29T05:00:00Z');

describe('which partitions are archived', () => {
  it('those whose day is before the cutoff, to the day', () => {
    expect(archiveCutoff(now, 30)).toBe('2026-10-30');
    const parts = ['population#2026-10-29#3', 'population#2026-10-30#3', 'platform#2025-01-01#0', 'land#2026-11-28#1'];
    expect(archivable(parts, new Set(), now, 30)).toEqual(['population#2026-10-29#3', 'platform#2025-01-01#0']);
    expect(archivable(parts, new Set(['platform#2025-01-01#0']), now, 30)).toEqual(['population#2026-10-29#3']);
  });

  it('never sooner than the days a redelivered lookup may still be recorded', () => {
    expect(() => archiveCutoff(now, MIN_HOT_DAYS - 1)).toThrow(`at least ${MIN_HOT_DAYS} days`);
    expect(() => archiveCutoff(now, 30.5)).toThrow();
  });

  it('keys an archive by day and partition', () => {
    expect(archiveKey('population#2026-10-29#3')).toBe('audit-archive/2026-10-29/population_2026-10-29_3.jsonl');
    expect(() => archiveKey('nonsense')).toThrow('not an audit partition');
  });
});

describe('the archive format', () => {
  const p = 'population#2026-10-29#3';
  // Linked inside each test, not when the file is collected: mutation testing then knows which tests reach the chain.
  const records = () => {
    const r1 = linkRecord(
      { kind: 'lookup', subjectHash: 'h', at: '2026-10-29T01:00:00.000Z', auditId: 'a/1', note: 'Hà Nội' },
      { partition: p, seq: 1, prevHash: genesisHash(p) },
    );
    const r2 = linkRecord({ kind: 'lookup', subjectHash: 'h', at: '2026-10-29T02:00:00.000Z', auditId: 'a/2' }, { partition: p, seq: 2, prevHash: r1.hash });
    return [r1, r2] as const;
  };

  it('round-trips records and says where each line is, in bytes (UTF-8)', () => {
    const [r1, r2] = records();
    const { text, lines } = encodeArchive([r1, r2], 'k');
    expect(decodeArchive(text)).toEqual([r1, r2]);
    const buf = Buffer.from(text, 'utf8');
    for (const [i, at] of lines.entries()) expect(JSON.parse(buf.subarray(at.start, at.start + at.length).toString('utf8'))).toEqual([r1, r2][i]);
    expect(lines[1]?.start).toBe(lines[0]?.length);
  });

  it('leaves stubs with keys, index keys, hash and position, and none of the content', () => {
    const [r1] = records();
    const stub = stubOf({ ...r1, consumer: 'x', fields: ['a'] }, { key: 'k', start: 0, length: 10 });
    expect(stub).toEqual({
      pk: r1.pk,
      sk: r1.sk,
      subjectHash: 'h',
      at: r1.at,
      kind: 'lookup',
      auditId: 'a/1',
      hash: r1.hash,
      archived: { key: 'k', start: 0, length: 10 },
    });
    expect(isStub(stub)).toBe(true);
    expect(isStub(r1)).toBe(false);
    expect(isStub({ archived: { key: 'k' } })).toBe(false);
  });
});
