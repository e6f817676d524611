import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { findContract } from '../../contracts/catalog.ts';
import { defineContract, withLifecycle, type Contract, type Lifecycle } from '../../contracts/model.ts';
import { LookupRequest } from '../../contracts/protocol.ts';
import { admit } from '../../functions/router/decide.ts';

const request = (over: Partial<z.input<typeof LookupRequest>> = {}) =>
  LookupRequest.parse({
    requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
    contract: 'population.identity-verification',
    purpose: 'LAND_REGISTRATION',
    subject: { nationalId: '001203004567' },
    ...over,
  });

/** The shipped contracts with every version active, as after the demo seeding publishes them. */
const allActive = (id: string): Contract | undefined => {
  const d = findContract(id);
  return d && withLifecycle(d, new Map(d.versions.map((v) => [v.version, { status: 'active' } as Lifecycle])));
};

describe('admit', () => {
  it('admits a consumer on its legal basis and names the basis', () => {
    const a = admit(request(), 'hanoi-land-office', allActive);
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.version.version).toBe('1.0.0');
    expect(a.legalBasis).toMatchObject({ kind: 'legal', id: 'pdpl-19-1-c-land' });
    expect(a.subject).toEqual({ nationalId: '001203004567' });
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
    expect(a.legalBasis).toBeUndefined();
    expect(a.consent).toEqual({ consentId: 'cns-1', major: 1, categories: ['identifier', 'residence'] });
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
      const c = contract([['1.0.0', 'active'], ['1.2.0', 'active'], ['1.3.0', 'draft'], ['2.0.0', 'active']]);
      const a = admit(request(), 'hanoi-land-office', find(c));
      expect(a.ok && a.version.version).toBe('1.2.0');
    });

    it('answers from a deprecated version with a notice naming the sunset', () => {
      const c = contract([['1.0.0', 'deprecated'], ['2.0.0', 'active']]);
      const a = admit(request(), 'hanoi-land-office', find(c));
      expect(a.ok && a.notice).toMatchObject({ kind: 'DEPRECATED', sunset: '2027-06-30' });
    });

    it('refuses retired and not-yet-active versions with their codes', () => {
      expect(admit(request(), 'hanoi-land-office', find(contract([['1.0.0', 'retired'], ['2.0.0', 'active']])))).toMatchObject({ code: 'VERSION_RETIRED' });
      expect(admit(request(), 'hanoi-land-office', find(contract([['1.0.0', 'draft']])))).toMatchObject({ code: 'CONTRACT_NOT_ACTIVE' });
    });
  });
});
