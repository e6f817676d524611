/** The synthetic world: deterministic, consistent across registries, valid records, unique keys. */
import { describe, expect, it } from 'vitest';
import { EnterpriseItem, RepresentationItem, type EnterpriseProfile } from '../../registries/business/record.ts';
import { ParcelOwnerRow, ParcelRecord } from '../../registries/land/record.ts';
import { PopulationRecord } from '../../registries/population/record.ts';
import { generatePopulation } from '../../synthetic/population.ts';
import { SocialInsuranceRecord } from '../../registries/social-insurance/record.ts';
import { REGISTRY_IDS } from '../../config/registry-tables.ts';
import { generateWorld, registryItems, worldExamples, type WorldEvent } from '../../synthetic/world.ts';

const N = 5000;
const events = [...generateWorld({ seed: 'unit-test', count: N })];
const of = <K extends WorldEvent['kind']>(kind: K) => events.filter((e): e is Extract<WorldEvent, { kind: K }> => e.kind === kind);
const people = new Map(of('person').map((e) => [e.record.nationalId, e.record]));
const enterprises = new Map<string, EnterpriseProfile>(of('enterprise').map((e) => [e.record.enterpriseCode, e.record]));
const AS_OF_YEAR = 2026;

describe('generateWorld: determinism', () => {
  it('is a pure function of the seed and count', () => {
    expect([...generateWorld({ seed: 'unit-test', count: 800 })]).toEqual([...generateWorld({ seed: 'unit-test', count: 800 })]);
    const a = of('enterprise').map((e) => e.record.enterpriseCode);
    const b = [...generateWorld({ seed: 'another', count: N })].flatMap((e) => (e.kind === 'enterprise' ? [e.record.enterpriseCode] : []));
    expect(a).not.toEqual(b);
  });

  it('its citizens are exactly the population generator’s', () => {
    expect(of('person').map((e) => e.record)).toEqual([...generatePopulation({ seed: 'unit-test', count: N })]);
  });

  it('a registry seeded alone has the same records as one seeded with the others (each regenerates the population prefix)', () => {
    const land = [...registryItems('land', { seed: 'unit-test', count: N })];
    expect(land).toEqual(of('parcel').flatMap((e) => [e.record, ...e.owners]));
    expect([...registryItems('population', { seed: 'unit-test', count: 300 })]).toEqual(
      of('person')
        .slice(0, 300)
        .map((e) => e.record),
    );
  });

  it('the records of households both runs complete are the same in a longer run', () => {
    const short = [...generateWorld({ seed: 'unit-test', count: 1000 })];
    // Everything before the last (possibly truncated) household of the short run.
    const lastHead = short.filter((e) => e.kind === 'person' && e.record.household.headNationalId === e.record.nationalId).at(-1)!;
    const cut = short.indexOf(lastHead);
    expect(events.slice(0, cut)).toEqual(short.slice(0, cut));
  });
});

describe('generateWorld: records', () => {
  it('every record fits its registry’s schema', () => {
    for (const e of events) {
      if (e.kind === 'person') PopulationRecord.parse(e.record);
      if (e.kind === 'enterprise') {
        EnterpriseItem.parse({ ...e.record, sk: 'PROFILE' });
        for (const r of e.representations) RepresentationItem.parse(r);
      }
      if (e.kind === 'participant') SocialInsuranceRecord.parse(e.record);
      if (e.kind === 'parcel') {
        ParcelRecord.parse(e.record);
        for (const o of e.owners) ParcelOwnerRow.parse(o);
      }
    }
  });

  it('has realistic proportions: about one enterprise per ten citizens, half the adults insured, a parcel per household', () => {
    const ratio = (k: WorldEvent['kind']) => of(k).length / N;
    expect(ratio('enterprise')).toBeGreaterThan(0.04);
    expect(ratio('enterprise')).toBeLessThan(0.2);
    expect(ratio('participant')).toBeGreaterThan(0.3);
    expect(ratio('participant')).toBeLessThan(0.7);
    expect(ratio('parcel')).toBeGreaterThan(0.3);
    const types = new Set(of('enterprise').map((e) => e.record.type));
    expect(types).toEqual(new Set(['LLC_ONE_MEMBER', 'LLC_MULTI_MEMBER', 'JSC', 'PRIVATE_ENTERPRISE', 'PARTNERSHIP', 'BRANCH']));
    expect(new Set(of('parcel').map((e) => e.record.landUse)).size).toBeGreaterThanOrEqual(7);
  });

  it('table keys are unique in every registry (a batch never holds one key twice)', () => {
    for (const registry of REGISTRY_IDS) {
      const items = [...registryItems(registry, { seed: 'unit-test', count: N })];
      const key = (i: Record<string, unknown>) => `${String(i.nationalId ?? i.enterpriseCode ?? i.parcelId)}#${String(i.sk ?? '')}`;
      const keys = new Set(items.map(key));
      expect(keys.size, registry).toBe(items.length);
    }
    const serials = of('parcel').map((e) => e.record.certificateSerial);
    expect(new Set(serials).size).toBe(serials.length);
    const legacy = of('participant').map((e) => e.record.legacyCode);
    expect(new Set(legacy).size).toBe(legacy.length);
  });
});

describe('generateWorld: consistency across registries', () => {
  it('legal representatives are living adults of the population, under their registered name', () => {
    for (const e of of('enterprise')) {
      for (const rep of e.record.legalRepresentatives) {
        const person = people.get(rep.nationalId);
        expect(person, rep.nationalId).toBeDefined();
        expect(person!.status).toBe('LIVING');
        expect(AS_OF_YEAR - Number(person!.dateOfBirth.slice(0, 4))).toBeGreaterThanOrEqual(18);
        expect(rep.fullName).toBe(person!.fullName);
      }
      if (e.record.type === 'BRANCH') {
        expect(e.record.enterpriseCode.startsWith(`${e.record.parentEnterpriseCode}-`)).toBe(true);
        expect(enterprises.get(e.record.parentEnterpriseCode!)).toBeDefined();
      } else {
        expect(e.record.legalRepresentatives.length).toBeGreaterThanOrEqual(1);
        expect(e.record.foundedOn >= `${Number(people.get(e.record.legalRepresentatives[0]!.nationalId)!.dateOfBirth.slice(0, 4)) + 18}`).toBe(true);
      }
    }
  });

  it('land users are citizens or enterprises of the world, and shares add up to 100', () => {
    for (const e of of('parcel')) {
      for (const o of e.record.owners) {
        if (o.kind === 'PERSON') expect(people.get(o.nationalId), o.nationalId).toBeDefined();
        else expect(enterprises.get(o.enterpriseCode), o.enterpriseCode).toBeDefined();
      }
      expect(e.record.owners.reduce((s, o) => s + o.share, 0)).toBe(100);
      expect(e.owners.map((o) => o.ownerId).sort()).toEqual(e.record.owners.map((o) => (o.kind === 'PERSON' ? o.nationalId : o.enterpriseCode)).sort());
    }
  });

  it('employers of record are enterprises founded earlier in the stream, not dissolved, bankrupt or branches', () => {
    const seen = new Set<string>();
    let employed = 0;
    for (const e of events) {
      if (e.kind === 'enterprise') seen.add(e.record.enterpriseCode);
      if (e.kind === 'participant' && e.record.employerCode) {
        employed++;
        expect(seen.has(e.record.employerCode)).toBe(true);
        const employer = enterprises.get(e.record.employerCode)!;
        expect(['OPERATING', 'SUSPENDED']).toContain(employer.status);
        expect(employer.type).not.toBe('BRANCH');
        expect(e.record.participationType).toBe('COMPULSORY');
      }
    }
    expect(employed).toBeGreaterThan(N * 0.15);
  });

  it('social insurance records are of citizens; deceased citizens are marked DECEASED and receive nothing', () => {
    let deceased = 0;
    for (const e of of('participant')) {
      const person = people.get(e.record.nationalId);
      expect(person, e.record.nationalId).toBeDefined();
      expect(e.record.status === 'DECEASED').toBe(person!.status === 'DECEASED');
      if (person!.status === 'DECEASED') {
        deceased++;
        expect(e.record.benefits).toEqual([]);
        expect(e.record.healthInsurance).toBeNull();
      }
      if (e.record.benefits.some((b) => b.type === 'PENSION')) expect(e.record.status).toBe('RETIRED');
    }
    expect(deceased).toBeGreaterThan(0);
  });

  it('gives examples for docs and tests, the same for the same seed', () => {
    const ex = worldExamples({ seed: 'unit-test', count: N });
    expect(ex).toEqual(worldExamples({ seed: 'unit-test', count: N }));
    expect(ex.owner.parcels).toBeGreaterThanOrEqual(3);
    expect(ex.representative.enterprises).toBeGreaterThanOrEqual(2);
    expect(people.get(ex.employee.nationalId)!.status).toBe('LIVING');
    expect(enterprises.get(ex.employee.employerCode)).toBeDefined();
    expect(() => worldExamples({ seed: 'unit-test', count: 5 })).toThrow(/too small/);
  });
});
