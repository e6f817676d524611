/**
 * Page tokens as bytes (domain/lookup/page-token.ts): the key derivation, the canonical encoding and
 * the cursor shapes a token may carry; the forwarded lookup's schemas and MAC (forwarded.ts); the
 * projection of records and pages (project.ts); and the subject's error texts (domain/subject.ts).
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import type { ContractDefinition } from '../../contracts/model.ts';
import { ForwardedLookup, Mac, SignedForwardedLookup, signForwarded, verifyForwarded } from '../../domain/lookup/forwarded.ts';
import { openPageToken, PAGE_TOKEN_TTL_MS, sealPageToken } from '../../domain/lookup/page-token.ts';
import { ProjectionError, project, projectList } from '../../domain/lookup/project.ts';
import { knownSubject, SubjectError, subjectFor } from '../../domain/subject.ts';

const scope = { contract: 'land.parcels-by-owner', major: 1, subjectHash: 'h1' };
const T0 = new Date('2026-06-01T00:00:00.000Z');

/** A token made by hand the way the module documents it: AES-256-GCM under HMAC-SHA256('ndx-page-token/v1', subjectHash). */
function craft(payload: unknown, subjectHash = scope.subjectHash, iv = Buffer.alloc(12, 7)): string {
  const key = createHmac('sha256', 'ndx-page-token/v1').update(subjectHash).digest();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([iv, cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return `p1.${sealed.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}
const payload = (k: unknown, e = T0.getTime() + 1) => ({ c: scope.contract, m: scope.major, k, e });

describe('page tokens as bytes', () => {
  it('open when made with the documented key and layout, and carry an expiry one TTL after sealing', () => {
    expect(openPageToken(craft(payload('cursor')), scope, T0)).toBe('cursor');
    expect(openPageToken(craft(payload('cursor'), 'h2'), scope, T0)).toBeUndefined();
    expect(openPageToken(craft(payload('cursé')), scope, T0)).toBe('cursé');
    // Expiry is exclusive: a token whose expiry is now is closed.
    expect(openPageToken(craft(payload('c', T0.getTime())), scope, T0)).toBeUndefined();
    expect(PAGE_TOKEN_TTL_MS).toBe(24 * 3_600_000);
    const sealed = sealPageToken('c', scope, T0);
    expect(openPageToken(sealed, scope, new Date(T0.getTime() + PAGE_TOKEN_TTL_MS - 1))).toBe('c');
  });

  it('carry only a string cursor or a key of strings', () => {
    expect(openPageToken(craft(payload({ pk: 'a', sk: 'b' })), scope, T0)).toEqual({ pk: 'a', sk: 'b' });
    expect(openPageToken(craft(payload({})), scope, T0)).toEqual({});
    for (const k of [1, null, ['a'], { pk: 1 }, { pk: 'a', sk: null }, true, undefined]) {
      expect(openPageToken(craft(payload(k)), scope, T0), JSON.stringify(k)).toBeUndefined();
    }
    expect(openPageToken(craft({ c: scope.contract, m: 2, k: 'c', e: T0.getTime() + 1 }), scope, T0)).toBeUndefined();
    expect(openPageToken(craft({ c: 'other', m: 1, k: 'c', e: T0.getTime() + 1 }), scope, T0)).toBeUndefined();
    expect(openPageToken(craft({ c: scope.contract, m: 1, k: 'c' }), scope, T0)).toBeUndefined();
  });

  it('refuse a token whose text is not the canonical encoding of its bytes', () => {
    const token = craft(payload('cursor'));
    const [, sealedText = '', tagText = ''] = token.split('.');
    // 16 bytes in 22 characters: the last character carries 4 unused bits.
    const last = tagText.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    const tagVariant = `p1.${sealedText}.${tagText.slice(0, -1)}${sibling}`;
    expect(Buffer.from(tagVariant.split('.')[2] ?? '', 'base64url')).toEqual(Buffer.from(tagText, 'base64url'));
    expect(openPageToken(tagVariant, scope, T0)).toBeUndefined();
    // The sealed part: pad the payload so its length leaves unused bits too.
    for (let pad = 0; pad < 3; pad++) {
      const t = craft({ ...payload('cursor'), p: 'x'.repeat(pad) });
      const [, s = '', g = ''] = t.split('.');
      if ((s.length * 6) % 8 === 0) continue;
      const end = s.at(-1) ?? '';
      const variant = `p1.${s.slice(0, -1)}${alphabet[alphabet.indexOf(end) ^ 1]}.${g}`;
      expect(Buffer.from(variant.split('.')[1] ?? '', 'base64url')).toEqual(Buffer.from(s, 'base64url'));
      expect(openPageToken(t, scope, T0)).toBe('cursor');
      expect(openPageToken(variant, scope, T0)).toBeUndefined();
    }
  });

  it('refuse a token too short to hold an IV and a payload', () => {
    const tag = 'A'.repeat(22);
    expect(openPageToken(`p1.${Buffer.alloc(12).toString('base64url')}.${tag}`, scope, T0)).toBeUndefined();
    expect(openPageToken(`p1.${Buffer.alloc(3).toString('base64url')}.${tag}`, scope, T0)).toBeUndefined();
    expect(openPageToken('p1.', scope, T0)).toBeUndefined();
  });
});

describe('forwarded lookups: schemas and MAC', () => {
  const definition = findContract('population.identity-verification') as ContractDefinition;
  const base: ForwardedLookup = {
    kind: 'ndx.forwarded-lookup.v1',
    consumer: 'hanoi-land-office',
    request: {
      requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
      contract: definition.id,
      version: '1',
      purpose: 'LAND_REGISTRATION',
      subject: { nationalId: '001203004567' },
    },
    version: '1.0.0',
    basis: { kind: 'legal', id: 'x', instrument: 'y', article: 'z' },
    subjectHash: 'h',
    requestDigest: 'd',
    receivedMessageId: 'm',
    receivedAt: '2026-06-01T00:00:00.000Z',
  } as ForwardedLookup;
  const key = { version: 'v1', secret: 's' };

  it('signs the canonical content under the documented domain, and verifies only that', () => {
    const signed = signForwarded(base, key);
    expect(SignedForwardedLookup.parse(signed)).toEqual(signed);
    const { mac: _mac, ...content } = signed;
    const canonical = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(canonical).join(',')}]`
        : v && typeof v === 'object'
          ? `{${Object.keys(v)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
              .join(',')}}`
          : JSON.stringify(v);
    expect(signed.mac.value).toBe(createHmac('sha256', 's').update('ndx.forwarded-lookup.v1\n').update(canonical(content)).digest('hex'));
    expect(verifyForwarded(signed, key)).toEqual(base);
    expect(verifyForwarded({ ...signed, mac: { ...signed.mac, value: signed.mac.value.slice(0, 62) } }, key)).toBeUndefined();
    expect(verifyForwarded({ ...signed, mac: { ...signed.mac, value: `${signed.mac.value}00` } }, key)).toBeUndefined();
  });

  it('takes only the forwarded-lookup kind, a MAC key version of 1 to 64 characters and a 64-digit lowercase hex value', () => {
    expect(ForwardedLookup.safeParse(base).success).toBe(true);
    expect(ForwardedLookup.safeParse({ ...base, kind: 'ndx.forwarded-lookup.v2' }).success).toBe(false);
    expect(ForwardedLookup.safeParse({ ...base, extra: 1 }).success).toBe(false);
    const hex = 'a'.repeat(64);
    expect(Mac.safeParse({ keyVersion: 'v', value: hex }).success).toBe(true);
    expect(Mac.safeParse({ keyVersion: 'v'.repeat(64), value: hex }).success).toBe(true);
    expect(Mac.safeParse({ keyVersion: 'v'.repeat(65), value: hex }).success).toBe(false);
    expect(Mac.safeParse({ keyVersion: '', value: hex }).success).toBe(false);
    for (const value of ['a'.repeat(63), 'a'.repeat(65), 'A'.repeat(64), `x${'a'.repeat(63)}`, `${'a'.repeat(63)}x`, `${'a'.repeat(64)}\n`]) {
      expect(Mac.safeParse({ keyVersion: 'v', value }).success, value).toBe(false);
    }
    expect(Mac.safeParse({ keyVersion: 'v', value: hex, x: 1 }).success).toBe(false);
    expect(SignedForwardedLookup.safeParse({ ...base, mac: { keyVersion: 'v', value: hex }, extra: 1 }).success).toBe(false);
    expect(SignedForwardedLookup.safeParse(base).success).toBe(false);
  });
});

describe('projection', () => {
  const owned = findContract('land.parcels-by-owner')?.versions[0];
  const single = findContract('population.identity-verification')?.versions[0];
  if (!owned || !single) throw new Error('no versions');
  const parcel = (n: number) => ({
    parcelId: `00001-0001-0000${n}`,
    address: { line: 'Thôn 1', commune: 'Xã A', province: 'Hà Nội' },
    area: 100,
    landUse: 'ONT',
    share: 100,
    certificateSerial: 'AB 123456',
    ownerId: 'x',
  });

  it('projects a page onto the list version’s items, with the next token only when there is one', () => {
    const next = sealPageToken('c', scope, T0);
    const page = projectList([parcel(1), parcel(2)], owned, next);
    const { ownerId: _o, ...item1 } = parcel(1);
    const { ownerId: _p, ...item2 } = parcel(2);
    expect(page).toEqual({ items: [item1, item2], nextPageToken: next });
    expect(projectList([], owned)).toEqual({ items: [] });
    expect(projectList([parcel(1)], owned, '')).toEqual({ items: [item1] });
  });

  it('refuses a page whose records do not fit, naming paths, not values, and a version that is not a list', () => {
    const { share: _s, ...noShare } = parcel(1);
    expect(() => projectList([parcel(1), { ...noShare, area: 'big' }], owned)).toThrow(
      new ProjectionError(`records do not fit ${owned.version}: items.1.area, items.1.share`),
    );
    expect(() => projectList([parcel(1)], single)).toThrow(new ProjectionError(`${single.version} is not a list version`));
    expect(new ProjectionError('x').name).toBe('ProjectionError');
  });

  it('leaves out fields the record does not have, and names every path that does not fit', () => {
    expect(() => project({ nationalId: '001203004567' }, single)).toThrow(
      new ProjectionError(`record does not fit ${single.version}: fullName, dateOfBirth, status`),
    );
    const inherited = Object.create({ fullName: 'x' }) as Record<string, unknown>;
    expect(() => project(inherited, single)).toThrow(ProjectionError);
  });
});

describe('subjects', () => {
  const version = findContract('population.identity-verification')?.versions[0];
  if (!version) throw new Error('no version');

  it('names each wrong key and why, and a missing one as missing', () => {
    expect(() => subjectFor(version, 'population.identity-verification', { nationalId: '001203004567', extra: 'x' } as never)).toThrow(
      new SubjectError(
        `not a subject of population.identity-verification@${version.version} (it takes nationalId): subject: not a key of this subject (extra)`,
      ),
    );
    expect(() => subjectFor(version, 'population.identity-verification', {})).toThrow(
      new SubjectError(`not a subject of population.identity-verification@${version.version} (it takes nationalId): nationalId: missing`),
    );
    expect(() => subjectFor(version, 'population.identity-verification', { nationalId: 1 } as never)).toThrow(/nationalId: (?!missing)/);
    expect(() => subjectFor(version, 'c', { nationalId: 'x', other: 'y' })).toThrow(/nationalId: .+; subject: not a key of this subject \(other\)$/);
  });

  it('says which subjects exist when none has these keys, and what is wrong when one has them', () => {
    expect(() => knownSubject({ nationalId: '1' })).toThrow(/^not a valid subject: nationalId: /);
    let message = '';
    try {
      knownSubject({ b: 'x', a: 'y' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^no contract looks anything up by a\+b; subjects are nationalId, /);
    expect(message).toContain('parcelId');
    expect(message.split(', ').filter((s) => s.endsWith('nationalId'))).toHaveLength(1);
    expect(() => knownSubject({})).toThrow(/^no contract looks anything up by nothing; /);
  });
});
