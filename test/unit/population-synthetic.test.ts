import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIRTH_PROVINCES, nationalIdAgreesWith, parseNationalId } from '../../contracts/identifiers.ts';
import { PopulationRecord } from '../../registries/population/record.ts';
import { DEFAULT_AS_OF, PROVINCES, demoSubjects, generatePopulation } from '../../synthetic/population.ts';

const take = (seed: number | string, count: number, asOf?: string) => [...generatePopulation({ seed, count, ...(asOf ? { asOf } : {}) })];

const N = 20_000;
const sample = take('unit-test', N);
const share = (pred: (r: PopulationRecord) => boolean) => sample.filter(pred).length / sample.length;
const age = (r: PopulationRecord, asOf = DEFAULT_AS_OF) => Number(asOf.slice(0, 4)) - Number(r.dateOfBirth.slice(0, 4));

describe('generatePopulation: determinism', () => {
  it('gives identical records for the same seed', () => {
    expect(take(42, 2000)).toEqual(take(42, 2000));
    expect(take('ndx-demo', 500)).toEqual(take('ndx-demo', 500));
  });

  it('gives different records for different seeds', () => {
    const a = take(1, 500).map((r) => r.nationalId);
    const b = take(2, 500).map((r) => r.nationalId);
    expect(a).not.toEqual(b);
    const common = new Set(a.filter((id) => b.includes(id)));
    expect(common.size).toBeLessThan(10);
  });

  it('streams: a shorter run is a prefix of a longer one', () => {
    const long = take(7, 3000);
    expect(take(7, 1234)).toEqual(long.slice(0, 1234));
    expect(take(7, 0)).toEqual([]);
    expect(take(7, 1)).toEqual(long.slice(0, 1));
  });

  it('does not read the wall clock: updatedAt follows asOf', () => {
    const asOf = '2030-01-01T00:00:00.000Z';
    const records = take(3, 1000, asOf);
    expect(records.every((r) => r.updatedAt <= asOf)).toBe(true);
    expect(take(3, 1000, asOf)).toEqual(records);
    expect(sample.every((r) => r.updatedAt <= DEFAULT_AS_OF && r.updatedAt >= '2023-11-01')).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => take(1, -1)).toThrow(RangeError);
    expect(() => take(1, 1.5)).toThrow(RangeError);
    expect(() => take(1, 10, 'not a date')).toThrow(RangeError);
    expect(() => take(1, 10, '2005-01-01T00:00:00Z')).toThrow(RangeError);
  });
});

describe('generatePopulation: validity', () => {
  it('every record passes PopulationRecord.parse and its national ID agrees with sex and date of birth', () => {
    for (const r of sample) {
      const parsed = PopulationRecord.safeParse(r);
      if (!parsed.success) throw new Error(`${r.nationalId}: ${parsed.error.message}`);
      expect(parsed.data).toEqual(r);
      if (!nationalIdAgreesWith(r.nationalId, r.sex, r.dateOfBirth)) throw new Error(`ID disagrees: ${JSON.stringify(r)}`);
    }
  });

  it('issues unique national IDs whose province code names the birth registration province', () => {
    expect(new Set(sample.map((r) => r.nationalId)).size).toBe(N);
    for (const r of sample) expect(BIRTH_PROVINCES[parseNationalId(r.nationalId)!.province]).toBe(r.birthRegistrationProvince);
  });

  it('keeps dates of birth in 1935–2008 and nationality Việt Nam', () => {
    expect(sample.every((r) => r.dateOfBirth >= '1935-01-01' && r.dateOfBirth <= '2008-12-31')).toBe(true);
    expect(sample.every((r) => r.nationality === 'Việt Nam')).toBe(true);
    const years = new Set(sample.map((r) => r.dateOfBirth.slice(0, 4)));
    expect(years.size).toBeGreaterThan(60);
  });

  it('places residences in the 34 provinces and cities in place since 1 July 2025', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES).size).toBe(34);
    const seen = new Set(sample.map((r) => r.permanentResidence.province));
    for (const p of seen) expect(PROVINCES).toContain(p);
    expect(seen.size).toBe(34);
    for (const r of sample) {
      expect(r.permanentResidence.commune).toMatch(/^(Phường|Xã) \S/);
      expect(r.permanentResidence.line.length).toBeGreaterThan(2);
      if (r.temporaryResidence) {
        expect(PROVINCES).toContain(r.temporaryResidence.province);
        const sameCommune = r.temporaryResidence.province === r.permanentResidence.province && r.temporaryResidence.commune === r.permanentResidence.commune;
        expect(sameCommune).toBe(false);
      }
    }
  });

  it('writes Vietnamese names with diacritics: a family name, optional middle names, a given name', () => {
    for (const r of sample) expect(r.fullName).toMatch(/^\S+( \S+)+$/u);
    expect(share((r) => /[^\p{ASCII}]/u.test(r.fullName))).toBeGreaterThan(0.9);
    expect(share((r) => r.fullName.startsWith('Nguyễn '))).toBeGreaterThan(0.3);
    expect(share((r) => r.fullName.startsWith('Nguyễn '))).toBeLessThan(0.42);
    for (const family of ['Trần', 'Lê', 'Phạm', 'Phan', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý']) {
      expect(share((r) => r.fullName.startsWith(`${family} `))).toBeGreaterThan(0.002);
    }
    // Women far more often carry the middle name Thị than men do.
    const women = sample.filter((r) => r.sex === 'FEMALE');
    expect(women.filter((r) => r.fullName.includes(' Thị ')).length / women.length).toBeGreaterThan(0.3);
    expect(sample.filter((r) => r.sex === 'MALE' && r.fullName.includes(' Thị ')).length).toBe(0);
  });
});

describe('generatePopulation: households', () => {
  const byId = new Map(sample.map((r) => [r.nationalId, r] as const));

  it('gives every household one head, who points to itself, listed before its members', () => {
    const seen = new Set<string>();
    for (const r of sample) {
      const isHead = r.household.headNationalId === r.nationalId;
      expect(r.household.relationship === 'Chủ hộ').toBe(isHead);
      if (!isHead) expect(seen.has(r.household.headNationalId)).toBe(true);
      seen.add(r.nationalId);
    }
    expect(sample[0]!.household.relationship).toBe('Chủ hộ');
  });

  it('has members share the head’s permanent residence; heads are living adults', () => {
    for (const r of sample) {
      const head = byId.get(r.household.headNationalId)!;
      expect(r.permanentResidence).toEqual(head.permanentResidence);
      if (r === head) {
        expect(r.status).toBe('LIVING');
        expect(age(r)).toBeGreaterThanOrEqual(18);
      }
    }
    const relationships = new Set(sample.map((r) => r.household.relationship));
    for (const rel of ['Chủ hộ', 'Vợ', 'Chồng', 'Con', 'Cha', 'Mẹ']) expect(relationships).toContain(rel);
    const heads = sample.filter((r) => r.household.relationship === 'Chủ hộ').length;
    expect(N / heads).toBeGreaterThan(2);
    expect(N / heads).toBeLessThan(5);
  });

  it('makes relationships agree with sex and age', () => {
    for (const r of sample) {
      const head = byId.get(r.household.headNationalId)!;
      const rel = r.household.relationship;
      if (rel === 'Vợ' || rel === 'Mẹ' || rel === 'Con dâu') expect(r.sex).toBe('FEMALE');
      if (rel === 'Chồng' || rel === 'Cha' || rel === 'Con rể') expect(r.sex).toBe('MALE');
      if (rel === 'Vợ') expect(head.sex).toBe('MALE');
      if (rel === 'Chồng') expect(head.sex).toBe('FEMALE');
      if (rel === 'Cha' || rel === 'Mẹ') expect(r.dateOfBirth < head.dateOfBirth).toBe(true);
      if (rel === 'Con' || rel === 'Cháu') expect(r.dateOfBirth > head.dateOfBirth).toBe(true);
    }
  });

  it('keeps marital status roughly consistent with age and household', () => {
    for (const r of sample) {
      if (age(r) < 18) expect(r.maritalStatus).toBe('SINGLE');
      if (r.household.relationship === 'Vợ' || r.household.relationship === 'Chồng') {
        const head = byId.get(r.household.headNationalId)!;
        expect(r.maritalStatus).toBe('MARRIED');
        expect(head.maritalStatus).toBe(r.status === 'DECEASED' ? 'WIDOWED' : 'MARRIED');
      }
    }
    expect(share((r) => r.maritalStatus === 'MARRIED')).toBeGreaterThan(0.4);
    expect(share((r) => r.maritalStatus === 'SINGLE')).toBeGreaterThan(0.1);
  });
});

describe('generatePopulation: proportions', () => {
  it('has about 1% deceased, with no temporary residence', () => {
    const deceased = share((r) => r.status === 'DECEASED');
    expect(deceased).toBeGreaterThan(0.005);
    expect(deceased).toBeLessThan(0.02);
    expect(sample.filter((r) => r.status === 'DECEASED').every((r) => r.temporaryResidence === null)).toBe(true);
  });

  it('has about 15% with a temporary residence elsewhere', () => {
    const temporary = share((r) => r.temporaryResidence !== null);
    expect(temporary).toBeGreaterThan(0.11);
    expect(temporary).toBeLessThan(0.19);
  });

  it('is mostly Kinh, with the larger ethnic minorities present', () => {
    const kinh = share((r) => r.ethnicity === 'Kinh');
    expect(kinh).toBeGreaterThan(0.8);
    expect(kinh).toBeLessThan(0.95);
    const ethnicities = new Set(sample.map((r) => r.ethnicity));
    for (const e of ['Tày', 'Thái', 'Mường', 'Khmer', 'Hoa', 'Nùng', "H'Mông"]) expect(ethnicities).toContain(e);
  });

  it('is roughly balanced between the sexes', () => {
    const women = share((r) => r.sex === 'FEMALE');
    expect(women).toBeGreaterThan(0.45);
    expect(women).toBeLessThan(0.56);
  });
});

describe('generatePopulation: properties', () => {
  it('issues valid, unique national IDs for any seed and count', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string({ maxLength: 20 })), fc.integer({ min: 0, max: 1500 }), (seed, count) => {
        const records = take(seed, count);
        expect(records).toHaveLength(count);
        const ids = new Set<string>();
        for (const r of records) {
          expect(parseNationalId(r.nationalId)).toBeDefined();
          expect(nationalIdAgreesWith(r.nationalId, r.sex, r.dateOfBirth)).toBe(true);
          ids.add(r.nationalId);
        }
        expect(ids.size).toBe(count);
        if (count > 0) expect(records[0]!.household.headNationalId).toBe(records[0]!.nationalId);
      }),
      { numRuns: 60 },
    );
  });
});

describe('demoSubjects', () => {
  it('picks well-known subjects from the generator’s own output', () => {
    const demo = demoSubjects('ndx-demo');
    expect(demoSubjects('ndx-demo')).toEqual(demo);
    const first = take('ndx-demo', 5000);
    const at = (r: PopulationRecord) => first.findIndex((x) => x.nationalId === r.nationalId);
    for (const r of [demo.livingAdult, demo.deceased, demo.temporaryResident, ...demo.household]) {
      expect(at(r)).toBeGreaterThanOrEqual(0);
      expect(first[at(r)]).toEqual(r);
    }
    expect(demo.livingAdult.status).toBe('LIVING');
    expect(age(demo.livingAdult)).toBeGreaterThanOrEqual(18);
    expect(demo.livingAdult.temporaryResidence).toBeNull();
    expect(demo.deceased.status).toBe('DECEASED');
    expect(demo.temporaryResident.temporaryResidence).not.toBeNull();
    expect(demo.household.length).toBeGreaterThanOrEqual(3);
    const [head, ...members] = demo.household;
    expect(head!.household.relationship).toBe('Chủ hộ');
    for (const m of members) expect(m.household.headNationalId).toBe(head!.nationalId);
    // The first of each kind: nothing earlier qualifies.
    expect(first.slice(0, at(demo.deceased)).some((r) => r.status === 'DECEASED')).toBe(false);
    expect(demoSubjects('another seed').livingAdult).not.toEqual(demo.livingAdult);
  });
});
