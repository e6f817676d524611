/**
 * A reply's digest as the audit keeps it: sealed with a key only the platform holds, so a resend can be
 * pointed at the first reply (its digest, resend.ts) while the trail, kept for good and read by
 * stewards, operators and citizens, says nothing of what was released. A plain sha256 of a reply whose
 * data has few possible values (a yes/no check) could be reversed by trying them all.
 *
 * The seal is the digest XOR a pad: HMAC-SHA256 of the audit id under the key. An audit id has one
 * record, so a pad seals one digest and is never used twice; opening is the same operation.
 */
import { createHmac } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/;

function pad(key: string, auditId: string): Buffer {
  return createHmac('sha256', key).update('ndx.reply-seal.v1\n').update(auditId).digest();
}

/** Whether a value can be a seal (what sealReplyDigest gives: a sha256's length, in lowercase hex). */
export function isReplySeal(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

/** Seals (or opens) a sha256 digest in hex for an audit id; anything that is not such a digest is refused. */
export function sealReplyDigest(key: string, auditId: string, digestHex: string): string {
  if (!isReplySeal(digestHex)) throw new Error('a reply digest is a sha256 in lowercase hex');
  const p = pad(key, auditId);
  const d = Buffer.from(digestHex, 'hex');
  for (let i = 0; i < d.length; i++) d[i] = (d[i] ?? 0) ^ (p[i] ?? 0);
  return d.toString('hex');
}

/** The digest a seal holds (the seal is its own inverse). */
export const openReplySeal = sealReplyDigest;
