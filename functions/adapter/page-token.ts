/**
 * Continuation tokens of list replies: `p1.<payload>.<mac>`, base64url. The payload holds the
 * contract, its major, the source's cursor and an expiry; the MAC (HMAC-SHA256, 128 bits) is keyed by
 * the subject's keyed hash, which only ndx knows (agencies never see it). So a token is opaque, only
 * ndx can make one, it works only for the subject and contract major it was issued for, and any change
 * to it is detected before the registry is read. The adapter needs no secret of its own: the router
 * computes the subject hash with the platform's pepper and forwards it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Cursor } from '../registries/types.ts';

/** How long a token stays valid. */
export const PAGE_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export interface TokenScope {
  contract: string;
  major: number;
  subjectHash: string;
}

interface Payload {
  c: string;
  m: number;
  k: Cursor;
  e: number;
}

function mac(body: string, subjectHash: string): string {
  return createHmac('sha256', `ndx-page-token/v1:${subjectHash}`).update(body).digest().subarray(0, 16).toString('base64url');
}

export function sealPageToken(cursor: Cursor, scope: TokenScope, now: Date = new Date()): string {
  const payload: Payload = { c: scope.contract, m: scope.major, k: cursor, e: now.getTime() + PAGE_TOKEN_TTL_MS };
  const body = `p1.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
  return `${body}.${mac(body, scope.subjectHash)}`;
}

/** The cursor inside a token, or undefined when the token was not issued for this scope, was changed, or expired. */
export function openPageToken(token: string, scope: TokenScope, now: Date = new Date()): Cursor | undefined {
  const dot = token.lastIndexOf('.');
  if (!token.startsWith('p1.') || dot <= 3) return undefined;
  const body = token.slice(0, dot);
  const expected = Buffer.from(mac(body, scope.subjectHash));
  const given = Buffer.from(token.slice(dot + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body.slice(3), 'base64url').toString('utf8')) as Payload;
  } catch {
    return undefined;
  }
  if (payload.c !== scope.contract || payload.m !== scope.major || !(payload.e > now.getTime())) return undefined;
  const k = payload.k;
  const cursorOk = typeof k === 'string' || (typeof k === 'object' && k !== null && !Array.isArray(k) && Object.values(k).every((v) => typeof v === 'string'));
  return cursorOk ? k : undefined;
}
