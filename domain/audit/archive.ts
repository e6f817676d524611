/**
 * Audit retention, as pure rules: which chain partitions are old enough to leave DynamoDB for the
 * archive (an S3 bucket with Object Lock, or a local folder), how a partition is written there (one
 * JSON line per record, as stored, so the hash chain verifies from the archive alone), and the stub
 * left in DynamoDB in each record's place: its keys, subject index keys and hash, and where its line
 * is in the archive object, so that the citizen's view still finds it and reads it back, and
 * `verify` walks the archived chain.
 */
import { canonicalJson } from '../../contracts/canonical.ts';
import { MIN_HOT_DAYS } from '../../config/limits.ts';
import { ARCHIVE_PREFIX } from '../../config/names.ts';
import { parsePartition } from './chain.ts';

export { MIN_HOT_DAYS };

/** The item collection of archived partitions: `archived` / `<day>#<partition>`. */
export const ARCHIVED_PK = 'archived';
/** Object keys of archived partitions start with this (config/names.ts). */
export { ARCHIVE_PREFIX };

/** The object key of a partition's archive: `audit-archive/<day>/<partition>.jsonl` (`#` → `_`). */
export function archiveKey(partition: string): string {
  const p = parsePartition(partition);
  if (!p) throw new Error(`not an audit partition: ${partition}`);
  return `${ARCHIVE_PREFIX}${p.day}/${partition.replace(/#/g, '_')}.jsonl`;
}

/** The UTC day before which partitions are archived: `hotDays` before `now`. */
export function archiveCutoff(now: Date, hotDays: number): string {
  if (!Number.isInteger(hotDays) || hotDays < MIN_HOT_DAYS) throw new Error(`records stay at least ${MIN_HOT_DAYS} days in DynamoDB, got ${hotDays}`);
  return new Date(now.getTime() - hotDays * 86_400_000).toISOString().slice(0, 10);
}

/** The partitions (of those listed) whose day is before the cutoff, and not archived yet. */
export function archivable(partitions: readonly string[], archived: ReadonlySet<string>, now: Date, hotDays: number): string[] {
  const cutoff = archiveCutoff(now, hotDays);
  return partitions.filter((p) => {
    const day = parsePartition(p)?.day;
    return day !== undefined && day < cutoff && !archived.has(p);
  });
}

/** Where one record's line is in its partition's archive object (bytes). */
export interface ArchivedAt {
  key: string;
  start: number;
  length: number;
}

/** A partition's records as an archive object: one canonical JSON line per record, in seq order, and where each line is. */
export function encodeArchive(records: readonly Readonly<Record<string, unknown>>[], key: string): { text: string; lines: ArchivedAt[] } {
  const lines: ArchivedAt[] = [];
  let start = 0;
  const parts: string[] = [];
  for (const r of records) {
    const line = `${canonicalJson(r)}\n`;
    // Stryker disable next-line StringLiteral: Node counts UTF-8 bytes by default; the encoding is named for the reader
    const length = Buffer.byteLength(line, 'utf8');
    lines.push({ key, start, length });
    parts.push(line);
    start += length;
  }
  return { text: parts.join(''), lines };
}

/** The records of an archive object, in order. */
export function decodeArchive(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * What stays in DynamoDB of an archived record: its keys, the subject index's keys (so the citizen's
 * view still lists it), its kind, audit id and hash, and where its line is in the archive. A record in
 * the compact form (stored.ts) keeps its audit id and hash under their short names (`id`, `h`): its
 * marker in the subject's collection still lists it, and a search by audit id still finds the stub.
 */
export function stubOf(record: Readonly<Record<string, unknown>>, at: ArchivedAt): Record<string, unknown> {
  const keep = ['pk', 'sk', 'subjectHash', 'at', 'kind', 'auditId', 'hash', 'id', 'h'];
  return { ...Object.fromEntries(keep.filter((k) => record[k] !== undefined).map((k) => [k, record[k]])), archived: at };
}

/** Whether a stored chain item is a stub whose record is in the archive. */
export function isStub(item: Readonly<Record<string, unknown>>): item is Record<string, unknown> & { archived: ArchivedAt } {
  const a = item.archived as Partial<ArchivedAt> | undefined;
  return typeof a === 'object' && a !== null && typeof a.key === 'string' && typeof a.start === 'number' && typeof a.length === 'number';
}
