/**
 * The console's rules: who a verified ID token is, where each principal may go, sessions (hashed,
 * bounded, ended at sign-out), sign-ins (bound to their browser, used once, before a deadline), the
 * return path after sign-in, and the citizen's desk (own data only).
 */
import { describe, expect, it } from 'vitest';
import { NationalId } from '../../contracts/identifiers.ts';
import { findContract } from '../../contracts/catalog.ts';
import type { ConsentRecord } from '../../domain/consent/consent.ts';
import { ConsentNotFoundError } from '../../domain/consent/service.ts';
import { allowedChanges, CITIZEN_ACTOR, CitizenDesk, NotYoursError } from '../../domain/console/citizen.ts';
import { homeOf, mayEnter, type Principal, principalOf, SignInRefusedError } from '../../domain/console/principal.ts';
import { SESSION_SECONDS, SIGN_IN_SECONDS, safeReturn, sameText, type SessionStore, Sessions, sessionKey } from '../../domain/console/session.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { consentRecord } from '../fixtures/consent.ts';

const hash = subjectHasher('test-pepper');
const ID = '001203004567';

describe('principalOf', () => {
  it('makes a citizen of a valid national ID, keeping only its keyed hash', () => {
    expect(NationalId.safeParse(ID).success).toBe(true);
    const p = principalOf({ 'custom:national_id': ID }, hash);
    expect(p).toEqual({ kind: 'citizen', subjectHash: hash({ nationalId: ID }) });
    expect(JSON.stringify(p)).not.toContain(ID);
  });

  it('makes staff of a staff group and a verified e-mail, lower-cased, ignoring groups it does not know', () => {
    expect(principalOf({ 'cognito:groups': ['admins', 'dpo', 'steward'], email: 'Lan@Population.gov.vn', email_verified: true }, hash)).toEqual({
      kind: 'staff',
      email: 'lan@population.gov.vn',
      roles: ['steward', 'dpo'],
    });
    // Staff wins over a national ID in the same token (an official acting in role).
    expect(principalOf({ 'cognito:groups': ['operator'], email: 'o@ndx.gov.vn', 'custom:national_id': ID }, hash).kind).toBe('staff');
  });

  it('refuses staff without an e-mail or with an unverified one, and anyone who is neither', () => {
    expect(() => principalOf({ 'cognito:groups': ['operator'] }, hash)).toThrow(SignInRefusedError);
    expect(() => principalOf({ 'cognito:groups': ['operator'], email: 'o@ndx.gov.vn', email_verified: false }, hash)).toThrow(/verified/);
    expect(() => principalOf({ 'cognito:groups': 'operator', email: 'o@ndx.gov.vn' }, hash)).toThrow(SignInRefusedError);
    expect(() => principalOf({ 'cognito:groups': ['admins'], email: 'x@ndx.gov.vn' }, hash)).toThrow(/neither/);
    expect(() => principalOf({ 'custom:national_id': '123' }, hash)).toThrow(SignInRefusedError);
    expect(() => principalOf({}, hash)).toThrow(SignInRefusedError);
  });

  it('reads the claims the configuration names', () => {
    const names = { groups: 'roles', nationalId: 'pid' };
    expect(principalOf({ pid: ID }, hash, names).kind).toBe('citizen');
    expect(principalOf({ roles: ['dpo'], email: 'd@ndx.gov.vn' }, hash, names)).toMatchObject({ kind: 'staff', roles: ['dpo'] });
    expect(() => principalOf({ 'custom:national_id': ID }, hash, names)).toThrow(SignInRefusedError);
  });
});

describe('mayEnter and homeOf', () => {
  const citizen: Principal = { kind: 'citizen', subjectHash: 'a'.repeat(64) };
  const staff = (...roles: ('steward' | 'dpo' | 'operator')[]): Principal => ({ kind: 'staff', email: 's@ndx.gov.vn', roles });

  it('lets each principal into its own areas only', () => {
    const table = [citizen, staff('steward'), staff('dpo'), staff('operator'), staff('steward', 'operator')].map((p) => [
      mayEnter(p, 'citizen'),
      mayEnter(p, 'steward'),
      mayEnter(p, 'operator'),
    ]);
    expect(table).toEqual([
      [true, false, false],
      [false, true, false],
      [false, true, false],
      [false, false, true],
      [false, true, true],
    ]);
  });

  it('lands each on its first area', () => {
    expect([citizen, staff('dpo'), staff('operator'), staff('operator', 'steward')].map(homeOf)).toEqual(['citizen', 'steward', 'operator', 'steward']);
  });
});

function memoryStore(): SessionStore & { items: Map<string, Record<string, unknown>> } {
  const items = new Map<string, Record<string, unknown>>();
  return {
    items,
    async put(r) {
      if (items.has(r.key)) throw new Error('exists');
      items.set(r.key, { ...r });
    },
    async get(key) {
      return items.get(key);
    },
    async take(key) {
      const r = items.get(key);
      items.delete(key);
      return r;
    },
    async delete(key) {
      items.delete(key);
    },
  };
}

describe('Sessions', () => {
  const principal: Principal = { kind: 'citizen', subjectHash: 'b'.repeat(64) };

  it('keeps only the hash of the token, and finds the session by the token', async () => {
    const store = memoryStore();
    const sessions = new Sessions({ store, clock: () => new Date('2026-11-29T00:00:00Z') });
    const { token, record } = await sessions.open(principal);
    expect([...store.items.keys()]).toEqual([sessionKey(token)]);
    expect(JSON.stringify([...store.items.values()])).not.toContain(token);
    expect(record.expiresAt).toBe(Date.parse('2026-11-29T00:00:00Z') / 1000 + SESSION_SECONDS);
    expect((await sessions.find(token))?.principal).toEqual(principal);
    expect(record.csrf).not.toBe(token);
  });

  it('ends a session at its deadline exactly, and at sign-out', async () => {
    let now = Date.parse('2026-11-29T00:00:00Z');
    const store = memoryStore();
    const sessions = new Sessions({ store, clock: () => new Date(now) });
    const { token } = await sessions.open(principal);
    now += SESSION_SECONDS * 1000 - 1;
    expect(await sessions.find(token)).toBeDefined();
    now += 1;
    expect(await sessions.find(token)).toBeUndefined();
    now -= 1;
    await sessions.close(token);
    expect(await sessions.find(token)).toBeUndefined();
  });

  it('finds nothing for a missing, malformed or unknown token, or a record that does not parse', async () => {
    const store = memoryStore();
    const sessions = new Sessions({ store });
    const { token } = await sessions.open(principal);
    for (const t of [undefined, '', 'short', `${token}x`, 'A'.repeat(43)]) expect(await sessions.find(t)).toBeUndefined();
    store.items.set(sessionKey(token), { ...store.items.get(sessionKey(token)), principal: { kind: 'citizen', subjectHash: 'x' } });
    expect(await sessions.find(token)).toBeUndefined();
  });

  it('completes a sign-in once, only in the browser that began it, before its deadline', async () => {
    let now = Date.parse('2026-11-29T00:00:00Z');
    const store = memoryStore();
    const sessions = new Sessions({ store, clock: () => new Date(now) });
    const input = { verifier: 'v'.repeat(43), nonce: 'n'.repeat(43), returnTo: '/console/me/consents' };
    const a = await sessions.begin(input);
    expect(await sessions.complete(a.state, 'another-browser')).toBeUndefined();
    // The failed attempt spent it: a sign-in is tried once.
    expect(await sessions.complete(a.state, a.cookie)).toBeUndefined();
    const b = await sessions.begin(input);
    expect((await sessions.complete(b.state, b.cookie))?.returnTo).toBe('/console/me/consents');
    expect(await sessions.complete(b.state, b.cookie)).toBeUndefined();
    const c = await sessions.begin(input);
    now += SIGN_IN_SECONDS * 1000;
    expect(await sessions.complete(c.state, c.cookie)).toBeUndefined();
    const d = await sessions.begin(input);
    now += SIGN_IN_SECONDS * 1000 - 1;
    expect(await sessions.complete(d.state, d.cookie)).toBeDefined();
    expect(await sessions.complete(undefined, d.cookie)).toBeUndefined();
  });
});

describe('safeReturn and sameText', () => {
  it('returns only to console paths', () => {
    expect(safeReturn('/console/me/consents')).toBe('/console/me/consents');
    expect(safeReturn('/console')).toBe('/console');
    for (const bad of [
      undefined,
      '',
      'https://evil.example/console',
      '//evil.example/console',
      '/console/../admin',
      '/consoleevil',
      '/elsewhere',
      '/console//x',
      'javascript:alert(1)',
    ])
      expect(safeReturn(bad)).toBe('/console');
  });

  it('compares strings exactly', () => {
    expect(sameText('abc', 'abc')).toBe(true);
    expect([sameText('abc', 'abd'), sameText('abc', 'ab'), sameText(undefined, 'a'), sameText('a', undefined)]).toEqual([false, false, false, false]);
  });
});

describe('CitizenDesk', () => {
  const me = hash({ nationalId: ID });
  const mine = consentRecord({ consentId: 'cns-mine', subjectHash: me });
  const theirs = consentRecord({ consentId: 'cns-theirs', subjectHash: 'c'.repeat(64) });
  const records = new Map<string, ConsentRecord>([
    [mine.consentId, mine],
    [theirs.consentId, theirs],
  ]);
  const changes: string[] = [];
  const desk = new CitizenDesk({
    trail: async (subjectHash) => ({
      entries:
        subjectHash === me
          ? [
              {
                auditId: 'a1',
                at: '2026-11-29T00:00:00.000Z',
                consumer: 'hanoi-land-office',
                contract: 'population.identity-verification',
                version: '1.0.0',
                purpose: 'LAND_REGISTRATION',
                basis: { kind: 'legal', id: 'x', instrument: 'Law 91/2025/QH15', article: 'Art. 19' },
                registry: 'population',
                fields: ['fullName', 'unknownField'],
                status: 'OK',
                code: 'OK',
                intact: true,
              },
            ]
          : [],
      withheld: subjectHash === me ? 2 : 0,
      released: subjectHash === me ? 1 : 0,
    }),
    consents: {
      get: async (id) => records.get(id),
      listBySubject: async (h) => [...records.values()].filter((r) => r.subjectHash === h),
    },
    change: async (id, change, by) => {
      changes.push(`${id} ${change} ${by}`);
      const r = records.get(id);
      if (!r) throw new ConsentNotFoundError(id);
      return { ...r, status: change === 'REVOKED' ? 'REVOKED' : change === 'PAUSED' ? 'PAUSED' : 'ACTIVE' };
    },
    findContract,
    agencyName: (id) => (id === 'hanoi-land-office' ? 'Hà Nội Land Registration Office' : undefined),
    clock: () => new Date('2026-12-01T00:00:00Z'),
  });
  const citizen: Principal = { kind: 'citizen', subjectHash: me };

  it('describes each access in words: agency name, purpose, basis, fields with their categories', async () => {
    const view = await desk.trail(citizen);
    expect(view.withheld).toBe(2);
    const [a] = view.accesses;
    expect(a?.agency).toEqual({ id: 'hanoi-land-office', name: 'Hà Nội Land Registration Office' });
    expect(a?.purpose?.description).toMatch(/land use right/);
    expect(a?.basis).toEqual({ kind: 'legal', instrument: 'Law 91/2025/QH15', article: 'Art. 19' });
    expect(a?.fields).toEqual([expect.objectContaining({ name: 'fullName', category: 'identity' }), { name: 'unknownField' }]);
  });

  it('lists only the citizen’s consents and treats another’s as not found, changing nothing', async () => {
    expect((await desk.consents(citizen)).map((v) => v.record.consentId)).toEqual(['cns-mine']);
    await expect(desk.consent(citizen, 'cns-theirs')).rejects.toThrow(NotYoursError);
    await expect(desk.change(citizen, 'cns-theirs', 'REVOKED')).rejects.toThrow(NotYoursError);
    await expect(desk.consent(citizen, 'cns-none')).rejects.toThrow(NotYoursError);
    await expect(desk.consent(citizen, '../../etc')).rejects.toThrow(NotYoursError);
    expect(changes).toEqual([]);
  });

  it('records the citizen as who changed their consent', async () => {
    const view = await desk.change(citizen, 'cns-mine', 'PAUSED');
    expect(changes).toEqual([`cns-mine PAUSED ${CITIZEN_ACTOR}`]);
    expect(view.actions).toEqual(['RESUMED', 'REVOKED']);
  });

  it('gives staff no trail and no consents', async () => {
    const staff: Principal = { kind: 'staff', email: 's@ndx.gov.vn', roles: ['operator'] };
    await expect(desk.trail(staff)).rejects.toThrow(NotYoursError);
    await expect(desk.consents(staff)).rejects.toThrow(NotYoursError);
  });

  it('offers the changes each status allows', () => {
    expect([allowedChanges('ACTIVE'), allowedChanges('PAUSED'), allowedChanges('REVOKED'), allowedChanges('EXPIRED')]).toEqual([
      ['PAUSED', 'REVOKED'],
      ['RESUMED', 'REVOKED'],
      [],
      [],
    ]);
  });
});
