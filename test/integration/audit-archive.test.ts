/**
 * Audit retention against the local engine: partitions past their days in DynamoDB move to the archive
 * (verified first, stubs left behind), `verify` walks them there and finds tampering, the citizen's view
 * and `find` read archived records back, and a second run moves nothing twice.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOldPartitions } from '../../aws/audit-archive.ts';
import { FileArchiveStore } from '../../aws/archive-store.ts';
import { ArchiveUnavailableError, AuditLog, type AuditEntry } from '../../aws/audit-log.ts';
import { documentClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import { archiveKey, isStub } from '../../domain/audit/archive.ts';
import { chainPk } from '../../domain/audit/chain.ts';
import { sha256Hex } from '../../contracts/canonical.ts';
import { startHarness, type Harness } from './support.ts';

let h: Harness;
const dir = mkdtempSync(path.join(tmpdir(), 'ndx-archive-'));
const store = new FileArchiveStore(dir);
const OLD_DAY = '2025-03-10';
// A sha256 like every subject hash: its lookups are kept in the compact form, their markers with the subject's (domain/audit/stored.ts).
const SUBJECT = sha256Hex('archive-test-subject');
const partition = `population#${OLD_DAY}#0`;

const entry = (i: number, at: string): AuditEntry => ({
  at,
  consumer: 'hanoi-land-office',
  requestId: `archive-${at.slice(0, 10)}-${i}`,
  receivedMessageId: `m-${at}-${i}`,
  contract: 'population.identity-verification',
  version: '1.0.0',
  purpose: 'LAND_REGISTRATION',
  registry: 'population',
  subjectHash: SUBJECT,
  fields: ['nationalId', 'fullName'],
  status: 'OK',
  code: 'OK',
  recordedBy: 'adapter',
});

const log = (withArchive: boolean) => new AuditLog(documentClient(), names.auditTable, { shards: 1, ...(withArchive ? { archive: store } : {}) });
const archiveNow = () =>
  archiveOldPartitions(
    { doc: documentClient(), table: names.auditTable, store, partitions: () => log(false).partitions() },
    { now: new Date(), dynamoDbDays: 30, archiveDays: 1 },
  );
const items = async (p: string) =>
  (
    await documentClient().send(
      new QueryCommand({ TableName: names.auditTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': chainPk(p) } }),
    )
  ).Items ?? [];

beforeAll(async () => {
  h = await startHarness({ count: 50 });
  for (let i = 0; i < 5; i++) await log(false).append(entry(i, `${OLD_DAY}T10:0${i}:00.000Z`));
  await log(false).append(entry(9, new Date().toISOString()));
});
afterAll(async () => {
  await h?.stop();
});

describe('audit retention', () => {
  it('moves old partitions to the archive, verified, and leaves stubs without the records’ content', async () => {
    const run = await archiveNow();
    expect(run.refused).toEqual([]);
    expect(run.archived).toContainEqual({ partition, records: 5, key: archiveKey(partition) });
    const left = await items(partition);
    expect(left).toHaveLength(5);
    // A stub keeps keys, audit id and hash (`id`, `h` in the compact form): the subject's markers still list it.
    expect(left.every((i) => isStub(i) && typeof i.id === 'string' && typeof i.h === 'string')).toBe(true);
    expect(left.every((i) => i.c === undefined && i.p === undefined && i.f === undefined && i.s === undefined)).toBe(true);
    // Today's partition stays whole.
    expect(run.archived.some((a) => a.partition.includes(new Date().toISOString().slice(0, 10)))).toBe(false);
  });

  it('verifies archived partitions from the archive, and says so without it', async () => {
    const report = await log(true).verify({ from: OLD_DAY, to: OLD_DAY });
    expect(report.ok).toBe(true);
    expect(report.records).toBe(5);
    const blind = await log(false).verify({ from: OLD_DAY, to: OLD_DAY });
    expect(blind.ok).toBe(false);
    expect(blind.partitions[0]?.broken?.message).toContain('verifying it needs the archive');
  });

  it('reads archived records back for the citizen’s view and for find', async () => {
    const trail = await log(true).bySubject(SUBJECT);
    // Newest first: today's record (still in DynamoDB), then the five archived ones, read back whole.
    expect(trail).toHaveLength(6);
    expect(trail[0]?.requestId).toMatch(/^archive-\d{4}-\d{2}-\d{2}-9$/);
    expect(trail.slice(1).map((r) => r.requestId)).toEqual([4, 3, 2, 1, 0].map((i) => `archive-${OLD_DAY}-${i}`));
    expect(trail.slice(1).every((r) => r.purpose === 'LAND_REGISTRATION' && r.fields.length === 2)).toBe(true);
    const found = await log(true).find(`hanoi-land-office/archive-${OLD_DAY}-2`, 'lookup', SUBJECT);
    expect(found?.at).toBe(`${OLD_DAY}T10:02:00.000Z`);
    // A lookup naming a subject is found by it.
    expect(await log(true).find(`hanoi-land-office/archive-${OLD_DAY}-2`)).toBeUndefined();
    await expect(log(false).bySubject(SUBJECT)).rejects.toThrow(ArchiveUnavailableError);
  });

  it('moves nothing twice', async () => {
    const again = await archiveNow();
    expect(again.archived.map((a) => a.partition)).not.toContain(partition);
    expect(await items(partition)).toHaveLength(5);
  });

  it('finds an archive edited after the fact', async () => {
    const file = path.join(dir, ...archiveKey(partition).split('/'));
    chmodSync(file, 0o644);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"LAND_REGISTRATION"', '"MARKETING"'));
    const report = await log(true).verify({ from: OLD_DAY, to: OLD_DAY });
    expect(report.ok).toBe(false);
    expect(report.partitions[0]?.broken?.kind).toBe('hash-mismatch');
  });
});
