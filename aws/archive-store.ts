/** Where archived audit partitions are kept (aws/audit-archive.ts): an S3 bucket with Object Lock, or a local folder. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArchiveStore } from './audit-archive.ts';

/** Archived partitions in a folder (`<dataDir>/<key>`), written once and made read-only: a local stand-in for Object Lock. */
export class FileArchiveStore implements ArchiveStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
  }

  get description(): string {
    return path.join(this.root, 'audit-archive');
  }

  async put(key: string, text: string): Promise<void> {
    const file = path.join(this.root, ...key.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await writeFile(file, text, { flag: 'wx', mode: 0o444 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((await readFile(file, 'utf8')) !== text) throw new Error(`${file} exists with other content; an archived partition is never replaced`);
    }
  }

  async get(key: string, range?: { start: number; length: number }): Promise<string | undefined> {
    let buf: Buffer;
    try {
      buf = await readFile(path.join(this.root, ...key.split('/')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return (range ? buf.subarray(range.start, range.start + range.length) : buf).toString('utf8');
  }
}

/** Archived partitions in an S3 bucket with Object Lock: each object locked until `retainUntil`, in Glacier Instant Retrieval. */
export class S3ArchiveStore implements ArchiveStore {
  private readonly s3: S3Client;
  readonly bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  get description(): string {
    return `s3://${this.bucket}/audit-archive/`;
  }

  async put(key: string, text: string, retainUntil?: Date): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: text,
          ContentType: 'application/x-ndjson',
          StorageClass: 'GLACIER_IR',
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'CRC32',
          ...(retainUntil ? { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: retainUntil } : {}),
        }),
      );
    } catch (error) {
      // Already there (a re-run): accepted when it is the same archive.
      if ((error as { name?: string }).name !== 'PreconditionFailed') throw error;
      if ((await this.get(key)) !== text) throw new Error(`s3://${this.bucket}/${key} exists with other content; an archived partition is never replaced`);
    }
  }

  async get(key: string, range?: { start: number; length: number }): Promise<string | undefined> {
    try {
      const out = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.start + range.length - 1}` } : {}) }),
      );
      return out.Body ? await out.Body.transformToString('utf8') : undefined;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}
