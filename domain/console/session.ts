/**
 * Console sessions. The browser holds a random token in a cookie; the store keeps only the token's
 * SHA-256, so a copy of the table cannot be replayed as a session. A session ends at its deadline, at
 * sign-out (the record is deleted: the old cookie then opens nothing), or when its record is gone.
 * Every state-changing form carries the session's CSRF token, compared in constant time.
 * A sign-in in progress (OAuth 2.0 authorization code with PKCE) is a short-lived record of its own,
 * used once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { Principal } from './principal.ts';

/** How long a session lasts from sign-in, whatever happens. */
export const SESSION_SECONDS = 60 * 60;
/** How long a sign-in may take at the identity provider. */
export const SIGN_IN_SECONDS = 10 * 60;

export const SessionRecord = z.strictObject({
  /** `session#<sha256 of the token>`. */
  key: z.string(),
  principal: Principal,
  csrf: z.string().min(32),
  createdAt: z.iso.datetime(),
  /** Epoch seconds (the table's TTL attribute). */
  expiresAt: z.number().int(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

export const SignInRecord = z.strictObject({
  /** `sign-in#<sha256 of the state>`. */
  key: z.string(),
  verifier: z.string().min(43),
  nonce: z.string().min(16),
  /** The console path to return to (relative, checked). */
  returnTo: z.string(),
  /** The browser that started it: sha256 of its sign-in cookie. */
  browser: z.string(),
  expiresAt: z.number().int(),
});
export type SignInRecord = z.infer<typeof SignInRecord>;

/** Where sessions and sign-ins in progress are kept (aws/console-sessions.ts). */
export interface SessionStore {
  put(record: SessionRecord | SignInRecord): Promise<void>;
  get(key: string): Promise<Record<string, unknown> | undefined>;
  /** Deletes and returns the record, or undefined when there was none (so a sign-in is used once). */
  take(key: string): Promise<Record<string, unknown> | undefined>;
  delete(key: string): Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');
export const sessionKey = (token: string) => `session#${sha256(token)}`;
export const signInKey = (state: string) => `sign-in#${sha256(state)}`;
export const browserMark = (cookie: string) => sha256(cookie);

/** A console path to go back to after sign-in: a relative path under /console only (no open redirect). */
export function safeReturn(path: string | undefined): string {
  if (!path || !/^\/console(\/[\w\-./%?=&]*)?$/.test(path) || path.includes('//') || path.includes('..')) return '/console';
  return path;
}

export class Sessions {
  private readonly store: SessionStore;
  private readonly clock: () => Date;

  constructor(deps: { store: SessionStore; clock?: () => Date }) {
    this.store = deps.store;
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Starts a session for a principal; returns the token for the cookie. */
  async open(principal: Principal): Promise<{ token: string; record: SessionRecord }> {
    const token = newToken();
    const now = this.clock();
    const record: SessionRecord = {
      key: sessionKey(token),
      principal,
      csrf: newToken(),
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + SESSION_SECONDS,
    };
    await this.store.put(record);
    return { token, record };
  }

  /** The live session of a cookie's token, or undefined (no token, unknown, ended or expired). */
  async find(token: string | undefined): Promise<SessionRecord | undefined> {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const parsed = SessionRecord.safeParse(await this.store.get(sessionKey(token)));
    if (!parsed.success) return undefined;
    // The TTL deletes expired items only eventually: the deadline is checked here.
    return parsed.data.expiresAt * 1000 > this.clock().getTime() ? parsed.data : undefined;
  }

  /** Ends a session: its cookie opens nothing afterwards. */
  async close(token: string | undefined): Promise<void> {
    if (token && /^[A-Za-z0-9_-]{43}$/.test(token)) await this.store.delete(sessionKey(token));
  }

  /** Records a sign-in in progress; returns its state (sent to the provider) and the browser's sign-in cookie. */
  async begin(input: { verifier: string; nonce: string; returnTo: string }): Promise<{ state: string; cookie: string }> {
    const state = newToken();
    const cookie = newToken();
    await this.store.put({
      key: signInKey(state),
      verifier: input.verifier,
      nonce: input.nonce,
      returnTo: safeReturn(input.returnTo),
      browser: browserMark(cookie),
      expiresAt: Math.floor(this.clock().getTime() / 1000) + SIGN_IN_SECONDS,
    });
    return { state, cookie };
  }

  /** The sign-in a provider's redirect completes, used once, only in the browser that began it and before its deadline. */
  async complete(state: string | undefined, cookie: string | undefined): Promise<SignInRecord | undefined> {
    if (!state || !cookie || !/^[A-Za-z0-9_-]{43}$/.test(state)) return undefined;
    const parsed = SignInRecord.safeParse(await this.store.take(signInKey(state)));
    if (!parsed.success) return undefined;
    if (parsed.data.expiresAt * 1000 <= this.clock().getTime()) return undefined;
    return sameText(parsed.data.browser, browserMark(cookie)) ? parsed.data : undefined;
  }
}

/** Constant-time equality of two strings. */
export function sameText(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
