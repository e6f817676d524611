/**
 * Where audit anchors are kept: keys sortable by time (so "latest" is a listing), the file store under
 * a data folder (for real, in a temporary folder), the S3 store's listing and write-once puts (against
 * an in-memory stand-in for the three S3 calls it makes), and how the next anchor is made from the
 * previous one and a verification.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AnchorFormatError, anchorKey, dayPrefix, FileAnchorStore, isAnchorKey, latestKey, S3AnchorStore } from '../../aws/anchor-store.ts';
import { anchorRange, nextAnchor, type AuditAnchor } from '../../domain/audit/anchor.ts';
import { anchorNow } from '../../aws/audit-anchoring.ts';
import type { PartitionReport } from '../../domain/audit/chain.ts';
import type { VerifyReport } from '../../aws/audit-log.ts';

const H = (c: string) => c.repeat(64);
const anchor = (takenAt: string, partitions: AuditAnchor['partitions'] = []): AuditAnchor => ({ kind: 'ndx.audit-anchor.v1', takenAt, partitions });

describe('anchor keys', () => {
  it('are anchors/YYYY/MM/DD/<instant>.json, portable file names, and sort by time', () => {
    expect(anchorKey('2026-11-29T00:15:00.123Z')).toBe('anchors/2026/11/29/2026-11-29T00-15-00.123Z.json');
    expect(anchorKey('2026-11-29T07:15:00+07:00')).toBe('anchors/2026/11/29/2026-11-29T00-15-00.000Z.json');
    expect(dayPrefix(new Date('2026-01-05T23:00:00Z'))).toBe('anchors/2026/01/05/');
    const instants = ['2026-11-29T00:15:00.123Z', '2026-11-28T23:59:59.999Z', '2027-01-01T00:00:00.000Z', '2026-11-29T00:15:00.124Z'];
    const keys = instants.map(anchorKey);
    expect([...keys].sort()).toEqual([...instants].sort().map(anchorKey));
    expect(() => anchorKey('yesterday')).toThrow(/not an instant/);
  });

  it('latest is the greatest anchor key; anything else in a listing is ignored', () => {
    const keys = [
      anchorKey('2026-11-28T10:00:00Z'),
      anchorKey('2026-11-29T09:00:00Z'),
      'anchors/2026/11/30/notes.txt',
      'anchors/2026/12/01/2026-11-29T10-00-00.000Z.json',
      'other/x.json',
    ];
    expect(isAnchorKey(keys[0]!)).toBe(true);
    expect(isAnchorKey('anchors/2026/12/01/2026-11-29T10-00-00.000Z.json')).toBe(false); // folder and instant disagree
    expect(latestKey(keys)).toBe(anchorKey('2026-11-29T09:00:00Z'));
    expect(latestKey([])).toBeUndefined();
  });
});

describe('FileAnchorStore', () => {
  const store = () => new FileAnchorStore(mkdtempSync(path.join(tmpdir(), 'ndx-anchors-')));

  it('keeps anchors under <dataDir>/anchors, read-only, never replacing one, and finds the latest', async () => {
    const s = store();
    expect(await s.latest()).toBeUndefined();
    const a = anchor('2026-11-28T23:00:00.000Z', [{ partition: 'population#2026-11-28#1', seq: 3, hash: H('a') }]);
    const b = anchor('2026-11-29T01:00:00.000Z', [{ partition: 'population#2026-11-28#1', seq: 5, hash: H('b') }]);
    const c = anchor('2026-11-29T00:00:00.000Z');
    const where = await s.put(a);
    await s.put(b);
    await s.put(c);
    expect(where).toBe(path.join(s.root, 'anchors', '2026', '11', '28', '2026-11-28T23-00-00.000Z.json'));
    expect(statSync(where).mode & 0o222).toBe(0);
    expect(await s.latest()).toEqual({ anchor: b, location: path.join(s.root, 'anchors', '2026', '11', '29', '2026-11-29T01-00-00.000Z.json') });
    await expect(s.put(b)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(s.description).toBe(path.join(s.root, 'anchors'));
  });

  it('ignores other files, and says which file is not an anchor', async () => {
    const s = store();
    await s.put(anchor('2026-11-29T01:00:00.000Z'));
    const day = path.join(s.root, 'anchors', '2026', '11', '29');
    writeFileSync(path.join(day, 'README.txt'), 'not an anchor');
    expect((await s.latest())!.anchor.takenAt).toBe('2026-11-29T01:00:00.000Z');
    const bad = path.join(day, '2026-11-29T02-00-00.000Z.json');
    writeFileSync(bad, '{"kind":"something else"}');
    chmodSync(bad, 0o444);
    await expect(s.latest()).rejects.toThrow(AnchorFormatError);
    await expect(s.latest()).rejects.toThrow(bad);
    expect(readdirSync(day).sort()).toEqual(['2026-11-29T01-00-00.000Z.json', '2026-11-29T02-00-00.000Z.json', 'README.txt']);
  });
});

/** The three S3 calls the store makes, on a map of keys to bodies. */
function fakeS3(objects = new Map<string, string>()) {
  const calls: string[] = [];
  const s3 = {
    async send(command: unknown) {
      if (command instanceof ListObjectsV2Command) {
        const { Prefix = '', ContinuationToken } = command.input;
        calls.push(`list ${Prefix}`);
        const keys = [...objects.keys()].filter((k) => k.startsWith(Prefix)).sort();
        const start = ContinuationToken ? Number(ContinuationToken) : 0;
        const page = keys.slice(start, start + 2); // small pages: the store must follow continuation tokens
        const more = start + 2 < keys.length;
        return { Contents: page.map((Key) => ({ Key })), IsTruncated: more, ...(more ? { NextContinuationToken: String(start + 2) } : {}) };
      }
      if (command instanceof GetObjectCommand) {
        calls.push(`get ${command.input.Key}`);
        const body = objects.get(command.input.Key!);
        return { Body: { transformToString: async () => body } };
      }
      if (command instanceof PutObjectCommand) {
        const { Key, Body, IfNoneMatch, ChecksumAlgorithm } = command.input;
        calls.push(`put ${Key} ${IfNoneMatch} ${ChecksumAlgorithm}`);
        if (IfNoneMatch === '*' && objects.has(Key!))
          throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed' });
        objects.set(Key!, String(Body));
        return {};
      }
      throw new Error('unexpected command');
    },
  };
  return { s3: s3 as unknown as S3Client, objects, calls };
}

describe('S3AnchorStore', () => {
  it('puts each anchor once under its time-sortable key, with a checksum (Object Lock requires one)', async () => {
    const { s3, objects, calls } = fakeS3();
    const store = new S3AnchorStore(s3, 'ndx-anchors');
    const a = anchor('2026-11-29T01:00:00.000Z');
    expect(await store.put(a)).toBe('s3://ndx-anchors/anchors/2026/11/29/2026-11-29T01-00-00.000Z.json');
    expect(calls).toEqual(['put anchors/2026/11/29/2026-11-29T01-00-00.000Z.json * CRC32']);
    expect(JSON.parse(objects.get(anchorKey(a.takenAt))!)).toEqual(a);
    await expect(store.put(a)).rejects.toMatchObject({ name: 'PreconditionFailed' });
    expect(store.description).toBe('s3://ndx-anchors/anchors/');
  });

  it('finds the latest by listing the recent days first, and the whole prefix only when they hold none', async () => {
    const { s3, objects, calls } = fakeS3();
    for (const at of ['2026-11-27T10:00:00.000Z', '2026-11-28T10:00:00.000Z', '2026-11-28T11:00:00.000Z', '2026-11-28T12:00:00.000Z']) {
      objects.set(anchorKey(at), JSON.stringify(anchor(at)));
    }
    const now = () => new Date('2026-11-29T00:30:00Z');
    const store = new S3AnchorStore(s3, 'b', { now });
    expect((await store.latest())!.anchor.takenAt).toBe('2026-11-28T12:00:00.000Z');
    expect(calls).toEqual([
      'list anchors/2026/11/29/',
      'list anchors/2026/11/28/',
      'list anchors/2026/11/28/',
      'get anchors/2026/11/28/2026-11-28T12-00-00.000Z.json',
    ]);

    calls.length = 0;
    const later = new S3AnchorStore(s3, 'b', { now: () => new Date('2026-12-15T00:00:00Z') });
    expect((await later.latest())!.location).toBe('s3://b/anchors/2026/11/28/2026-11-28T12-00-00.000Z.json');
    expect(calls.filter((c) => c === 'list anchors/')).toHaveLength(2); // the whole prefix, two pages
    expect(await new S3AnchorStore(fakeS3().s3, 'empty').latest()).toBeUndefined();
  });
});

const report = (partition: string, head?: { seq: number; hash: string }, broken?: PartitionReport['broken']): PartitionReport => ({
  partition,
  records: head?.seq ?? 0,
  ...(head ? { head } : {}),
  ...(broken ? { broken } : {}),
});

describe('the next anchor', () => {
  const P1 = 'population#2026-11-28#1';
  const P2 = 'land#2026-11-29#0';
  const P3 = 'platform#2026-11-20#4';

  it('holds the verified heads, keeps heads of partitions not walked, and never moves a broken partition’s head', () => {
    const previous = anchor('2026-11-29T00:00:00.000Z', [
      { partition: P1, seq: 3, hash: H('a') },
      { partition: P3, seq: 9, hash: H('c') },
    ]);
    const next = nextAnchor(
      previous,
      [report(P1, { seq: 5, hash: H('b') }, { seq: 6, kind: 'hash-mismatch', message: 'edited' }), report(P2, { seq: 2, hash: H('d') })],
      new Date('2026-11-29T01:00:00Z'),
    );
    expect(next).toEqual(
      anchor('2026-11-29T01:00:00.000Z', [
        { partition: P2, seq: 2, hash: H('d') },
        { partition: P3, seq: 9, hash: H('c') },
        { partition: P1, seq: 3, hash: H('a') },
      ]),
    );
    expect(nextAnchor(undefined, [report(P1, { seq: 1, hash: H('e') }), report(P2)], new Date('2026-11-29T01:00:00Z')).partitions).toEqual([
      { partition: P1, seq: 1, hash: H('e') },
    ]);
  });

  it('re-verifies from the day before the previous anchor (late records of retried lookups), everything without one', () => {
    expect(anchorRange(undefined)).toEqual({});
    expect(anchorRange(anchor('2026-11-29T00:30:00.000Z'))).toEqual({ from: '2026-11-28' });
  });

  it('anchorNow verifies against the latest stored anchor and stores the next one', async () => {
    const store = new FileAnchorStore(mkdtempSync(path.join(tmpdir(), 'ndx-anchors-')));
    const seen: Array<{ range: unknown; anchor?: AuditAnchor }> = [];
    let heads: PartitionReport[] = [report(P1, { seq: 2, hash: H('a') })];
    const audit = {
      async verify(range: { from?: string; to?: string } = {}, _on?: unknown, a?: AuditAnchor): Promise<VerifyReport> {
        seen.push({ range, ...(a ? { anchor: a } : {}) });
        return { ok: heads.every((h) => !h.broken), records: 0, partitions: heads };
      },
    };
    const first = await anchorNow(audit, store, () => new Date('2026-11-29T00:00:00Z'));
    expect(first).toMatchObject({ verified: 1, broken: [] });
    expect(first.previous).toBeUndefined();
    heads = [report(P1, { seq: 2, hash: H('a') }, { seq: 3, kind: 'truncated', message: 'gone' })];
    const second = await anchorNow(audit, store, () => new Date('2026-11-29T01:00:00Z'));
    expect(seen[1]).toEqual({ range: { from: '2026-11-28' }, anchor: first.anchor });
    expect(second.previous).toBe(first.location);
    expect(second.broken.map((b) => b.partition)).toEqual([P1]);
    expect((await store.latest())!.anchor.partitions).toEqual([{ partition: P1, seq: 2, hash: H('a') }]);
  });
});
