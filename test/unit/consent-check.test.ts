import { describe, expect, it } from 'vitest';
import { checkConsent, type ConsentRecord, type ConsentQuestion } from '../../functions/platform/consent.ts';

const consent: ConsentRecord = {
  consentId: 'cns-1',
  subjectHash: 'h1',
  consumer: 'hcmc-public-services',
  contract: 'population.residence',
  major: 1,
  purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
  categories: ['identifier', 'residence'],
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  notice: { uri: 'u', version: '1', hash: 'h', language: 'vi' },
  collection: { method: 'portal', evidence: 'case' },
  status: 'ACTIVE',
  grantedAt: '2026-01-01T00:00:00.000Z',
  events: [],
};
const q: ConsentQuestion = {
  subjectHash: 'h1',
  consumer: 'hcmc-public-services',
  contract: 'population.residence',
  major: 1,
  purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
  categories: ['identifier', 'residence'],
  now: new Date('2026-06-01T00:00:00Z'),
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
