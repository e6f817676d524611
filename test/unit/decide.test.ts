import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { CONTRACTS, findContract } from '../../contracts/catalog.ts';
import { defineContract, withLifecycle, type Contract } from '../../contracts/model.ts';
import { LookupRequest } from '../../contracts/protocol.ts';
import { admit } from '../../domain/lookup/admit.ts';
import { readEnvelope } from '../../domain/lookup/envelope.ts';
import { asShipped } from './shipped.ts';

const request = (over: Partial<z.input<typeof LookupRequest>> = {}) =>
  LookupRequest.parse({
    requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
    contract: 'population.identity-verification',
    purpose: 'LAND_REGISTRATION',
    subject: { nationalId: '001203004567' },
    ...over,
  });

/** The shipped contracts as the demo seeding publishes them: its versions active, the others drafts. */
const allActive = (id: string): Contract | undefined => {
  const d = findContract(id);
  return d && withLifecycle(d, asShipped(d));
};

describe('admit', () => {
  it('admits a consumer on its legal basis and names the basis', () => {
    const a = admit(request(), 'hanoi-land-office', allActive);
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.version.version).toBe('1.0.0');
    expect(a.basis).toMatchObject({ kind: 'legal', basis: { kind: 'legal', id: 'pdpl-19-1-c-land' } });
    expect(a.subject).toEqual({ nationalId: '001203004567' });
  });

  it('once a steward publishes a 1.1.0 rate limit, a major pin gets it and an exact pin to 1.0.0 keeps its own', () => {
    const published = (id: string): Contract | undefined => {
      const d = findContract(id);
      return d && withLifecycle(d, new Map(d.versions.map((v) => [v.version, { status: 'active' as const }])));
    };
    const [v1, v11] = identityVerification.versions;
    expect(v11!.rateLimit.perAgencyPerMinute).toBeGreaterThan(v1!.rateLimit.perAgencyPerMinute);
    const limitOf = (version: string | undefined, find = published) => {
      const a = admit(request(version === undefined ? {} : { version }), 'hanoi-land-office', find);
      if (!a.ok) throw new Error(`refused: ${a.code}`);
      return [a.version.version, a.version.rateLimit.perAgencyPerMinute];
    };
    expect(limitOf('1')).toEqual(['1.1.0', v11!.rateLimit.perAgencyPerMinute]);
    expect(limitOf(undefined)).toEqual(['1.1.0', v11!.rateLimit.perAgencyPerMinute]);
    expect(limitOf('1.0.0')).toEqual(['1.0.0', v1!.rateLimit.perAgencyPerMinute]);
    // Until then (as the demo ships it), 1.1.0 is a draft: the major answers with 1.0.0 and its limit, and an exact pin to 1.1.0 is refused.
    expect(limitOf('1', allActive)).toEqual(['1.0.0', v1!.rateLimit.perAgencyPerMinute]);
    expect(admit(request({ version: '1.1.0' }), 'hanoi-land-office', allActive)).toMatchObject({ ok: false, code: 'CONTRACT_NOT_ACTIVE' });
  });

  it.each([
    [{ contract: 'population.nothing' }, 'hanoi-land-office', 'UNKNOWN_CONTRACT'],
    [{ version: '9' }, 'hanoi-land-office', 'UNKNOWN_VERSION'],
    [{ version: '1.0.1' }, 'hanoi-land-office', 'UNKNOWN_VERSION'],
    [{}, 'some-bank', 'NOT_A_CONSUMER'],
    [{ purpose: 'MARKETING' }, 'hanoi-land-office', 'PURPOSE_NOT_ALLOWED'],
    [{ subject: { nationalId: '999203004567' } }, 'hanoi-land-office', 'SCHEMA_VIOLATION'],
    [{ subject: { parcelId: 'x' } }, 'hanoi-land-office', 'SCHEMA_VIOLATION'],
    // a consumer of the contract using a purpose another consumer has a legal basis for
    [{ purpose: 'TAX_REGISTRATION' }, 'hanoi-land-office', 'CONSENT_REQUIRED'],
  ] as const)('%j as %s is %s', (over, consumer, code) => {
    const a = admit(request(over), consumer, allActive);
    expect(a).toMatchObject({ ok: false, code });
  });

  it('asks for consent on a consent contract and carries the categories it must cover', () => {
    const a = admit(
      request({ contract: 'population.residence', purpose: 'SOCIAL_ALLOWANCE_APPLICATION', consentId: 'cns-1' }),
      'hcmc-public-services',
      allActive,
    );
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.basis).toEqual({ kind: 'consent', consentId: 'cns-1', major: 1, categories: ['identifier', 'residence'] });
  });

  it('refuses a consent contract without a consentId', () => {
    expect(admit(request({ contract: 'population.residence', purpose: 'SOCIAL_ALLOWANCE_APPLICATION' }), 'hcmc-public-services', allActive)).toMatchObject({
      ok: false,
      code: 'CONSENT_REQUIRED',
    });
  });

  describe('version lifecycle', () => {
    const base = identityVerification.versions[0]!;
    const contract = (statuses: Array<[string, 'draft' | 'active' | 'deprecated' | 'retired']>): Contract =>
      withLifecycle(
        defineContract({ ...identityVerification, versions: statuses.map(([version]) => ({ ...base, version })) }),
        new Map(statuses.map(([version, status]) => [version, { status, ...(status === 'deprecated' ? { sunset: '2027-06-30' } : {}) }])),
      );
    const find = (c: Contract) => (id: string) => (id === c.id ? c : undefined);

    it('resolves a major to its newest active version', () => {
      const c = contract([
        ['1.0.0', 'active'],
        ['1.2.0', 'active'],
        ['1.3.0', 'draft'],
        ['2.0.0', 'active'],
      ]);
      const a = admit(request(), 'hanoi-land-office', find(c));
      expect(a.ok && a.version.version).toBe('1.2.0');
    });

    it('answers from a deprecated version with a notice naming the sunset', () => {
      const c = contract([
        ['1.0.0', 'deprecated'],
        ['2.0.0', 'active'],
      ]);
      const a = admit(request(), 'hanoi-land-office', find(c));
      expect(a.ok && a.notice).toMatchObject({ kind: 'DEPRECATED', sunset: '2027-06-30' });
    });

    it('refuses retired and not-yet-active versions with their codes', () => {
      expect(
        admit(
          request(),
          'hanoi-land-office',
          find(
            contract([
              ['1.0.0', 'retired'],
              ['2.0.0', 'active'],
            ]),
          ),
        ),
      ).toMatchObject({ code: 'VERSION_RETIRED' });
      expect(admit(request(), 'hanoi-land-office', find(contract([['1.0.0', 'draft']])))).toMatchObject({ code: 'CONTRACT_NOT_ACTIVE' });
    });
  });
});

describe('subject issues carry the rule and the position, never what the caller sent', () => {
  const nationalId = '001203004567';

  it('names a key the contract defines, and gives any other key by its position', () => {
    const a = admit(request({ subject: { nationalId, [`k${nationalId}`]: 'x', nguyenVanA: 'y' } }), 'hanoi-land-office', allActive);
    expect(a).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
    if (a.ok) return;
    expect(a.issues).toEqual([
      { path: 'subject.#2', message: 'not a field of this message' },
      { path: 'subject.#3', message: 'not a field of this message' },
    ]);
    const wrong = admit(request({ subject: { nationalId: '999203004567' } }), 'hanoi-land-office', allActive);
    expect(wrong).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', issues: [{ path: 'subject.nationalId' }] });
    expect(JSON.stringify(wrong)).not.toContain('999203004567');
  });

  it('a subject with __proto__ never reaches admit: the envelope refuses it', () => {
    const body = `{"requestId":"3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e","contract":"population.identity-verification","purpose":"LAND_REGISTRATION","subject":{"nationalId":"${nationalId}","__proto__":{"nationalId":"x"}}}`;
    expect(readEnvelope(body)).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', issues: [{ path: 'subject.#2' }] });
  });

  // Every shipped contract, asked by a consumer for a purpose of its first version, so the subject is what decides.
  const cases = CONTRACTS.map((c) => {
    const v = c.versions[0]!;
    return { contract: c.id, version: v.version, consumer: v.consumers[0]!, purpose: v.purposes[0]!.code, defined: Object.keys(v.subject.shape) };
  });
  const token = fc.stringMatching(/^q[0-9a-f]{10,16}$/);
  const subjectKey = fc.oneof(token, fc.stringMatching(/^[a-z][a-zA-Z0-9]{7,20}$/), fc.constantFrom('nationalId', 'enterpriseCode', 'parcelId', 'legacyCode'));
  const subjectValue = fc.oneof(token, fc.stringMatching(/^[0-9]{10,13}$/), fc.stringMatching(/^[0-9]{5}-[0-9]{4}-[0-9]{5}$/));

  it('for random subjects of every contract: SCHEMA_VIOLATION issues are named keys of the contract or positions, with no caller string', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.dictionary(subjectKey, subjectValue, { minKeys: 1, maxKeys: 4 }), (c, subject) => {
        const a = admit(request({ contract: c.contract, version: c.version, purpose: c.purpose, subject }), c.consumer, allActive);
        if (a.ok || a.code !== 'SCHEMA_VIOLATION') return;
        for (const issue of a.issues ?? []) {
          const [root, ...rest] = issue.path.split('.');
          expect(root).toBe('subject');
          for (const segment of rest) expect(c.defined.includes(segment) || /^#\d+$/.test(segment), issue.path).toBe(true);
          for (const [k, v] of Object.entries(subject)) {
            if (!c.defined.includes(k)) expect(`${issue.path} ${issue.message}`).not.toContain(k);
            expect(`${issue.path} ${issue.message}`).not.toContain(v);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
