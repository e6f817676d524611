/**
 * Continuation tokens of list replies: `p1.<iv and ciphertext>.<tag>`, base64url. The sealed payload
 * holds the contract, its major, the source's cursor and an expiry, encrypted and authenticated with
 * AES-256-GCM under a key derived from the subject's keyed hash, which only ndx knows (agencies never
 * see it). So a token is opaque (it reveals no key of the registry), only ndx can make one, it opens
 * only for the subject and contract major it was issued for, and any change to it is detected before
 * the registry is read. The adapter needs no secret of its own: the router computes the subject hash
 * with the platform's pepper and forwards it.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Cursor } from './registry-source.ts';

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

const IV_BYTES = 12;

function keyOf(subjectHash: string): Buffer {
  return createHmac('sha256', 'ndx-page-token/v1').update(subjectHash).digest();
}

export function sealPageToken(cursor: Cursor, scope: TokenScope, now: Date = new Date()): string {
  const payload: Payload = { c: scope.contract, m: scope.major, k: cursor, e: now.getTime() + PAGE_TOKEN_TTL_MS };
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(scope.subjectHash), iv);
  // Stryker disable next-line StringLiteral: an empty encoding is UTF-8 to Node (cipher.update), so the bytes are the same
  const sealed = Buffer.concat([iv, cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return `p1.${sealed.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

/** The cursor inside a token, or undefined when the token was not issued for this scope, was changed, or expired. */
export function openPageToken(token: string, scope: TokenScope, now: Date = new Date()): Cursor | undefined {
  const [, sealedText, tagText] = /^p1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(token) ?? [];
  if (sealedText === undefined || tagText === undefined) return undefined;
  const sealed = Buffer.from(sealedText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (sealed.length <= IV_BYTES || tag.length !== 16) return undefined;
  // Canonical encoding only: a changed padding bit in the last character is still a changed token.
  if (sealed.toString('base64url') !== sealedText || tag.toString('base64url') !== tagText) return undefined;
  let payload: Payload;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(scope.subjectHash), sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES)), decipher.final()]);
    payload = JSON.parse(plain.toString('utf8')) as Payload;
  } catch {
    return undefined; // wrong subject, or changed: authentication fails
  }
  if (payload.c !== scope.contract || payload.m !== scope.major || !(payload.e > now.getTime())) return undefined;
  const k = payload.k;
  const cursorOk = typeof k === 'string' || (typeof k === 'object' && k !== null && !Array.isArray(k) && Object.values(k).every((v) => typeof v === 'string'));
  return cursorOk ? k : undefined;
}
