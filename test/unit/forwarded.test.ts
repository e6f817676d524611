/** The signed hop from router to registry, the adapter's own check, and the resend protocol's decisions. */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { legalBasisFor } from '../../contracts/model.ts';
import { carriesPersonalIdentifier, LookupRequest } from '../../contracts/protocol.ts';
import { checkForwarded } from '../../domain/lookup/forward-check.ts';
import { signForwarded, verifyForwarded, type ForwardedLookup } from '../../domain/lookup/forwarded.ts';
import { forwardingKeys } from '../../aws/forwarding-key.ts';
import { requestDigest, resendAction, type StageOutcome } from '../../domain/lookup/resend.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';

const hash = subjectHasher('pepper');
const key = { version: 'v1', secret: 'forwarding-secret' };
const version = findContract('population.identity-verification')!.versions[0]!;
const legal = legalBasisFor(version, 'hanoi-land-office', 'LAND_REGISTRATION')!;

function lookup(overrides: Partial<ForwardedLookup> = {}): ForwardedLookup {
  const request = LookupRequest.parse({
    requestId: randomUUID(),
    contract: 'population.identity-verification',
    purpose: 'LAND_REGISTRATION',
    subject: { nationalId: '001203004567' },
  });
  return {
    kind: 'ndx.forwarded-lookup.v1',
    consumer: 'hanoi-land-office',
    request,
    version: version.version,
    basis: { kind: 'legal', id: legal.id, instrument: legal.instrument, article: legal.article },
    subjectHash: hash(request.subject),
    requestDigest: requestDigest('pepper', request, ''),
    receivedMessageId: 'm-1',
    receivedAt: '2026-11-29T00:00:00.000Z',
    ...overrides,
  };
}

describe('the forwarding MAC', () => {
  it('verifies what the key signed, and nothing signed with another key or version', () => {
    const l = lookup();
    const signed = signForwarded(l, key);
    expect(verifyForwarded(signed, key)).toEqual(l);
    expect(verifyForwarded(signed, { ...key, secret: 'other' })).toBeUndefined();
    expect(verifyForwarded(signed, { ...key, version: 'v2' })).toBeUndefined();
    expect(verifyForwarded({ ...signed, mac: { ...signed.mac, value: '0'.repeat(64) } }, key)).toBeUndefined();
  });

  it('fails on any change to any field (property)', () => {
    const signed = signForwarded(lookup(), key);
    const paths: Array<(s: typeof signed, v: string) => typeof signed> = [
      (s, v) => ({ ...s, consumer: v }),
      (s, v) => ({ ...s, version: v }),
      (s, v) => ({ ...s, subjectHash: v }),
      (s, v) => ({ ...s, requestDigest: v }),
      (s, v) => ({ ...s, receivedMessageId: v }),
      (s, v) => ({ ...s, request: { ...s.request, purpose: v } }),
      (s, v) => ({ ...s, request: { ...s.request, subject: { nationalId: v } } }),
      (s, v) => ({ ...s, request: { ...s.request, onBehalfOf: v } }),
      (s, v) => ({ ...s, basis: { kind: 'consent', consentId: v } }),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: paths.length - 1 }), fc.string({ minLength: 1 }), (i, v) => {
        const changed = paths[i]!(signed, v);
        fc.pre(JSON.stringify(changed) !== JSON.stringify(signed));
        expect(verifyForwarded(changed, key)).toBeUndefined();
      }),
    );
  });

  it('uses the local key as version `local`, and refuses every other version', async () => {
    const keys = forwardingKeys({ NDX_FORWARDING_KEY: 'k' });
    expect(await keys.current()).toEqual({ version: 'local', secret: 'k' });
    expect(await keys.version('local')).toEqual({ version: 'local', secret: 'k' });
    expect(await keys.version('AWSCURRENT')).toBeUndefined();
    await expect(forwardingKeys({}).current()).rejects.toThrow(/NDX_FORWARDING_KEY/);
  });
});

describe("the adapter's own check of a forwarded lookup", () => {
  const ctx = { registryId: 'population', findContract, hashSubject: hash };
  it('passes a lookup the router could have admitted', () => {
    expect(checkForwarded(lookup(), ctx)).toMatchObject({ ok: true });
  });
  it.each([
    ['a consumer not on the version', { consumer: 'demo-commercial-bank' }, 'NOT_A_CONSUMER'],
    ['an invented legal basis', { basis: { kind: 'legal' as const, id: 'x', instrument: 'y', article: 'z' } }, 'BASIS_MISMATCH'],
    ['a consent where a legal basis applies', { basis: { kind: 'consent' as const, consentId: 'c' } }, 'BASIS_MISMATCH'],
    ['a made-up subject hash', { subjectHash: 'f'.repeat(64) }, 'SUBJECT_HASH_MISMATCH'],
    ['an unknown version', { version: '9.9.9' }, 'UNKNOWN_VERSION'],
  ])('refuses %s', (_, overrides, reason) => {
    expect(checkForwarded(lookup(overrides), ctx)).toEqual({ ok: false, reason });
  });
  it('refuses a purpose the version does not allow, a subject that fails its schema, another registry', () => {
    const l = lookup();
    expect(checkForwarded({ ...l, request: { ...l.request, purpose: 'MARKETING' } }, ctx)).toEqual({ ok: false, reason: 'PURPOSE_NOT_ALLOWED' });
    expect(checkForwarded({ ...l, request: { ...l.request, subject: { nationalId: '123' } } }, ctx)).toEqual({ ok: false, reason: 'SUBJECT_INVALID' });
    expect(checkForwarded(l, { ...ctx, registryId: 'land' })).toEqual({ ok: false, reason: 'WRONG_REGISTRY' });
  });
});

describe('the resend protocol', () => {
  const pointer = { status: 'OK' as const, code: 'OK' as const, auditId: 'a/1', repliedAt: '2026-11-29T00:00:00.000Z', digest: 'd' };
  const answered: StageOutcome = { outcome: 'answered', messageId: 'm-1', reply: pointer };
  const forwarded: StageOutcome = {
    outcome: 'forwarded',
    messageId: 'm-1',
    registry: 'population',
    forward: { version: '1.0.0', basis: { kind: 'consent', consentId: 'c' }, subjectHash: 'h', requestDigest: 'r' },
  };
  it('does nothing for the same message delivered again when answered, and sends a recorded forward again', () => {
    expect(resendAction(answered, 'm-1')).toEqual({ kind: 'none' });
    expect(resendAction(forwarded, 'm-1')).toEqual({ kind: 'reforward', outcome: forwarded });
  });
  it('points at an answer, and forwards again what was only forwarded, for a resend', () => {
    expect(resendAction(answered, 'm-2')).toEqual({ kind: 'point', outcome: answered });
    expect(resendAction(forwarded, 'm-2')).toEqual({ kind: 'reforward', outcome: forwarded });
  });
  it('digests requests by content, not by key order, and keyed', () => {
    const a = LookupRequest.parse({ requestId: randomUUID(), contract: 'a.b', purpose: 'XX', subject: { nationalId: '1' } });
    const b = JSON.parse(
      JSON.stringify({ subject: a.subject, purpose: a.purpose, version: a.version, contract: a.contract, requestId: a.requestId }),
    ) as typeof a;
    expect(requestDigest('k', a, '')).toBe(requestDigest('k', b, ''));
    expect(requestDigest('k', a, '')).not.toBe(requestDigest('other', a, ''));
    expect(requestDigest('k', { ...a, purpose: 'YY' }, '')).not.toBe(requestDigest('k', a, ''));
    expect(requestDigest('k', undefined, 'x')).not.toBe(requestDigest('k', undefined, 'y'));
  });
});

describe('onBehalfOf never carries a personal identifier', () => {
  it.each(['001203004567', 'for 001 203 004 567', 'nguyen.van.a@example.vn', '0912345678'])('refuses %s', (s) =>
    expect(carriesPersonalIdentifier(s)).toBe(true),
  );
  it.each(['officer-4471', 'case HN-2026-118', 'Cán bộ Nguyễn Văn B, phòng 3', '2026-11-29'])('accepts %s', (s) =>
    expect(carriesPersonalIdentifier(s)).toBe(false),
  );
});
