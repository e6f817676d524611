/**
 * Console sessions at their edges (domain/console/session.ts), beside console-domain.test.ts: a token or
 * state of the wrong form opens nothing and consumes nothing even when the store holds a record under
 * its key, sign-out deletes only a well-formed token's session, a sign-in needs both its state and the
 * browser's cookie, where sign-in may send the browser back to, and the keys and lifetimes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../domain/console/principal.ts';
import {
  SESSION_SECONDS,
  SIGN_IN_SECONDS,
  SessionRecord,
  Sessions,
  SignInRecord,
  type SessionStore,
  safeReturn,
  sessionKey,
  signInKey,
} from '../../domain/console/session.ts';

const NOW = new Date('2026-11-29T00:00:00.000Z');
const principal: Principal = { kind: 'citizen', subjectHash: 'b'.repeat(64) };
const TOKEN = 'A'.repeat(43);

function store() {
  const items = new Map<string, Record<string, unknown>>();
  const calls: string[] = [];
  const s: SessionStore = {
    async put(record) {
      items.set(record.key, { ...record });
    },
    async get(key) {
      calls.push(`get ${key}`);
      return items.get(key);
    },
    async take(key) {
      calls.push(`take ${key}`);
      const item = items.get(key);
      items.delete(key);
      return item;
    },
    async delete(key) {
      calls.push(`delete ${key}`);
      items.delete(key);
    },
  };
  return { s, items, calls };
}

describe('console session edges', () => {
  it('last an hour, a sign-in ten minutes, and are keyed by the SHA-256 of the token or state', () => {
    expect(SESSION_SECONDS).toBe(3600);
    expect(SIGN_IN_SECONDS).toBe(600);
    const hex = createHash('sha256').update(TOKEN).digest('hex');
    expect(sessionKey(TOKEN)).toBe(`session#${hex}`);
    expect(signInKey(TOKEN)).toBe(`sign-in#${hex}`);
  });

  it('find nothing for a token of the wrong form, even with a live record under its key', async () => {
    const { s, items } = store();
    const sessions = new Sessions({ store: s, clock: () => NOW });
    const { record } = await sessions.open(principal);
    for (const bad of [`${TOKEN}A`, `!${TOKEN}`, `${TOKEN}!`, 'A'.repeat(42), `${'A'.repeat(42)}=`]) {
      items.set(sessionKey(bad), { ...record, key: sessionKey(bad) });
      expect(await sessions.find(bad)).toBeUndefined();
    }
    items.set(sessionKey(TOKEN), { ...record, key: sessionKey(TOKEN) });
    expect(await sessions.find(TOKEN)).toEqual({ ...record, key: sessionKey(TOKEN) });
    expect(await sessions.find(undefined)).toBeUndefined();
    expect(await sessions.find('')).toBeUndefined();
  });

  it('delete only the session of a well-formed token at sign-out', async () => {
    const { s, calls } = store();
    const sessions = new Sessions({ store: s, clock: () => NOW });
    for (const bad of [undefined, '', `${TOKEN}A`, `!${TOKEN}`, 'A'.repeat(42)]) await sessions.close(bad);
    expect(calls).toEqual([]);
    await sessions.close(TOKEN);
    expect(calls).toEqual([`delete ${sessionKey(TOKEN)}`]);
  });

  it('complete a sign-in only with a well-formed state and a cookie, consuming nothing otherwise', async () => {
    const { s, items, calls } = store();
    const sessions = new Sessions({ store: s, clock: () => NOW });
    const { state, cookie } = await sessions.begin({ verifier: 'v'.repeat(43), nonce: 'n'.repeat(16), returnTo: '/console/steward' });
    const record = items.get(signInKey(state)) as Record<string, unknown>;
    expect(await sessions.complete(state, undefined)).toBeUndefined();
    expect(await sessions.complete(state, '')).toBeUndefined();
    expect(await sessions.complete(undefined, cookie)).toBeUndefined();
    for (const bad of [`${state}A`, `!${state}`]) {
      items.set(signInKey(bad), { ...record, key: signInKey(bad) });
      expect(await sessions.complete(bad, cookie)).toBeUndefined();
    }
    expect(calls).toEqual([]);
    expect(await sessions.complete(state, cookie)).toMatchObject({ returnTo: '/console/steward', expiresAt: NOW.getTime() / 1000 + 600 });
    expect(calls).toEqual([`take ${signInKey(state)}`]);
  });

  it('send the browser back only to a path under /console', () => {
    for (const ok of ['/console', '/console/', '/console/steward/contracts/population.identity-verification?v=1.0.0&x=%20']) expect(safeReturn(ok)).toBe(ok);
    for (const bad of [
      undefined,
      '',
      '/consolex',
      '/console/a b',
      '/console/a"',
      '/console//evil.example',
      '/console/../api',
      'https://evil.example/console',
      '/api/console',
    ])
      expect(safeReturn(bad)).toBe('/console');
  });

  it('keep a sign-in verifier of at least 43 characters, and a CSRF token of at least 32', () => {
    const signIn = { key: 'k', verifier: 'v'.repeat(43), nonce: 'n'.repeat(16), returnTo: '/console', browser: 'b', expiresAt: 1 };
    expect(SignInRecord.safeParse(signIn).success).toBe(true);
    expect(SignInRecord.safeParse({ ...signIn, verifier: 'v'.repeat(42) }).success).toBe(false);
    expect(SignInRecord.safeParse({ ...signIn, verifier: 'v'.repeat(128) }).success).toBe(true);
    expect(SignInRecord.safeParse({ ...signIn, nonce: 'n'.repeat(15) }).success).toBe(false);
    const session = { key: 'k', principal, csrf: 'c'.repeat(32), createdAt: NOW.toISOString(), expiresAt: 1 };
    expect(SessionRecord.safeParse(session).success).toBe(true);
    expect(SessionRecord.safeParse({ ...session, csrf: 'c'.repeat(31) }).success).toBe(false);
  });
});
