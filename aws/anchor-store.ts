/**
 * Where audit anchors (audit-anchor.ts) are kept, so that tamper evidence does not depend on someone
 * remembering to keep them: on AWS an S3 bucket with Object Lock in COMPLIANCE mode (written by the
 * scheduled anchor function), locally a folder under NDX_DATA_DIR (written by the local engine).
 *
 * Both stores use the same object keys, sortable by time, so "the latest anchor" is a listing:
 * `anchors/YYYY/MM/DD/YYYY-MM-DDTHH-MM-SS.mmmZ.json` (the UTC instant the anchor was taken, with `-`
 * for `:` so the key is also a portable file name). An anchor is never overwritten.
 */
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AuditAnchor } from '../domain/audit/anchor.ts';
import { ANCHOR_PREFIX } from '../config/names.ts';

/** The folder of anchors under a local data directory. */
export const LOCAL_ANCHOR_FOLDER = 'anchors';

const KEY = /^anchors\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})Z\.json$/;

/** The key of an anchor taken at `takenAt` (an ISO instant). */
export function anchorKey(takenAt: string): string {
  const at = new Date(takenAt);
  if (Number.isNaN(at.getTime())) throw new Error(`not an instant: ${takenAt}`);
  const iso = at.toISOString();
  return `${dayPrefix(at)}${iso.slice(0, 10)}T${iso.slice(11, 23).replace(/:/g, '-')}Z.json`;
}

/** The key prefix of a UTC day's anchors: `anchors/YYYY/MM/DD/`. */
export function dayPrefix(day: Date): string {
  const iso = day.toISOString();
  return `${ANCHOR_PREFIX}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/`;
}

/** Whether a key is one `anchorKey` makes (and its folders agree with its instant). */
export function isAnchorKey(key: string): boolean {
  const m = KEY.exec(key);
  return !!m && m[4] === `${m[1]}-${m[2]}-${m[3]}`;
}

/** The newest of the anchor keys (keys sort by time), ignoring anything else in the listing. */
export function latestKey(keys: Iterable<string>): string | undefined {
  let latest: string | undefined;
  for (const k of keys) if (isAnchorKey(k) && (latest === undefined || k > latest)) latest = k;
  return latest;
}

export class AnchorFormatError extends Error {
  override readonly name = 'AnchorFormatError';
}

/** Parses a stored anchor, saying where and what is wrong. */
export function parseAnchor(text: string, where: string): AuditAnchor {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AnchorFormatError(`${where} is not JSON; an anchor is what \`ndx audit anchor\` or the anchor job writes`);
  }
  const parsed = AuditAnchor.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const detail = first ? `${first.path.join('.') || 'the document'}: ${first.message}` : 'it does not match the anchor schema';
    throw new AnchorFormatError(`${where} is not an ndx audit anchor (${detail})`);
  }
  return parsed.data;
}

export interface StoredAnchor {
  anchor: AuditAnchor;
  /** Where it is kept: a file path or an `s3://bucket/key` URL. */
  location: string;
}

export interface AnchorStore {
  /** Where this store keeps anchors, for messages. */
  readonly description: string;
  /** The newest anchor, if any. */
  latest(): Promise<StoredAnchor | undefined>;
  /** Keeps an anchor (never replacing one); resolves to its location. */
  put(anchor: AuditAnchor): Promise<string>;
}

const document = (anchor: AuditAnchor) => `${JSON.stringify(anchor, null, 2)}\n`;

/**
 * Anchors in a folder (`<dataDir>/anchors/...`, the same keys as in S3). Files are created
 * exclusively and made read-only: a local stand-in for write-once storage, not a guarantee.
 */
export class FileAnchorStore implements AnchorStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
  }

  get description(): string {
    return path.join(this.root, LOCAL_ANCHOR_FOLDER);
  }

  async put(anchor: AuditAnchor): Promise<string> {
    const file = path.join(this.root, ...anchorKey(anchor.takenAt).split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, document(AuditAnchor.parse(anchor)), { flag: 'wx' });
    await chmod(file, 0o444);
    return file;
  }

  async latest(): Promise<StoredAnchor | undefined> {
    // Walk years, months, days newest first; the first day holding an anchor holds the latest.
    const base = path.join(this.root, LOCAL_ANCHOR_FOLDER);
    for (const year of await descending(base, /^\d{4}$/)) {
      for (const month of await descending(path.join(base, year), /^\d{2}$/)) {
        for (const day of await descending(path.join(base, year, month), /^\d{2}$/)) {
          const names = await descending(path.join(base, year, month, day), /\.json$/);
          const key = latestKey(names.map((n) => `${ANCHOR_PREFIX}${year}/${month}/${day}/${n}`));
          if (!key) continue;
          const file = path.join(this.root, ...key.split('/'));
          return { anchor: parseAnchor(await readFile(file, 'utf8'), file), location: file };
        }
      }
    }
    return undefined;
  }
}

async function descending(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((n) => pattern.test(n))
      .sort()
      .reverse();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface S3AnchorStoreOptions {
  /** Days to look back, one listing per day, before listing the whole prefix. @default 3 */
  recentDays?: number;
  now?: () => Date;
}

/**
 * Anchors in an S3 bucket. The bucket's Object Lock default retention (COMPLIANCE) locks each object
 * on write; `put` also refuses to replace an existing key (`If-None-Match: *`).
 */
export class S3AnchorStore implements AnchorStore {
  private readonly s3: S3Client;
  readonly bucket: string;
  private readonly o: S3AnchorStoreOptions;

  constructor(s3: S3Client, bucket: string, options: S3AnchorStoreOptions = {}) {
    this.s3 = s3;
    this.bucket = bucket;
    this.o = options;
  }

  get description(): string {
    return `s3://${this.bucket}/${ANCHOR_PREFIX}`;
  }

  async put(anchor: AuditAnchor): Promise<string> {
    const key = anchorKey(anchor.takenAt);
    const body = document(AuditAnchor.parse(anchor));
    // Object Lock needs an integrity checksum on every put; the SDK computes CRC32 when asked.
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*', ChecksumAlgorithm: 'CRC32' }),
    );
    return `s3://${this.bucket}/${key}`;
  }

  async latest(): Promise<StoredAnchor | undefined> {
    const now = (this.o.now ?? (() => new Date()))();
    let key: string | undefined;
    for (let back = 0; back < (this.o.recentDays ?? 3) && !key; back++) {
      key = latestKey(await this.list(dayPrefix(new Date(now.getTime() - back * 86_400_000))));
    }
    key ??= latestKey(await this.list(ANCHOR_PREFIX));
    if (!key) return undefined;
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const location = `s3://${this.bucket}/${key}`;
    if (!out.Body) throw new AnchorFormatError(`${location} came back from S3 with no body`);
    return { anchor: parseAnchor(await out.Body.transformToString('utf8'), location), location };
  }

  private async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
