/**
 * The consent record's schemas at their limits (domain/consent/consent.ts): events, use limits, the
 * notice and how consent was collected, the terms and the signature, each field at the exact bound.
 */
import { describe, expect, it } from 'vitest';
import {
  CONSENT_KEY_ID,
  ConsentEvent,
  ConsentRecord,
  ConsentSignature,
  ConsentTerms,
  Collection,
  consentSigningKey,
  consentTerms,
  Notice,
  signConsent,
  UseLimits,
  verifyConsentSignature,
} from '../../domain/consent/consent.ts';
import { consentRecord } from '../fixtures/consent.ts';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('consent schemas at their limits', () => {
  it('take the four event types and nothing else', () => {
    for (const type of ['GRANTED', 'PAUSED', 'RESUMED', 'REVOKED'])
      expect(ok(ConsentEvent, { at: '2026-01-01T00:00:00.000Z', type, by: 'citizen' }), type).toBe(true);
    for (const type of ['EXPIRED', '', 'granted']) expect(ok(ConsentEvent, { at: '2026-01-01T00:00:00.000Z', type, by: 'citizen' }), type).toBe(false);
    expect(ok(ConsentEvent, { at: '2026-01-01T00:00:00.000Z', type: 'PAUSED', by: 'citizen', x: 1 })).toBe(false);
  });

  it('need maxUses or perPeriod in a use limit, positive whole numbers, a known period', () => {
    expect(ok(UseLimits, { maxUses: 1 })).toBe(true);
    expect(ok(UseLimits, { perPeriod: { uses: 1, period: 'week' } })).toBe(true);
    expect(ok(UseLimits, { maxUses: 2, perPeriod: { uses: 1, period: 'day' } })).toBe(true);
    expect(UseLimits.safeParse({}).error?.issues[0]?.message).toBe('a use limit needs maxUses or perPeriod');
    for (const bad of [
      { maxUses: 0 },
      { maxUses: 1.5 },
      { perPeriod: { uses: 0, period: 'day' } },
      { perPeriod: { uses: 1, period: 'year' } },
      { perPeriod: { uses: 1, period: 'day', x: 1 } },
      { maxUses: 1, x: 1 },
    ]) {
      expect(ok(UseLimits, bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('need every notice and collection field, non-empty, and a language of at least two letters', () => {
    const notice = { uri: 'u', version: '1', hash: 'h', language: 'vi' };
    expect(ok(Notice, notice)).toBe(true);
    expect(ok(Notice, { ...notice, uri: 'https://example.gov.vn/notice', version: '10', hash: 'sha256:ab', language: 'vi-VN' })).toBe(true);
    for (const change of [{ uri: '' }, { version: '' }, { hash: '' }, { language: 'v' }, { x: 1 }])
      expect(ok(Notice, { ...notice, ...change }), JSON.stringify(change)).toBe(false);
    expect(ok(Collection, { method: 'portal', evidence: 'case-1' })).toBe(true);
    expect(ok(Collection, { method: 'counter-signed-form', evidence: 'c' })).toBe(true);
    for (const change of [{ method: '' }, { evidence: '' }, { x: 1 }])
      expect(ok(Collection, { method: 'm', evidence: 'e', ...change }), JSON.stringify(change)).toBe(false);
  });

  it('take a consent id of 1 to 64 characters and at least one purpose', () => {
    const terms = consentTerms(consentRecord());
    expect(ok(ConsentTerms, terms)).toBe(true);
    expect(ok(ConsentTerms, { ...terms, consentId: 'c' })).toBe(true);
    expect(ok(ConsentTerms, { ...terms, consentId: 'c'.repeat(64) })).toBe(true);
    expect(ok(ConsentTerms, { ...terms, consentId: 'c'.repeat(65) })).toBe(false);
    expect(ok(ConsentTerms, { ...terms, consentId: '' })).toBe(false);
    expect(ok(ConsentTerms, { ...terms, purposes: ['A', 'B'] })).toBe(true);
    expect(ok(ConsentTerms, { ...terms, purposes: [] })).toBe(false);
    expect(ok(ConsentTerms, { ...terms, status: 'ACTIVE' })).toBe(false);
    expect(ok(ConsentRecord, consentRecord())).toBe(true);
    expect(ok(ConsentRecord, { ...consentRecord(), x: 1 })).toBe(false);
  });

  it('take an HMAC-SHA256 signature of 64 lowercase hex digits only', () => {
    const sig = { alg: 'HMAC-SHA256', kid: CONSENT_KEY_ID, value: 'a'.repeat(64) };
    expect(ok(ConsentSignature, sig)).toBe(true);
    for (const change of [
      { alg: 'HMAC-SHA512' },
      { value: 'a'.repeat(63) },
      { value: 'a'.repeat(65) },
      { value: 'A'.repeat(64) },
      { value: `g${'a'.repeat(63)}` },
      { value: `${'a'.repeat(63)}g` },
      { x: 1 },
    ]) {
      expect(ok(ConsentSignature, { ...sig, ...change }), JSON.stringify(change)).toBe(false);
    }
  });

  it('copies into the terms only the fields that are set, and verifies only a signature whose value is 64 hex digits', () => {
    const record = consentRecord({ limits: { maxUses: 3 } });
    expect(Object.keys(consentTerms(record)).sort()).toEqual([
      'categories',
      'collection',
      'consentId',
      'consumer',
      'contract',
      'grantedAt',
      'limits',
      'major',
      'notice',
      'purposes',
      'subjectHash',
      'validFrom',
      'validUntil',
    ]);
    expect(consentTerms(consentRecord())).not.toHaveProperty('replaces');
    expect(Object.hasOwn(consentTerms(consentRecord({ replaces: undefined })), 'replaces')).toBe(false);
    const key = consentSigningKey('pepper');
    const signature = signConsent(consentTerms(record), key);
    expect(verifyConsentSignature({ ...record, signature }, key)).toBe(true);
    expect(verifyConsentSignature({ ...record, signature: { ...signature, value: `${signature.value}00` } }, key)).toBe(false);
  });
});
