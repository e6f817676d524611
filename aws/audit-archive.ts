/**
 * Audit retention: partitions past the environment's `auditRetention.dynamoDbDays` leave DynamoDB for
 * the archive — on AWS the audit anchor bucket (Object Lock, COMPLIANCE, each object locked for
 * `auditRetention.archiveDays`, in S3 Glacier Instant Retrieval), locally a folder under NDX_DATA_DIR.
 *
 * Archiving one partition (domain/audit/archive.ts for the format):
 * 1. read its records and verify the chain (a broken partition is not archived: it stays, and fails `verify`);
 * 2. write the archive object (never replacing one), read it back and check it holds the same chain;
 * 3. list the partition as archived (`archived` / `<day>#<partition>`, with its head and object key);
 * 4. replace each record by its stub (keys, subject index keys, hash, where its line is), only if the
 *    record is still the one archived (same hash).
 * Re-running finishes a partition stopped half-way (3 is idempotent, 4 skips stubs).
 *
 * The stores (S3, a folder) are in archive-store.ts, apart: the Lambda bundles that read audit records
 * import this module and should not load the S3 client.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ARCHIVED_PK, archivable, archiveKey, decodeArchive, encodeArchive, isStub, stubOf } from '../domain/audit/archive.ts';
import { ChainVerifier, chainPk, parsePartition, type PartitionReport } from '../domain/audit/chain.ts';
import { isConditionalFailure } from './dynamo-errors.ts';

/** Where archived partitions are kept. */
export interface ArchiveStore {
  /** For messages: the folder or `s3://bucket/prefix`. */
  readonly description: string;
  /** Keeps an object, never replacing a different one (the same content again is accepted). */
  put(key: string, text: string, retainUntil?: Date): Promise<void>;
  /** An object, or `length` bytes of it from `start`; undefined when there is none. */
  get(key: string, range?: { start: number; length: number }): Promise<string | undefined>;
}

/** What reading archived records needs. */
export type ArchiveReader = Pick<ArchiveStore, 'get' | 'description'>;

/** An archived partition as listed in DynamoDB. */
export interface ArchivedPartition {
  partition: string;
  day: string;
  key: string;
  records: number;
  head: { seq: number; hash: string };
}

/** The partitions listed as archived, optionally between two UTC days (inclusive). */
export async function archivedPartitions(
  doc: DynamoDBDocumentClient,
  table: string,
  range: { from?: string; to?: string } = {},
): Promise<Map<string, ArchivedPartition>> {
  const out = new Map<string, ArchivedPartition>();
  let start: Record<string, unknown> | undefined;
  const bounded = range.from !== undefined || range.to !== undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: bounded ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ARCHIVED_PK, ...(bounded ? { ':from': range.from ?? '0000', ':to': `${range.to ?? '9999'}#~` } : {}) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const i of page.Items ?? []) out.set(String(i.partition), i as unknown as ArchivedPartition);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Verifies an archived partition from its archive object (checked against its anchored head, if given). */
export async function verifyArchived(store: ArchiveReader, a: ArchivedPartition, anchored?: { seq: number; hash: string }): Promise<PartitionReport> {
  const verifier = new ChainVerifier(a.partition, anchored);
  const text = await store.get(a.key);
  if (text === undefined) {
    return { partition: a.partition, records: 0, broken: { seq: 1, kind: 'empty', message: `its archive ${a.key} is missing from ${store.description}` } };
  }
  for (const item of decodeArchive(text)) if (!verifier.add(item)) break;
  const report = verifier.report();
  if (!report.broken && (report.head?.seq !== a.head.seq || report.head?.hash !== a.head.hash)) {
    return {
      ...report,
      broken: {
        seq: report.head?.seq ?? 0,
        kind: 'truncated',
        message: `its archive ends at seq ${report.head?.seq ?? 0}, but ${a.head.seq} records were archived`,
      },
    };
  }
  return report;
}

/** A stub's full record, read back from the archive (undefined when the archive no longer has it). */
export async function fromArchive(store: ArchiveReader, item: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  if (!isStub(item)) return item;
  const line = await store.get(item.archived.key, { start: item.archived.start, length: item.archived.length });
  return line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>);
}

export interface ArchiveRun {
  archived: Array<{ partition: string; records: number; key: string }>;
  /** Partitions left in DynamoDB because their chain does not verify. */
  refused: Array<{ partition: string; reason: string }>;
  /** Days before which partitions were archived. */
  before: string;
}

/** Moves every partition older than `dynamoDbDays` to the archive; see the module's comment for the steps. */
export async function archiveOldPartitions(
  deps: { doc: DynamoDBDocumentClient; table: string; store: ArchiveStore; partitions: () => Promise<string[]> },
  options: { now: Date; dynamoDbDays: number; archiveDays: number },
): Promise<ArchiveRun> {
  const { doc, table, store } = deps;
  const done = await archivedPartitions(doc, table);
  const all = await deps.partitions();
  // Partitions listed as archived but not all stubbed yet (a run stopped half-way), then the new ones.
  const complete = new Set([...done.values()].filter((a) => (a as ArchivedPartition & { complete?: boolean }).complete).map((a) => a.partition));
  const todo = archivable(all, complete, options.now, options.dynamoDbDays);
  const before = new Date(options.now.getTime() - options.dynamoDbDays * 86_400_000).toISOString().slice(0, 10);
  const run: ArchiveRun = { archived: [], refused: [], before };
  const retainUntil = new Date(options.now.getTime() + options.archiveDays * 86_400_000);
  for (const partition of todo) {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': chainPk(partition) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const listed = done.get(partition);
    const key = archiveKey(partition);
    let lines: Array<{ key: string; start: number; length: number }>;
    let entry: Record<string, unknown>;
    if (listed) {
      // Listed already: the archive is the record; stub what is still whole.
      const text = await store.get(listed.key);
      if (text === undefined) {
        run.refused.push({ partition, reason: `listed as archived but ${listed.key} is missing` });
        continue;
      }
      lines = encodeArchive(decodeArchive(text), listed.key).lines;
      entry = { ...listed };
    } else {
      const verifier = new ChainVerifier(partition);
      for (const item of items) if (!verifier.add(item)) break;
      const report = verifier.report();
      if (report.broken || !report.head) {
        run.refused.push({ partition, reason: report.broken?.message ?? 'no records' });
        continue;
      }
      const encoded = encodeArchive(items, key);
      await store.put(key, encoded.text, retainUntil);
      const back = await store.get(key);
      if (back !== encoded.text) {
        run.refused.push({ partition, reason: `the archive read back from ${store.description} differs from what was written` });
        continue;
      }
      entry = {
        pk: ARCHIVED_PK,
        sk: `${parsePartition(partition)?.day ?? 'unknown'}#${partition}`,
        partition,
        day: parsePartition(partition)?.day,
        key,
        records: items.length,
        head: report.head,
      };
      await doc.send(new PutCommand({ TableName: table, Item: entry }));
      lines = encoded.lines;
    }
    for (const [i, item] of items.entries()) {
      const at = lines[i];
      if (!at || isStub(item)) continue;
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: stubOf(item, at),
            // The hash as stored: `hash`, or `h` in the compact form (domain/audit/stored.ts).
            ConditionExpression: '#hash = :hash',
            ExpressionAttributeNames: { '#hash': item.hash === undefined ? 'h' : 'hash' },
            ExpressionAttributeValues: { ':hash': item.hash ?? item.h },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    await doc.send(new PutCommand({ TableName: table, Item: { ...entry, complete: true } }));
    run.archived.push({ partition, records: items.length, key: listed?.key ?? key });
  }
  return run;
}
