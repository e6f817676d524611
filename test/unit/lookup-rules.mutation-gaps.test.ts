/**
 * The smaller lookup rules at their limits: page tokens at the exact instant they expire, replies and
 * their fixed messages, the resend protocol's digests and pointers, the subject hash's canonical form,
 * and the adapter's own check of a forwarded lookup, reason by reason.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from '../../contracts/canonical.ts';
import { findContract } from '../../contracts/catalog.ts';
import { legalBasisFor, type ContractDefinition } from '../../contracts/model.ts';
import { ALL_CODES, LookupRequest, statusOf, type LookupReply } from '../../contracts/protocol.ts';
import { checkForwarded } from '../../domain/lookup/forward-check.ts';
import type { ForwardedLookup } from '../../domain/lookup/forwarded.ts';
import { openPageToken, PAGE_TOKEN_TTL_MS, sealPageToken } from '../../domain/lookup/page-token.ts';
import { messageFor, reply } from '../../domain/lookup/replies.ts';
import { pointerTo, requestDigest, resendAction, type StageOutcome } from '../../domain/lookup/resend.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';

const scope = { contract: 'land.parcels-by-owner', major: 1, subjectHash: 'h1' };
const T0 = new Date('2026-06-01T00:00:00.000Z');

describe('page tokens at the exact instant', () => {
  it('open until the millisecond before they expire, and not at it', () => {
    const token = sealPageToken('cursor-1', scope, T0);
    expect(openPageToken(token, scope, new Date(T0.getTime() + PAGE_TOKEN_TTL_MS - 1))).toBe('cursor-1');
    expect(openPageToken(token, scope, new Date(T0.getTime() + PAGE_TOKEN_TTL_MS))).toBeUndefined();
    expect(PAGE_TOKEN_TTL_MS).toBe(86_400_000);
  });

  it('carry a key cursor, and refuse another contract, major or subject', () => {
    const token = sealPageToken({ pk: 'a', sk: 'b' }, scope, T0);
    expect(openPageToken(token, scope, T0)).toEqual({ pk: 'a', sk: 'b' });
    expect(openPageToken(token, { ...scope, contract: 'x' }, T0)).toBeUndefined();
    expect(openPageToken(token, { ...scope, major: 2 }, T0)).toBeUndefined();
    expect(openPageToken(token, { ...scope, subjectHash: 'h2' }, T0)).toBeUndefined();
  });

  it('refuse tokens of another shape', () => {
    const token = sealPageToken('c', scope, T0);
    for (const t of [`x${token}`, `${token}x`, token.replace('p1.', 'p2.'), 'p1..AAAAAAAAAAAAAAAAAAAAAA', `p1.AAAA.${'A'.repeat(22)}`]) {
      expect(openPageToken(t, scope, T0), t).toBeUndefined();
    }
  });
});

describe('replies', () => {
  it('have a fixed message for every code, and the status of their code', () => {
    for (const code of ALL_CODES) {
      expect(messageFor(code).length, code).toBeGreaterThan(20);
      const r = reply(code, { requestId: 'r' }, T0);
      expect(r).toEqual({ requestId: 'r', status: statusOf(code), code, message: messageFor(code), repliedAt: T0.toISOString() });
    }
    expect(new Set(ALL_CODES.map(messageFor)).size).toBe(ALL_CODES.length);
    expect(messageFor('PAYLOAD_TOO_LARGE')).toMatch(/16 KiB/);
  });
});

describe('the resend protocol', () => {
  const sent: LookupReply = { requestId: 'r', status: 'OK', code: 'OK', message: 'm', repliedAt: T0.toISOString() };

  it('points at a reply by status, code, audit id, time and digest', () => {
    expect(pointerTo(sent, 'a-1')).toEqual({ status: 'OK', code: 'OK', auditId: 'a-1', repliedAt: T0.toISOString(), digest: digestOf(sent) });
  });

  it('digests a request over its canonical JSON, and a body that is not one over its raw text, keyed and domain-separated', () => {
    const request = { b: 1, a: 2 };
    const expected = createHmac('sha256', 'k')
      .update('ndx.request-digest.v1\n')
      .update(`request\n${canonicalJson(request)}`)
      .digest('hex');
    expect(requestDigest('k', request, 'ignored')).toBe(expected);
    expect(requestDigest('k', undefined, '{oops')).toBe(createHmac('sha256', 'k').update('ndx.request-digest.v1\n').update('raw\n{oops').digest('hex'));
    expect(requestDigest('k', undefined, '{oops')).not.toBe(requestDigest('other', undefined, '{oops'));
  });

  it('does nothing for the same answered message, points for an answer, and forwards again for a forward', () => {
    const answered: StageOutcome = { outcome: 'answered', messageId: 'm1', reply: pointerTo(sent, 'a') };
    const forwarded: StageOutcome = {
      outcome: 'forwarded',
      messageId: 'm1',
      registry: 'population',
      forward: { version: '1.0.0', basis: { kind: 'consent', consentId: 'c' }, subjectHash: 'h', requestDigest: 'd' },
    };
    expect(resendAction(answered, 'm1')).toEqual({ kind: 'none' });
    expect(resendAction(forwarded, 'm1')).toEqual({ kind: 'reforward', outcome: forwarded });
    expect(resendAction(answered, 'm2')).toEqual({ kind: 'point', outcome: answered });
    expect(resendAction(forwarded, 'm2')).toEqual({ kind: 'reforward', outcome: forwarded });
  });
});

describe('the subject hash', () => {
  it('is HMAC-SHA256 over key=value pairs sorted by key, joined with &', () => {
    const hash = subjectHasher('pepper');
    expect(hash({ b: '2', a: '1' })).toBe(createHmac('sha256', 'pepper').update('a=1&b=2').digest('hex'));
    expect(hash({ a: '1', b: '2' })).toBe(hash({ b: '2', a: '1' }));
    expect(subjectHasher('other')({ a: '1' })).not.toBe(hash({ a: '1' }));
  });
});

function definition(id: string): ContractDefinition {
  const d = findContract(id);
  if (!d) throw new Error(`no contract ${id}`);
  return d;
}

describe('the adapter’s own check, reason by reason', () => {
  const hash = subjectHasher('pepper');
  const identity = definition('population.identity-verification');
  const version = identity.versions[0];
  if (!version) throw new Error('no version');
  const legal = legalBasisFor(version, 'hanoi-land-office', 'LAND_REGISTRATION');
  const ctx = { registryId: 'population', findContract: (id: string) => findContract(id), hashSubject: hash };

  function lookup(over: Partial<ForwardedLookup> = {}, request: Record<string, unknown> = {}): ForwardedLookup {
    const req = LookupRequest.parse({
      requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
      contract: identity.id,
      purpose: 'LAND_REGISTRATION',
      subject: { nationalId: '001203004567' },
      ...request,
    });
    return {
      kind: 'ndx.forwarded-lookup.v1',
      consumer: 'hanoi-land-office',
      request: req,
      version: version?.version ?? '',
      basis: { kind: 'legal', id: legal?.id ?? '', instrument: legal?.instrument ?? '', article: legal?.article ?? '' },
      subjectHash: hash({ nationalId: '001203004567' }),
      requestDigest: 'd',
      receivedMessageId: 'm',
      receivedAt: T0.toISOString(),
      ...over,
    };
  }

  it('passes the lookup the router admitted, with its contract and version', () => {
    const checked = checkForwarded(lookup(), ctx);
    expect(checked).toEqual({ ok: true, contract: identity, version });
  });

  it.each([
    ['an unknown contract', {}, { contract: 'population.nothing' }, 'UNKNOWN_VERSION'],
    ['another registry’s contract', {}, { contract: 'land.parcel', subject: { parcelId: 'x' } }, 'WRONG_REGISTRY'],
    ['a purpose the version does not allow', {}, { purpose: 'MARKETING' }, 'PURPOSE_NOT_ALLOWED'],
    ['a subject the schema refuses', {}, { subject: { nationalId: '12' } }, 'SUBJECT_INVALID'],
    ['a page on a version that does not page', {}, { page: { size: 1 } }, 'PAGE_INVALID'],
    [
      'a legal basis with another article',
      { basis: { kind: 'legal' as const, id: legal?.id ?? '', instrument: legal?.instrument ?? '', article: 'Art. 0' } },
      {},
      'BASIS_MISMATCH',
    ],
    [
      'a legal basis with another instrument',
      { basis: { kind: 'legal' as const, id: legal?.id ?? '', instrument: 'x', article: legal?.article ?? '' } },
      {},
      'BASIS_MISMATCH',
    ],
  ])('refuses %s', (_what, over, request, reason) => {
    expect(checkForwarded(lookup(over, request), ctx)).toEqual({ ok: false, reason });
  });

  it('on a consent contract, needs the request’s own consent and the terms’ digest', () => {
    const residence = definition('population.residence');
    const rv = residence.versions[0];
    if (!rv) throw new Error('no version');
    const consentLookup = (over: Partial<ForwardedLookup>, consentId: string | undefined = 'c-1') =>
      lookup(
        { consumer: 'hcmc-public-services', version: rv.version, basis: { kind: 'consent', consentId: 'c-1' }, consentTermsDigest: 'digest', ...over },
        { contract: residence.id, purpose: 'SOCIAL_ALLOWANCE_APPLICATION', ...(consentId ? { consentId } : {}) },
      );
    expect(checkForwarded(consentLookup({}), ctx).ok).toBe(true);
    expect(checkForwarded(consentLookup({ consentTermsDigest: undefined }), ctx)).toEqual({ ok: false, reason: 'BASIS_MISMATCH' });
    expect(checkForwarded(consentLookup({}, 'c-2'), ctx)).toEqual({ ok: false, reason: 'BASIS_MISMATCH' });
    expect(checkForwarded(consentLookup({ basis: { kind: 'legal', id: 'x', instrument: 'y', article: 'z' } }), ctx)).toEqual({
      ok: false,
      reason: 'BASIS_MISMATCH',
    });
  });
});
