/**
 * Which anchor `ndx audit verify` checks against: `--anchor FILE`, none with `--no-anchor`, else the
 * latest stored one (the anchor bucket when one is named, the local data folder against the local
 * engine), and it says which. And `ndx ops redrive` on AWS goes through `ndx-redrive`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { anchorStore, chosenAnchor } from '../../cli/audit.ts';
import { redriveThroughFunction } from '../../aws/operations.ts';
import { FileAnchorStore, S3AnchorStore } from '../../aws/anchor-store.ts';
import type { AuditAnchor } from '../../domain/audit/anchor.ts';

const local = { endpoint: 'http://localhost:4566', local: true };
const aws = { endpoint: undefined, local: false };
const anchor = (takenAt: string): AuditAnchor => ({
  kind: 'ndx.audit-anchor.v1',
  takenAt,
  partitions: [{ partition: 'population#2026-11-28#1', seq: 2, hash: 'a'.repeat(64) }],
});
const saved = { dataDir: process.env.NDX_DATA_DIR, bucket: process.env.NDX_ANCHOR_BUCKET };

afterEach(() => {
  for (const [k, v] of [
    ['NDX_DATA_DIR', saved.dataDir],
    ['NDX_ANCHOR_BUCKET', saved.bucket],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('ndx audit verify: the anchor', () => {
  it('is the latest one under NDX_DATA_DIR against the local engine, and names its file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ndx-data-'));
    process.env.NDX_DATA_DIR = dir;
    delete process.env.NDX_ANCHOR_BUCKET;
    expect((await chosenAnchor({}, local)).source).toBe(`none stored yet in ${path.join(dir, 'anchors')}`);
    const store = new FileAnchorStore(dir);
    await store.put(anchor('2026-11-29T00:00:00.000Z'));
    const newest = await store.put(anchor('2026-11-29T01:00:00.000Z'));
    expect(await chosenAnchor({}, local)).toEqual({ anchor: anchor('2026-11-29T01:00:00.000Z'), source: newest });
    // The local data folder is not AWS's: against AWS only a bucket counts.
    expect((await chosenAnchor({}, aws)).anchor).toBeUndefined();
  });

  it('is the file of --anchor, or none with --no-anchor, whatever is stored', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ndx-data-'));
    process.env.NDX_DATA_DIR = dir;
    await new FileAnchorStore(dir).put(anchor('2026-11-29T01:00:00.000Z'));
    const file = path.join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify(anchor('2026-11-20T00:00:00.000Z')));
    expect(await chosenAnchor({ anchor: file }, local)).toEqual({ anchor: anchor('2026-11-20T00:00:00.000Z'), source: file });
    expect(await chosenAnchor({ anchor: false }, local)).toEqual({ source: 'none (--no-anchor)' });
  });

  it('comes from the bucket of --anchor-bucket or NDX_ANCHOR_BUCKET when one is named', () => {
    delete process.env.NDX_DATA_DIR;
    delete process.env.NDX_ANCHOR_BUCKET;
    expect(anchorStore({}, aws)).toBeUndefined();
    expect(anchorStore({ anchorBucket: 'ndx-anchors' }, aws)).toBeInstanceOf(S3AnchorStore);
    expect(anchorStore({}, aws, { NDX_ANCHOR_BUCKET: 'b' })!.description).toBe('s3://b/anchors/');
    expect(anchorStore({}, local, { NDX_DATA_DIR: '/tmp/x' })).toBeInstanceOf(FileAnchorStore);
  });

  it('commander reads --anchor FILE, --no-anchor and neither as a file name, false and undefined', () => {
    const parse = (...args: string[]) => {
      const c = new Command().exitOverride().option('--anchor <file>').option('--no-anchor');
      c.parse(args, { from: 'user' });
      return c.opts<{ anchor?: string | false }>().anchor;
    };
    expect(parse('--anchor', 'a.json')).toBe('a.json');
    expect(parse('--no-anchor')).toBe(false);
    expect(parse()).toBeUndefined();
  });
});

describe('ndx ops redrive on AWS', () => {
  it('asks ndx-redrive to move the queue’s dead letters back, and reports its refusal', async () => {
    const sent: unknown[] = [];
    const lambda = (answer: { Payload: string; FunctionError?: string }) =>
      ({
        async send(command: unknown) {
          if (!(command instanceof InvokeCommand)) throw new Error('unexpected command');
          sent.push({ ...command.input, Payload: JSON.parse(new TextDecoder().decode(command.input.Payload as Uint8Array)) });
          return { Payload: new TextEncoder().encode(answer.Payload), ...(answer.FunctionError ? { FunctionError: answer.FunctionError } : {}) };
        },
      }) as unknown as LambdaClient;
    const start = redriveThroughFunction(lambda({ Payload: JSON.stringify({ taskHandle: 'task-1' }) }));
    expect(await start('ndx-agency-hanoi-land-office-out', 10)).toBe('task-1');
    expect(sent).toEqual([{ FunctionName: 'ndx-redrive', Payload: { queue: 'ndx-agency-hanoi-land-office-out', rate: 10 } }]);
    const refused = redriveThroughFunction(
      lambda({ Payload: JSON.stringify({ errorType: 'ZodError', errorMessage: 'not a queue' }), FunctionError: 'Unhandled' }),
    );
    await expect(refused('x', undefined)).rejects.toThrow('ndx-redrive refused the redrive: ZodError: not a queue');
  });
});
