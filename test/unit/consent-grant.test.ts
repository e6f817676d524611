/** A consent grant as a front door asks for it, turned into terms by the rules of domain/consent/grant.ts. */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { withLifecycle, type ContractDefinition } from '../../contracts/model.ts';
import { actorOf } from '../../domain/actor.ts';
import { termsOf, type GrantPorts, type GrantRequest } from '../../domain/consent/grant.ts';
import { ConsentTermsError } from '../../domain/consent/service.ts';
import { SubjectError } from '../../domain/subject.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { asShipped } from './shipped.ts';

const ports: GrantPorts = {
  contracts: {
    contract: (d: ContractDefinition) => Promise.resolve({ contract: withLifecycle(d, asShipped(d)), tampered: [] }),
  },
  hashSubject: subjectHasher('test-pepper'),
};
const now = new Date('2026-11-29T00:00:00Z');
const request = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  subject: { nationalId: '001203004567' },
  consumer: 'hcmc-public-services',
  contract: 'population.residence',
  purposes: ['ADDRESS_CONFIRMATION'],
  notice: { version: '1', language: 'vi' },
  collection: { method: 'public-service-portal', evidence: 'case 1' },
  by: actorOf('officer@hcmc.gov.vn'),
  ...over,
});

describe('consent grant terms', () => {
  it('come from the contract version: major, categories, a year of validity, the portal’s notice, the hashed subject', async () => {
    const { input, scope } = await termsOf(request(), ports, now);
    const version = findContract('population.residence')?.versions[0];
    expect(scope.version.version).toBe(version?.version);
    expect(input).toMatchObject({ consumer: 'hcmc-public-services', contract: 'population.residence', major: 1, by: 'officer@hcmc.gov.vn' });
    expect(input.subjectHash).toBe(subjectHasher('test-pepper')({ nationalId: '001203004567' }));
    expect(input.validUntil.getTime() - input.validFrom.getTime()).toBe(365 * 24 * 3600 * 1000);
    expect(input.notice.uri).toBe('https://dichvucong.gov.vn/consent/population.residence');
    expect(input.notice.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuse a subject that is not the version’s: a short id, a mistyped key, another key', async () => {
    const wrong: Array<Record<string, string>> = [{ nationalId: '12345' }, { nationalID: '001203004567' }, { foo: 'bar' }];
    for (const subject of wrong) {
      await expect(termsOf(request({ subject }), ports, now)).rejects.toThrow(SubjectError);
    }
  });

  it('refuse what the contract does not allow, and a validity already over', async () => {
    await expect(termsOf(request({ consumer: 'danang-tax-office' }), ports, now)).rejects.toThrow(/not a consumer/);
    await expect(termsOf(request({ purposes: ['MARKETING'] }), ports, now)).rejects.toThrow(/allows no purpose MARKETING/);
    await expect(termsOf(request({ contract: 'population.nothing' }), ports, now)).rejects.toThrow(ConsentTermsError);
    await expect(termsOf(request({ validUntil: new Date('2026-01-01T00:00:00Z') }), ports, now)).rejects.toThrow(/ends in the past/);
  });
});
