import { describe, expect, it } from 'vitest';
import {
  checkConsent,
  consentSigningKey,
  consentTerms,
  consentTermsDigest,
  effectiveStatus,
  periodKeyOf,
  signConsent,
  verifyConsentSignature,
  type ConsentRecord,
  type ConsentQuestion,
} from '../../domain/consent/consent.ts';
import { consentRecord } from '../fixtures/consent.ts';

const consent: ConsentRecord = consentRecord();
const q: ConsentQuestion = {
  subjectHash: 'h1',
  consumer: 'hcmc-public-services',
  contract: 'population.residence',
  major: 1,
  purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
  categories: ['identifier', 'residence'],
  now: new Date('2026-06-01T00:00:00Z'),
  authentic: () => true,
};

describe('checkConsent', () => {
  it('allows what the consent covers', () => expect(checkConsent(consent, q)).toBeUndefined());
  it.each([
    ['missing', undefined, q, 'CONSENT_REQUIRED'],
    ['another subject', consent, { ...q, subjectHash: 'h2' }, 'CONSENT_REQUIRED'],
    ['another agency', consent, { ...q, consumer: 'danang-tax-office' }, 'CONSENT_REQUIRED'],
    ['another contract', consent, { ...q, contract: 'population.identity-verification' }, 'CONSENT_REQUIRED'],
    ['another major', consent, { ...q, major: 2 }, 'CONSENT_REQUIRED'],
    ['another purpose', consent, { ...q, purpose: 'ADDRESS_CONFIRMATION' }, 'PURPOSE_NOT_ALLOWED'],
    ['a category not consented', consent, { ...q, categories: ['identifier', 'residence', 'household'] }, 'CONSENT_REQUIRED'],
    ['revoked', { ...consent, status: 'REVOKED' as const }, q, 'CONSENT_REVOKED'],
    ['paused', { ...consent, status: 'PAUSED' as const }, q, 'CONSENT_PAUSED'],
    ['past its window', consent, { ...q, now: new Date('2027-01-01T00:00:00Z') }, 'CONSENT_EXPIRED'],
    ['before its window', consent, { ...q, now: new Date('2025-12-31T23:59:59Z') }, 'CONSENT_REQUIRED'],
  ] as const)('denies %s', (_name, c, question, code) => {
    expect(checkConsent(c, question)).toBe(code);
  });
  it('never reveals the state of a consent that belongs to someone else', () => {
    expect(checkConsent({ ...consent, status: 'REVOKED' }, { ...q, consumer: 'danang-tax-office' })).toBe('CONSENT_REQUIRED');
  });
});

describe('signed terms', () => {
  const key = consentSigningKey('test-pepper');
  const signed: ConsentRecord = { ...consent, signature: signConsent(consentTerms(consent), key) };
  const verified: ConsentQuestion = { ...q, authentic: (c) => verifyConsentSignature(c, key) };

  it('verifies with the platform key, and only with it', () => {
    expect(verifyConsentSignature(signed, key)).toBe(true);
    expect(verifyConsentSignature(signed, consentSigningKey('another-pepper'))).toBe(false);
    expect(verifyConsentSignature(consent, key)).toBe(false); // unsigned
    expect(signed.signature).toMatchObject({ alg: 'HMAC-SHA256', kid: 'pepper-hmac-v1' });
    expect(signed.signature!.value).toMatch(/^[0-9a-f]{64}$/);
  });

  it('derives a signing key that is not the pepper, nor a subject hash key', () => {
    expect(key.toString('utf8')).not.toContain('test-pepper');
    expect(key).toHaveLength(32);
    expect(consentSigningKey('test-pepper').equals(key)).toBe(true);
  });

  it.each([
    ['a purpose added', { purposes: ['SOCIAL_ALLOWANCE_APPLICATION', 'ADDRESS_CONFIRMATION'] }],
    ['another consumer', { consumer: 'danang-tax-office' }],
    ['a longer validity', { validUntil: '2030-01-01T00:00:00.000Z' }],
    ['another subject', { subjectHash: 'h2' }],
    ['a category added', { categories: ['identifier', 'residence', 'household'] }],
    ['a use limit lifted', { limits: undefined }],
    ['another notice', { notice: { ...consent.notice, version: '2' } }],
    ['other evidence', { collection: { method: 'portal', evidence: 'forged' } }],
  ] as const)('refuses edited terms: %s (CONSENT_REQUIRED)', (_name, edit) => {
    const base: ConsentRecord = { ...consent, limits: { maxUses: 3 } };
    const signedBase: ConsentRecord = { ...base, signature: signConsent(consentTerms(base), key) };
    const edited = { ...signedBase, ...edit } as ConsentRecord;
    expect(verifyConsentSignature(edited, key)).toBe(false);
    expect(checkConsent(edited, { ...verified, purpose: 'SOCIAL_ALLOWANCE_APPLICATION' })).toBe('CONSENT_REQUIRED');
  });

  it('signs only the terms: status, events and use counters change without breaking it', () => {
    const changed: ConsentRecord = {
      ...signed,
      status: 'PAUSED',
      events: [{ at: '2026-02-01T00:00:00.000Z', type: 'PAUSED', by: 'citizen' }],
      useCount: 2,
      periodKey: '2026-02-01',
      periodCount: 1,
      lastUse: 'a/b',
    };
    expect(verifyConsentSignature(changed, key)).toBe(true);
    expect(consentTermsDigest(changed)).toBe(consentTermsDigest(signed));
    expect(checkConsent(changed, verified)).toBe('CONSENT_PAUSED');
  });

  it('checks authenticity before anything else: a tampered record reveals no state', () => {
    const tampered: ConsentRecord = { ...signed, status: 'REVOKED', purposes: ['ADDRESS_CONFIRMATION'] };
    expect(checkConsent(tampered, verified)).toBe('CONSENT_REQUIRED');
    expect(checkConsent(signed, verified)).toBeUndefined();
  });

  it('the canonical terms do not depend on key order', () => {
    const reordered = Object.fromEntries(Object.entries(signed).reverse()) as ConsentRecord;
    expect(verifyConsentSignature(reordered, key)).toBe(true);
  });
});

describe('expiry and periods', () => {
  it('applies expiry at check time, whatever status was stored', () => {
    expect(effectiveStatus(consent, new Date('2026-12-31T23:59:59Z'))).toBe('ACTIVE');
    expect(effectiveStatus(consent, new Date('2027-01-01T00:00:00Z'))).toBe('EXPIRED');
    expect(effectiveStatus({ ...consent, status: 'PAUSED' }, new Date('2027-06-01T00:00:00Z'))).toBe('EXPIRED');
    expect(effectiveStatus({ ...consent, status: 'REVOKED' }, new Date('2027-06-01T00:00:00Z'))).toBe('REVOKED');
  });

  it('counts frequency limits in UTC calendar periods', () => {
    const at = new Date('2026-11-25T23:30:00Z'); // a Wednesday
    expect(periodKeyOf('day', at)).toBe('2026-11-25');
    expect(periodKeyOf('month', at)).toBe('2026-11');
    expect(periodKeyOf('week', at)).toBe('week-of-2026-11-23');
    expect(periodKeyOf('week', new Date('2026-11-23T00:00:00Z'))).toBe('week-of-2026-11-23');
    expect(periodKeyOf('week', new Date('2026-11-29T23:59:59Z'))).toBe('week-of-2026-11-23');
    expect(periodKeyOf('week', new Date('2026-11-30T00:00:00Z'))).toBe('week-of-2026-11-30');
  });
});
