/**
 * The lookup rules at their exact limits: the request size, page sizes (router and adapter), the
 * deprecation notice (only on deprecated versions), and a consent's window and signature.
 */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { withLifecycle, type Contract, type Lifecycle, type VersionDefinition } from '../../contracts/model.ts';
import { asShipped } from './shipped.ts';
import { LookupRequest, MAX_REQUEST_BYTES } from '../../contracts/protocol.ts';
import {
  checkConsent,
  consentSigningKey,
  effectiveStatus,
  periodKeyOf,
  signConsent,
  verifyConsentSignature,
  type ConsentQuestion,
  type ConsentRecord,
} from '../../domain/consent/consent.ts';
import { admit } from '../../domain/lookup/admit.ts';
import { readEnvelope } from '../../domain/lookup/envelope.ts';
import { checkPage } from '../../domain/lookup/page-rules.ts';
import { consentRecord } from '../fixtures/consent.ts';

const REQUEST_ID = '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e';
const valid = { requestId: REQUEST_ID, contract: 'population.identity-verification', purpose: 'LAND_REGISTRATION', subject: { nationalId: '001203004567' } };

/** A body of exactly `bytes` bytes: the valid request with padding in a field the schema refuses. */
function bodyOf(bytes: number): string {
  const bare = JSON.stringify({ ...valid, pad: '' });
  return JSON.stringify({ ...valid, pad: 'x'.repeat(bytes - Buffer.byteLength(bare)) });
}

describe('the request size limit', () => {
  it('reads a request of exactly the limit, and refuses one byte more', () => {
    const atLimit = bodyOf(MAX_REQUEST_BYTES);
    expect(Buffer.byteLength(atLimit)).toBe(MAX_REQUEST_BYTES);
    expect(readEnvelope(atLimit)).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
    const over = bodyOf(MAX_REQUEST_BYTES + 1);
    expect(readEnvelope(over)).toEqual({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
      requestId: REQUEST_ID,
      issues: [{ path: '(root)', message: `more than the limit of ${MAX_REQUEST_BYTES} bytes` }],
    });
  });

  it('applies the limit it is given, exactly', () => {
    const body = JSON.stringify(valid);
    const n = Buffer.byteLength(body);
    expect(readEnvelope(body, n).ok).toBe(true);
    expect(readEnvelope(body, n - 1)).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('names no requestId in a body that is too large and not JSON', () => {
    expect(readEnvelope('x'.repeat(11), 10)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: null });
  });

  it('refuses JSON that is not an object', () => {
    for (const body of ['null', '[]', '1', '"s"']) {
      expect(readEnvelope(body)).toEqual({
        ok: false,
        code: 'MALFORMED_MESSAGE',
        requestId: null,
        issues: [{ path: '(root)', message: 'expected a JSON object' }],
      });
    }
  });
});

function listVersion(): VersionDefinition {
  const v = findContract('land.parcels-by-owner')?.versions[0];
  if (!v?.list) throw new Error('no list version');
  return v;
}

describe('page sizes', () => {
  const version = listVersion();
  const max = version.list?.maxPageSize ?? 0;

  it('allow exactly the version’s maximum, and refuse one more, naming the maximum', () => {
    expect(checkPage({ page: { size: max } }, version)).toBeUndefined();
    expect(checkPage({ page: { size: max + 1 } }, version)).toEqual({ path: 'page.size', message: `at most ${max} for this contract version` });
  });

  it('allow a page without a size, and no page at all on any version', () => {
    expect(checkPage({ page: {} }, version)).toBeUndefined();
    const single = findContract('population.identity-verification')?.versions[0];
    if (!single) throw new Error('no version');
    expect(checkPage({}, single)).toBeUndefined();
    expect(checkPage({ page: { size: 1 } }, single)).toEqual({ path: 'page', message: 'this contract version does not answer with pages' });
  });
});

const asActive =
  (id: string, lifecycle: Lifecycle = { status: 'active' }) =>
  (cid: string): Contract | undefined => {
    const d = findContract(cid);
    return d && cid === id ? withLifecycle(d, asShipped(d, lifecycle)) : undefined;
  };

describe('admission', () => {
  it('carries no notice for an active version', () => {
    const a = admit(LookupRequest.parse(valid), 'hanoi-land-office', asActive('population.identity-verification'));
    expect(a.ok).toBe(true);
    expect(a).not.toHaveProperty('notice');
  });

  it('carries the notice of a deprecated version, naming contract, version and sunset', () => {
    const a = admit(
      LookupRequest.parse(valid),
      'hanoi-land-office',
      asActive('population.identity-verification', { status: 'deprecated', sunset: '2027-06-30' }),
    );
    expect(a.ok && a.notice).toEqual({
      kind: 'DEPRECATED',
      sunset: '2027-06-30',
      message: 'population.identity-verification@1.0.0 is deprecated and stops answering on 2027-06-30.',
    });
  });

  it('carries no notice for a deprecated version without a sunset', () => {
    const a = admit(LookupRequest.parse(valid), 'hanoi-land-office', asActive('population.identity-verification', { status: 'deprecated' }));
    expect(a.ok).toBe(true);
    expect(a).not.toHaveProperty('notice');
  });

  it('admits a page of exactly the maximum and refuses a larger one with the version named', () => {
    const max = listVersion().list?.maxPageSize ?? 0;
    const find = asActive('land.parcels-by-owner');
    const req = (size: number) =>
      LookupRequest.parse({
        requestId: REQUEST_ID,
        contract: 'land.parcels-by-owner',
        purpose: 'LAND_REGISTRATION',
        subject: { nationalId: '001203004567' },
        page: { size },
      });
    const ok = admit(req(max), 'hanoi-land-office', find);
    const refused = admit(req(max + 1), 'hanoi-land-office', find);
    if (!ok.ok && ok.code !== 'CONSENT_REQUIRED') throw new Error(`not admitted: ${ok.code}`);
    expect(refused).toEqual({
      ok: false,
      code: 'SCHEMA_VIOLATION',
      version: listVersion().version,
      issues: [{ path: 'page.size', message: `at most ${max} for this contract version` }],
    });
  });

  it('names subject issues by their place in the subject', () => {
    const a = admit(LookupRequest.parse({ ...valid, subject: { nationalId: '12' } }), 'hanoi-land-office', asActive('population.identity-verification'));
    expect(a.ok).toBe(false);
    if (a.ok) return;
    expect(a.issues?.map((i) => i.path)).toEqual(['subject.nationalId']);
    expect(a.version).toBe('1.0.0');
  });
});

const consent: ConsentRecord = consentRecord();
const q = (now: string, over: Partial<ConsentQuestion> = {}): ConsentQuestion => ({
  subjectHash: 'h1',
  consumer: 'hcmc-public-services',
  contract: 'population.residence',
  major: 1,
  purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
  categories: ['identifier', 'residence'],
  now: new Date(now),
  authentic: () => true,
  ...over,
});

describe('a consent’s window', () => {
  it('starts at the exact instant of validFrom', () => {
    expect(checkConsent(consent, q('2025-12-31T23:59:59.999Z'))).toBe('CONSENT_REQUIRED');
    expect(checkConsent(consent, q('2026-01-01T00:00:00.000Z'))).toBeUndefined();
  });

  it('ends at the exact instant of validUntil', () => {
    expect(checkConsent(consent, q('2026-12-31T23:59:59.999Z'))).toBeUndefined();
    expect(checkConsent(consent, q('2027-01-01T00:00:00.000Z'))).toBe('CONSENT_EXPIRED');
    expect(effectiveStatus(consent, new Date('2026-12-31T23:59:59.999Z'))).toBe('ACTIVE');
    expect(effectiveStatus(consent, new Date('2027-01-01T00:00:00.000Z'))).toBe('EXPIRED');
  });

  it('refuses a consent stored as EXPIRED even inside its window', () => {
    expect(checkConsent({ ...consent, status: 'EXPIRED' }, q('2026-06-01T00:00:00.000Z'))).toBe('CONSENT_EXPIRED');
    expect(effectiveStatus({ ...consent, status: 'REVOKED' }, new Date('2027-06-01T00:00:00.000Z'))).toBe('REVOKED');
  });

  it('answers REQUIRED for a consent of another major or contract before its state', () => {
    expect(checkConsent({ ...consent, status: 'REVOKED' }, q('2026-06-01T00:00:00.000Z', { major: 2 }))).toBe('CONSENT_REQUIRED');
    expect(checkConsent({ ...consent, status: 'REVOKED' }, q('2026-06-01T00:00:00.000Z', { contract: 'x' }))).toBe('CONSENT_REQUIRED');
  });
});

describe('consent signatures', () => {
  const key = consentSigningKey('pepper');
  const signed: ConsentRecord = { ...consent, signature: signConsent(consent, key) };

  it('verify only under the platform’s key id and algorithm', () => {
    expect(verifyConsentSignature(signed, key)).toBe(true);
    const sig = signed.signature;
    if (!sig) throw new Error('unsigned');
    expect(verifyConsentSignature({ ...signed, signature: { ...sig, kid: 'pepper-hmac-v2' } }, key)).toBe(false);
    expect(verifyConsentSignature({ ...signed, signature: { ...sig, alg: 'HMAC-SHA512' as 'HMAC-SHA256' } }, key)).toBe(false);
    expect(verifyConsentSignature({ ...signed, signature: { ...sig, value: `${sig.value.slice(0, 63)}g` } }, key)).toBe(false);
    expect(verifyConsentSignature({ ...signed, signature: { ...sig, value: `x${sig.value}` } }, key)).toBe(false);
    expect(verifyConsentSignature({ ...signed, signature: undefined }, key)).toBe(false);
    expect(verifyConsentSignature(signed, consentSigningKey('other'))).toBe(false);
  });

  it('derive the signing key as HMAC-SHA256(pepper, "ndx/consent-signature/v1")', async () => {
    const { createHmac } = await import('node:crypto');
    expect(consentSigningKey('pepper').equals(createHmac('sha256', 'pepper').update('ndx/consent-signature/v1').digest())).toBe(true);
  });
});

describe('use periods', () => {
  it('key a day, a month, and an ISO week by its Monday, across a year end', () => {
    const sunday = new Date('2027-01-03T23:59:59.999Z');
    expect(periodKeyOf('day', sunday)).toBe('2027-01-03');
    expect(periodKeyOf('month', sunday)).toBe('2027-01');
    expect(periodKeyOf('week', sunday)).toBe('week-of-2026-12-28');
    expect(periodKeyOf('week', new Date('2026-12-28T00:00:00.000Z'))).toBe('week-of-2026-12-28');
    expect(periodKeyOf('week', new Date('2026-12-27T23:59:59.999Z'))).toBe('week-of-2026-12-21');
  });
});
