/** Continuation tokens: opaque, bound to subject and contract major, tamper-evident, expiring; and page admission. */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { withLifecycle } from '../../contracts/model.ts';
import { LookupRequest, PageToken } from '../../contracts/protocol.ts';
import { openPageToken, PAGE_TOKEN_TTL_MS, sealPageToken } from '../../domain/lookup/page-token.ts';
import { admit } from '../../domain/lookup/admit.ts';

const scope = { contract: 'land.parcels-by-owner', major: 1, subjectHash: 'a'.repeat(64) };
const cursor = { ownerId: '001203004567', parcelId: '00001-0001-00001', sk: 'OWNER#001203004567' };
const now = new Date('2026-11-01T00:00:00Z');

describe('page tokens', () => {
  it('open to the cursor they sealed, and match the protocol’s token format', () => {
    const token = sealPageToken(cursor, scope, now);
    expect(PageToken.safeParse(token).success).toBe(true);
    expect(openPageToken(token, scope, now)).toEqual(cursor);
    expect(openPageToken(sealPageToken('upstream-cursor', scope, now), scope, now)).toBe('upstream-cursor');
  });

  it('are opaque: the registry key inside does not show', () => {
    const token = sealPageToken(cursor, scope, now);
    expect(token).not.toContain(Buffer.from(cursor.ownerId).toString('base64url').slice(0, 12));
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString('latin1')).not.toContain(cursor.ownerId);
  });

  it('refuse any change, another subject, another contract or major, and expiry', () => {
    const token = sealPageToken(cursor, scope, now);
    for (let i = 3; i < token.length; i++) {
      if (token[i] === '.') continue;
      const changed = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      expect(openPageToken(changed, scope, now), `position ${i}`).toBeUndefined();
    }
    expect(openPageToken(token, { ...scope, subjectHash: 'b'.repeat(64) }, now)).toBeUndefined();
    expect(openPageToken(token, { ...scope, contract: 'business.enterprises-by-representative' }, now)).toBeUndefined();
    expect(openPageToken(token, { ...scope, major: 2 }, now)).toBeUndefined();
    expect(openPageToken(token, scope, new Date(now.getTime() + PAGE_TOKEN_TTL_MS - 1))).toEqual(cursor);
    expect(openPageToken(token, scope, new Date(now.getTime() + PAGE_TOKEN_TTL_MS))).toBeUndefined();
    expect(openPageToken('p1.abc.def', scope, now)).toBeUndefined();
    expect(openPageToken('', scope, now)).toBeUndefined();
  });
});

describe('page admission at the router', () => {
  const active = (id: string) => withLifecycle(findContract(id)!, new Map([['1.0.0', { status: 'active' as const }]]));
  const request = (contract: string, subject: Record<string, string>, page?: unknown) =>
    LookupRequest.parse({ requestId: '6a249d65-f7b2-4fdf-854a-d6db81023436', contract, purpose: 'LAND_REGISTRATION', subject, ...(page ? { page } : {}) });

  it('lets list versions page up to their maximum', () => {
    const owner = { nationalId: '001203004567' };
    expect(admit(request('land.parcels-by-owner', owner, { size: 50 }), 'hanoi-land-office', active).ok).toBe(true);
    expect(admit(request('land.parcels-by-owner', owner, { size: 51 }), 'hanoi-land-office', active)).toMatchObject({
      ok: false,
      code: 'SCHEMA_VIOLATION',
      issues: [{ path: 'page.size' }],
    });
    expect(admit(request('land.parcel', { parcelId: '00001-0001-00001' }, { size: 1 }), 'hanoi-land-office', active)).toMatchObject({
      ok: false,
      code: 'SCHEMA_VIOLATION',
      issues: [{ path: 'page' }],
    });
  });

  it('refuses pages above the protocol’s bound and tokens of another shape in the envelope', () => {
    const base = {
      requestId: '6a249d65-f7b2-4fdf-854a-d6db81023436',
      contract: 'land.parcels-by-owner',
      purpose: 'LAND_REGISTRATION',
      subject: { nationalId: '001203004567' },
    };
    expect(LookupRequest.safeParse({ ...base, page: { size: 101 } }).success).toBe(false);
    expect(LookupRequest.safeParse({ ...base, page: { size: 0 } }).success).toBe(false);
    expect(LookupRequest.safeParse({ ...base, page: { token: 'not-a-token' } }).success).toBe(false);
    expect(LookupRequest.safeParse({ ...base, page: { size: 5, extra: 1 } }).success).toBe(false);
  });
});
