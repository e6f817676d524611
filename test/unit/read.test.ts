/** What the adapter reads for a lookup: one record or one page, NOT_FOUND, and page requests refused before the source is read. */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { LookupRequest } from '../../contracts/protocol.ts';
import { sealPageToken } from '../../domain/lookup/page-token.ts';
import { checkPage } from '../../domain/lookup/page-rules.ts';
import { readForContract } from '../../domain/lookup/read.ts';
import type { ForwardedLookup } from '../../domain/lookup/forwarded.ts';
import { InvalidCursorError, type RegistrySource, type SourcePage } from '../../domain/lookup/registry-source.ts';

const owned = findContract('land.parcels-by-owner')!.versions[0]!;
const single = findContract('land.parcel')!.versions[0]!;
const subjectHash = 'c'.repeat(64);
const item = (n: number) => ({
  view: {
    parcelId: `00001-0001-0000${n}`,
    address: { line: 'Thôn 1', commune: 'Xã A', province: 'Hà Nội' },
    area: 100,
    landUse: 'ONT',
    share: 100,
    certificateSerial: 'AB 123456',
    ownerId: 'x',
    sk: 'OWNER#x',
  },
  updatedAt: `2026-0${n}-01T00:00:00.000Z`,
});

function lookup(contract: string, subject: Record<string, string>, page?: unknown): ForwardedLookup {
  return {
    kind: 'ndx.forwarded-lookup.v1',
    consumer: 'hanoi-land-office',
    request: LookupRequest.parse({
      requestId: '6a249d65-f7b2-4fdf-854a-d6db81023436',
      contract,
      purpose: 'LAND_REGISTRATION',
      subject,
      ...(page ? { page } : {}),
    }),
    version: '1.0.0',
    basis: { kind: 'legal', id: 'x', instrument: 'x', article: 'x' },
    subjectHash,
    requestDigest: 'd',
    receivedMessageId: 'm',
    receivedAt: '2026-11-01T00:00:00.000Z',
  };
}

function source(pages: Array<SourcePage | Error>): RegistrySource & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    get: async () => undefined,
    query: async (name, subject, page) => {
      calls.push({ name, subject, page });
      const next = pages.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

describe('readForContract: lists', () => {
  const owner = { nationalId: '001203004567' };

  it('answers a page with only the item fields, a sealed token when more follow, and the latest update as asOf', async () => {
    const src = source([{ items: [item(1), item(2)], next: { ownerId: 'x', parcelId: 'p', sk: 's' } }]);
    const out = await readForContract(src, lookup('land.parcels-by-owner', owner, { size: 2 }), owned);
    expect(out.code).toBe('OK');
    if (out.code !== 'OK') return;
    expect((out.data.items as object[]).map((i) => Object.keys(i).sort())).toEqual([
      Object.keys(owned.list!.item.shape).sort(),
      Object.keys(owned.list!.item.shape).sort(),
    ]);
    expect(out.data.nextPageToken).toMatch(/^p1\./);
    expect(out.updatedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(src.calls).toEqual([{ name: 'parcels-by-owner', subject: owner, page: { size: 2 } }]);
  });

  it('uses the default page size, answers NOT_FOUND for an empty first page and OK for an empty later one', async () => {
    const src = source([{ items: [] }, { items: [] }]);
    expect(await readForContract(src, lookup('land.parcels-by-owner', owner), owned)).toEqual({ code: 'SUBJECT_NOT_FOUND' });
    expect(src.calls[0]).toMatchObject({ page: { size: owned.list!.defaultPageSize } });
    const token = sealPageToken({ ownerId: 'x', parcelId: 'p', sk: 's' }, { contract: 'land.parcels-by-owner', major: 1, subjectHash });
    const later = await readForContract(src, lookup('land.parcels-by-owner', owner, { token }), owned);
    expect(later).toMatchObject({ code: 'OK', data: { items: [] }, fields: [] });
    expect(src.calls[1]).toMatchObject({ page: { after: { ownerId: 'x', parcelId: 'p', sk: 's' } } });
  });

  it('refuses a foreign token or a cursor the source disowns as SCHEMA_VIOLATION', async () => {
    const src = source([new InvalidCursorError('other subject')]);
    const foreign = sealPageToken('c', { contract: 'land.parcels-by-owner', major: 1, subjectHash: 'd'.repeat(64) });
    expect(await readForContract(src, lookup('land.parcels-by-owner', owner, { token: foreign }), owned)).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      issues: [{ path: 'page.token' }],
    });
    expect(src.calls).toHaveLength(0);
    const mine = sealPageToken('c', { contract: 'land.parcels-by-owner', major: 1, subjectHash });
    expect(await readForContract(src, lookup('land.parcels-by-owner', owner, { token: mine }), owned)).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      issues: [{ path: 'page.token' }],
    });
  });

  it('leaves the page rules to one module (router and adapter both check them before a read)', () => {
    expect(checkPage({ page: { size: owned.list!.maxPageSize + 1 } }, owned)).toEqual({
      path: 'page.size',
      message: `at most ${owned.list!.maxPageSize} for this contract version`,
    });
    expect(checkPage({ page: { size: owned.list!.maxPageSize } }, owned)).toBeUndefined();
    expect(checkPage({ page: { size: 1 } }, single)).toEqual({ path: 'page', message: 'this contract version does not answer with pages' });
    expect(checkPage({}, single)).toBeUndefined();
  });
});
