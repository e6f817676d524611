/**
 * A reply's digest as the audit keeps it (domain/audit/reply-seal.ts): sealed under the platform's key and
 * the audit id, opened only with both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../contracts/canonical.ts';
import { openReplySeal, sealReplyDigest } from '../../domain/audit/reply-seal.ts';

describe('the reply seal', () => {
  it('opens to the digest it sealed, and only with the same key and audit id', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string(), (text, key, auditId) => {
        const digest = sha256Hex(text);
        const seal = sealReplyDigest(key, auditId, digest);
        expect(seal).toMatch(/^[0-9a-f]{64}$/);
        expect(seal).not.toBe(digest);
        expect(openReplySeal(key, auditId, seal)).toBe(digest);
        expect(openReplySeal(`${key}x`, auditId, seal)).not.toBe(digest);
        expect(openReplySeal(key, `${auditId}x`, seal)).not.toBe(digest);
      }),
    );
  });

  it('seals the same digest differently for different audit ids (a pad is never used twice)', () => {
    const digest = sha256Hex('{"code":"OK"}');
    expect(sealReplyDigest('k', 'a/1', digest)).not.toBe(sealReplyDigest('k', 'a/2', digest));
  });

  it('refuses what is not a sha256 in lowercase hex', () => {
    for (const bad of ['', 'abc', sha256Hex('x').toUpperCase(), `${sha256Hex('x')}0`]) expect(() => sealReplyDigest('k', 'a/1', bad)).toThrow(/sha256/);
  });
});
