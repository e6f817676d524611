/**
 * A deterministic synthetic world: the population of `generatePopulation` and, derived from it, the
 * business register, Vietnam Social Security's participants and the land register, consistent with
 * one another:
 * - every legal representative is a living adult of the population, every land user a person of the
 *   population (deceased co-owners included, as on real certificates before an inheritance is
 *   registered) or an enterprise of the business register;
 * - every employer of record is an enterprise of the business register that was founded earlier in the
 *   stream and is operating or suspended;
 * - the social insurance record of a deceased person has status DECEASED.
 *
 * `generateWorld({ seed, count })` streams household by household: the household's citizens, then what
 * they derive (enterprises they found, their social insurance records, the parcels they and their
 * enterprises hold). Every registry's data set is therefore a pure function of (seed, count, asOf):
 * `ndx seed --registry land --count N --seed S` regenerates the same population prefix and keeps the land
 * records of it, so registries seeded separately agree. Each household draws from its own PRNG, seeded
 * by the world seed and the head's national ID; identifiers (enterprise codes, legacy social insurance
 * codes, certificate serials, parcel numbers) come from keyed bijections of counters, so they are unique.
 * Memory grows only with the number of enterprises (employers are drawn from those founded so far).
 *
 * Nothing here is real: names and places come from the population generator; commune codes, tax
 * province prefixes and serials are synthetic.
 */
import { enterpriseCheckDigit, formatParcelId } from '../contracts/identifiers.ts';
import type { EnterpriseType } from '../contracts/business/vocabulary.ts';
import type { LandUse, Owner } from '../contracts/land/vocabulary.ts';
import type { EnterpriseProfile } from '../registries/business/record.ts';
import { representations, PROFILE_SK, type RepresentationItem } from '../registries/business/record.ts';
import { ownerRows, PARCEL_SK, type ParcelOwnerRow, type ParcelRecord } from '../registries/land/record.ts';
import type { PopulationRecord } from '../registries/population/record.ts';
import { COMMUNES, cyrb128, DEFAULT_AS_OF, generatePopulation, mix32, PROVINCES, Sfc32 } from './population.ts';
import type { SocialInsuranceRecord } from '../registries/social-insurance/record.ts';
import type { RegistryId } from '../config/registry-tables.ts';

type Address = PopulationRecord['permanentResidence'];

export interface WorldOptions {
  seed: number | string;
  /** Citizens in the population; the other registries derive from them. */
  count: number;
  asOf?: string;
}

export type WorldEvent =
  | { kind: 'person'; record: PopulationRecord }
  | { kind: 'enterprise'; record: EnterpriseProfile; representations: RepresentationItem[] }
  | { kind: 'participant'; record: SocialInsuranceRecord }
  | { kind: 'parcel'; record: ParcelRecord; owners: ParcelOwnerRow[] };

// ---------------------------------------------------------------------------------------------------------
// Codes

/** Synthetic commune codes: the position in the generator's commune list, 1-based, 5 digits. */
const COMMUNE_CODE = new Map(COMMUNES.map((c, i) => [`${c.province}/${c.commune}`, String(i + 1).padStart(5, '0')]));

export function communeCode(province: string, commune: string): string {
  const code = COMMUNE_CODE.get(`${province}/${commune}`);
  if (!code) throw new Error(`synthetic world: unknown commune ${commune}, ${province}`);
  return code;
}

/** Two-digit prefixes of tax and social insurance codes: the four big cities as in practice, the others synthetic. */
const KNOWN_PREFIX: Readonly<Record<string, string>> = { 'Hà Nội': '01', 'Hải Phòng': '02', 'Hồ Chí Minh': '03', 'Đà Nẵng': '04' };
const PROVINCE_PREFIX = new Map(
  PROVINCES.filter((p) => !(p in KNOWN_PREFIX))
    .map((p, i) => [p, String(10 + i)] as const)
    .concat(Object.entries(KNOWN_PREFIX)),
);
const prefixOf = (province: string) => PROVINCE_PREFIX.get(province) ?? '99';

/** n ↦ (a·n + b) mod m, a bijection of [0, m) when gcd(a, m) = 1. */
function affine(seedWord: number, m: number): (n: number) => number {
  // m is 10^k or 676·10^k here: an odd multiplier that is not a multiple of 5 or 13 is coprime with it.
  let a = (mix32(seedWord) % (m - 1)) + 1;
  while (a % 2 === 0 || a % 5 === 0 || a % 13 === 0) a++;
  const b = mix32(seedWord ^ 0x5bd1e995) % m;
  return (n) => Number((BigInt(a) * BigInt(n) + BigInt(b)) % BigInt(m));
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------------------
// Vocabulary for synthetic enterprises

const INDUSTRIES = [
  { code: '4101', name: 'Xây dựng nhà để ở', field: 'Xây dựng', en: 'CONSTRUCTION' },
  { code: '4933', name: 'Vận tải hàng hóa bằng đường bộ', field: 'Vận tải', en: 'TRANSPORT' },
  { code: '4659', name: 'Bán buôn máy móc, thiết bị và phụ tùng máy khác', field: 'Thương mại', en: 'TRADING' },
  { code: '4711', name: 'Bán lẻ lương thực, thực phẩm, đồ uống trong cửa hàng kinh doanh tổng hợp', field: 'Thương mại Dịch vụ', en: 'TRADING SERVICES' },
  { code: '6201', name: 'Lập trình máy vi tính', field: 'Công nghệ', en: 'TECHNOLOGY' },
  { code: '1410', name: 'May trang phục (trừ trang phục từ da lông thú)', field: 'May mặc', en: 'GARMENT' },
  { code: '1079', name: 'Sản xuất thực phẩm khác chưa được phân vào đâu', field: 'Thực phẩm', en: 'FOODS' },
  { code: '5610', name: 'Nhà hàng và các dịch vụ ăn uống phục vụ lưu động', field: 'Nhà hàng', en: 'RESTAURANT' },
  { code: '6810', name: 'Kinh doanh bất động sản, quyền sử dụng đất thuộc chủ sở hữu, chủ sử dụng hoặc đi thuê', field: 'Bất động sản', en: 'REAL ESTATE' },
  { code: '0111', name: 'Trồng lúa', field: 'Nông nghiệp', en: 'AGRICULTURE' },
  { code: '7020', name: 'Hoạt động tư vấn quản lý', field: 'Tư vấn', en: 'CONSULTING' },
  { code: '5510', name: 'Dịch vụ lưu trú ngắn ngày', field: 'Du lịch', en: 'TOURISM' },
] as const;

const BRANDS = [
  'An Phát',
  'Minh Long',
  'Hoàng Gia',
  'Thành Đạt',
  'Phú Quý',
  'Việt Tiến',
  'Sao Mai',
  'Đại Dương',
  'Hưng Thịnh',
  'Tân Phát',
  'Bình An',
  'Kim Ngân',
  'Trường Sơn',
  'Hải Âu',
  'Hồng Hà',
  'Nam Việt',
  'Phương Đông',
  'Thiên Long',
  'Vạn Xuân',
  'Ánh Dương',
  'Đông Á',
  'Hòa Bình',
  'Lạc Hồng',
  'Tràng An',
  'Cửu Long',
  'Sông Hàn',
  'Tây Nguyên',
  'Bắc Hà',
  'Thịnh Vượng',
  'Gia Khang',
] as const;

const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Huệ',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Quang Trung',
  'Nguyễn Trãi',
  'Hùng Vương',
  'Điện Biên Phủ',
  'Võ Văn Kiệt',
  'Phạm Văn Đồng',
  'Nguyễn Văn Linh',
] as const;
const FIELDS = ['Đồng Trên', 'Đồng Dưới', 'Đồng Cửa', 'Bãi Giữa', 'Gò Cao', 'Đồng Sau', 'Ruộng Mới', 'Bờ Sông'] as const;

const TYPE_WEIGHTS: ReadonlyArray<readonly [EnterpriseType, number]> = [
  ['LLC_ONE_MEMBER', 40],
  ['LLC_MULTI_MEMBER', 25],
  ['JSC', 20],
  ['PRIVATE_ENTERPRISE', 13],
  ['PARTNERSHIP', 2],
];
const PREFIX_VI: Record<EnterpriseType, string> = {
  LLC_ONE_MEMBER: 'Công ty TNHH MTV',
  LLC_MULTI_MEMBER: 'Công ty TNHH',
  JSC: 'Công ty Cổ phần',
  PRIVATE_ENTERPRISE: 'Doanh nghiệp tư nhân',
  PARTNERSHIP: 'Công ty Hợp danh',
  BRANCH: 'Chi nhánh',
};
const SUFFIX_EN: Partial<Record<EnterpriseType, string>> = {
  LLC_ONE_MEMBER: 'COMPANY LIMITED',
  LLC_MULTI_MEMBER: 'COMPANY LIMITED',
  JSC: 'JOINT STOCK COMPANY',
  PARTNERSHIP: 'PARTNERSHIP',
};
/** Positions of an enterprise type's representatives: the founder's first, a partner's last. */
const POSITIONS: Record<EnterpriseType, readonly [string, ...string[]]> = {
  LLC_ONE_MEMBER: ['Giám đốc', 'Chủ tịch công ty'],
  LLC_MULTI_MEMBER: ['Giám đốc', 'Chủ tịch Hội đồng thành viên'],
  JSC: ['Tổng giám đốc', 'Chủ tịch Hội đồng quản trị'],
  PRIVATE_ENTERPRISE: ['Chủ doanh nghiệp'],
  PARTNERSHIP: ['Thành viên hợp danh'],
  BRANCH: ['Giám đốc chi nhánh'],
};
const CAPITAL: Record<EnterpriseType, readonly [number, number]> = {
  LLC_ONE_MEMBER: [100, 20_000],
  LLC_MULTI_MEMBER: [500, 50_000],
  JSC: [10_000, 500_000],
  PRIVATE_ENTERPRISE: [200, 5_000],
  PARTNERSHIP: [500, 10_000],
  BRANCH: [0, 0],
};

/** 'Hưng Thịnh' → 'HUNG THINH'. */
export function deaccent(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toUpperCase();
}

function weightedPick<T>(rng: Sfc32, pairs: ReadonlyArray<readonly [T, number]>): T {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let x = rng.float() * total;
  for (const [item, w] of pairs) {
    x -= w;
    if (x < 0) return item;
  }
  // Rounding can leave x at or just above 0 after the last weight: the last item then.
  const last = pairs.at(-1);
  if (!last) throw new RangeError('weightedPick: no weighted items to pick from');
  return last[0];
}

// ---------------------------------------------------------------------------------------------------------
// The world

/** Ages that matter, in completed years at asOf (close enough for plausibility rules). */
const age = (r: PopulationRecord, asOfYear: number) => asOfYear - Number(r.dateOfBirth.slice(0, 4));

class World {
  private readonly seed: string;
  private readonly asOfMs: number;
  private readonly asOfYear: number;
  private readonly enterpriseSerial: (n: number) => number;
  private readonly legacySerial: (n: number) => number;
  private readonly certificateSerial: (n: number) => number;
  private enterprises = 0;
  private participants = 0;
  private certificates = 0;
  private readonly parcelsInCommune = new Map<string, number>();
  /** Enterprises that can employ people (operating or suspended), in founding order. */
  private readonly employers: string[] = [];

  constructor(seed: number | string, asOf: string) {
    this.seed = String(seed);
    this.asOfMs = Date.parse(asOf);
    this.asOfYear = new Date(this.asOfMs).getUTCFullYear();
    const [a, b, c] = cyrb128(`ndx/world/${this.seed}`);
    this.enterpriseSerial = affine(a, 10_000_000);
    this.legacySerial = affine(b, 100_000_000);
    this.certificateSerial = affine(c, 676 * 1_000_000);
  }

  private rngFor(head: PopulationRecord): Sfc32 {
    const [a, b, c, d] = cyrb128(`ndx/world/${this.seed}/${head.nationalId}`);
    return new Sfc32(a, b, c, d);
  }

  /** An instant in the three years before asOf (not before `notBefore`), as an ISO datetime. */
  private updatedAt(rng: Sfc32, notBefore = 0): string {
    const earliest = Math.max(this.asOfMs - 3 * 365 * DAY_MS, notBefore);
    return new Date(earliest + Math.floor((rng.float() * (this.asOfMs - earliest)) / 1000) * 1000).toISOString();
  }

  private dayBetween(rng: Sfc32, fromMs: number, toMs: number): string {
    return isoDay(fromMs + Math.floor(rng.float() * Math.max(0, toMs - fromMs)));
  }

  private nextEnterpriseCode(province: string): string {
    for (;;) {
      const serial = String(this.enterpriseSerial(this.enterprises++)).padStart(7, '0');
      const first9 = `${prefixOf(province)}${serial}`;
      const check = enterpriseCheckDigit(first9);
      if (serial !== '0000000' && check !== undefined) return `${first9}${check}`;
    }
  }

  private nextLegacyCode(province: string): string {
    return `${prefixOf(province)}${String(this.legacySerial(this.participants++)).padStart(8, '0')}`;
  }

  private nextCertificate(): string {
    const m = this.certificateSerial(this.certificates++);
    const letters = Math.floor(m / 1_000_000);
    return `${LETTERS[Math.floor(letters / 26)]}${LETTERS[letters % 26]} ${String(m % 1_000_000).padStart(6, '0')}`;
  }

  private nextParcelId(address: Address): string {
    const commune = communeCode(address.province, address.commune);
    const n = this.parcelsInCommune.get(commune) ?? 0;
    this.parcelsInCommune.set(commune, n + 1);
    // 250 parcels per map sheet, numbered in a scrambled order on each sheet.
    const mapSheet = 1 + Math.floor(n / 250);
    const parcelNumber = 1 + (((n % 250) * 37 + mapSheet * 11) % 250);
    return formatParcelId({ commune, mapSheet, parcelNumber });
  }

  // ---- business --------------------------------------------------------------------------------------

  private enterprise(rng: Sfc32, founder: PopulationRecord, partners: PopulationRecord[]): EnterpriseProfile[] {
    const type = weightedPick(rng, TYPE_WEIGHTS);
    const industry = rng.pick(INDUSTRIES);
    const brand = rng.pick(BRANDS);
    const province = founder.permanentResidence.province;
    const code = this.nextEnterpriseCode(province);
    const founderAdult = Date.UTC(Number(founder.dateOfBirth.slice(0, 4)) + 20, 0, 1);
    const foundedMs = Math.max(founderAdult, Date.UTC(1995, 0, 1));
    const foundedOn = this.dayBetween(rng, foundedMs, this.asOfMs - 30 * DAY_MS);
    const status = weightedPick(rng, [
      ['OPERATING', 82],
      ['SUSPENDED', 7],
      ['DISSOLVED', 9],
      ['BANKRUPT', 2],
    ] as const);
    const [lo, hi] = CAPITAL[type];
    const positions = POSITIONS[type];
    const [founderPosition] = positions;
    const reps = [{ nationalId: founder.nationalId, fullName: founder.fullName, position: founderPosition }];
    if (partners.length > 0 && type !== 'PRIVATE_ENTERPRISE' && type !== 'LLC_ONE_MEMBER' && rng.chance(0.3)) {
      const partner = rng.pick(partners);
      // The last position (a type with one position has it for both).
      reps.push({ nationalId: partner.nationalId, fullName: partner.fullName, position: positions.at(-1) ?? founderPosition });
    }
    const headOffice: Address = rng.chance(0.5)
      ? { ...founder.permanentResidence }
      : { line: `Số ${rng.between(1, 399)} đường ${rng.pick(STREETS)}`, commune: founder.permanentResidence.commune, province };
    const suffix = SUFFIX_EN[type];
    const profile: EnterpriseProfile = {
      enterpriseCode: code,
      name: `${PREFIX_VI[type]} ${industry.field} ${brand}`,
      foreignName: suffix && rng.chance(0.5) ? `${deaccent(brand)} ${industry.en} ${suffix}` : null,
      type,
      status,
      registeredCapital: rng.between(lo, hi) * 1_000_000,
      headOffice,
      legalRepresentatives: reps,
      foundedOn,
      mainIndustry: { code: industry.code, name: industry.name },
      parentEnterpriseCode: null,
      updatedAt: this.updatedAt(rng, Date.parse(foundedOn)),
    };
    const out = [profile];
    // Larger companies have branches in other provinces.
    if ((type === 'JSC' || type === 'LLC_MULTI_MEMBER') && status === 'OPERATING' && rng.chance(0.25)) {
      const n = rng.between(1, 2);
      for (let i = 1; i <= n; i++) {
        const place = rng.pick(COMMUNES);
        const opened = this.dayBetween(rng, Date.parse(foundedOn), this.asOfMs - DAY_MS);
        out.push({
          ...profile,
          enterpriseCode: `${code}-${String(i).padStart(3, '0')}`,
          name: `Chi nhánh ${place.province} - ${profile.name}`,
          foreignName: null,
          type: 'BRANCH',
          registeredCapital: 0,
          headOffice: { line: `Số ${rng.between(1, 399)} đường ${rng.pick(STREETS)}`, commune: place.commune, province: place.province },
          legalRepresentatives: [],
          foundedOn: opened,
          parentEnterpriseCode: code,
          updatedAt: this.updatedAt(rng, Date.parse(opened)),
        });
      }
    }
    if (status === 'OPERATING' || status === 'SUSPENDED') this.employers.push(code);
    return out;
  }

  // ---- social insurance ------------------------------------------------------------------------------

  private participant(rng: Sfc32, person: PopulationRecord, ownEmployer: string | undefined): SocialInsuranceRecord | undefined {
    const years = age(person, this.asOfYear);
    const deceased = person.status === 'DECEASED';
    const retirementAge = person.sex === 'MALE' ? 62 : 60;
    const health = (): SocialInsuranceRecord['healthInsurance'] => {
      const year = rng.chance(0.06) ? this.asOfYear - 1 : this.asOfYear;
      return { validFrom: `${year}-01-01`, validUntil: `${year}-12-31` };
    };
    const startAge = rng.between(18, 25);
    const base = { nationalId: person.nationalId, legacyCode: '', updatedAt: this.updatedAt(rng) };

    if (years >= retirementAge) {
      // Pensioners: those who worked long enough under compulsory insurance.
      if (!rng.chance(deceased ? 0.2 : 0.35)) return undefined;
      const retiredYear = Number(person.dateOfBirth.slice(0, 4)) + retirementAge;
      const since = `${retiredYear}-${person.dateOfBirth.slice(5, 7)}-01`;
      const record: SocialInsuranceRecord = {
        ...base,
        legacyCode: this.nextLegacyCode(person.permanentResidence.province),
        participationType: 'COMPULSORY',
        status: deceased ? 'DECEASED' : 'RETIRED',
        employerCode: null,
        contributionMonths: rng.between(240, Math.max(240, (retirementAge - startAge) * 12)),
        salaryBand: null,
        benefits: deceased ? [] : [{ type: 'PENSION', since, until: null }],
        healthInsurance: deceased ? null : health(),
      };
      return record;
    }
    if (years < 18) return undefined;

    let type: SocialInsuranceRecord['participationType'];
    let employerCode: string | null = null;
    if (ownEmployer) {
      type = 'COMPULSORY';
      employerCode = ownEmployer;
    } else {
      const u = rng.float();
      if (u < 0.48 && this.employers.length > 0) {
        type = 'COMPULSORY';
        employerCode = rng.pick(this.employers);
      } else if (u < 0.58) {
        type = 'VOLUNTARY';
      } else {
        return undefined;
      }
    }
    let status = weightedPick(rng, [
      ['PARTICIPATING', 85],
      ['PAUSED', 6],
      ['STOPPED', 9],
    ] as const) as SocialInsuranceRecord['status'];
    if (ownEmployer) status = 'PARTICIPATING';
    if (status === 'STOPPED') employerCode = null;
    if (deceased) status = 'DECEASED';
    const months = Math.max(1, Math.round((years - startAge) * 12 * (0.5 + rng.float() * 0.5)));
    const benefits: SocialInsuranceRecord['benefits'] = [];
    const day = (ago: number) => isoDay(this.asOfMs - ago * DAY_MS);
    if (!deceased) {
      if (person.sex === 'FEMALE' && years <= 40 && status === 'PARTICIPATING' && rng.chance(0.04)) {
        const ago = rng.between(10, 170);
        benefits.push({ type: 'MATERNITY', since: day(ago), until: day(ago - 180) });
      }
      if (status === 'PARTICIPATING' && rng.chance(0.02)) {
        const ago = rng.between(5, 300);
        benefits.push({ type: 'SICKNESS', since: day(ago), until: day(ago - rng.between(3, 30)) });
      }
      if (status === 'STOPPED' && type === 'COMPULSORY' && rng.chance(0.3)) {
        const ago = rng.between(10, 200);
        benefits.push({ type: 'UNEMPLOYMENT', since: day(ago), until: day(ago - 30 * rng.between(3, 12)) });
      }
    }
    return {
      ...base,
      legacyCode: this.nextLegacyCode(person.permanentResidence.province),
      participationType: type,
      status,
      employerCode,
      contributionMonths: months,
      salaryBand:
        status === 'DECEASED'
          ? null
          : weightedPick(rng, [
              ['UNDER_5M', 30],
              ['5M_10M', 38],
              ['10M_20M', 20],
              ['20M_36M', 9],
              ['OVER_36M', 3],
            ] as const),
      benefits,
      healthInsurance: deceased || status === 'STOPPED' ? null : health(),
    };
  }

  // ---- land ------------------------------------------------------------------------------------------

  private parcel(rng: Sfc32, address: Address, landUse: LandUse, area: number, owners: Owner[], leased: boolean): ParcelRecord {
    const longTerm = landUse === 'ODT' || landUse === 'ONT';
    const record: ParcelRecord = {
      parcelId: this.nextParcelId(address),
      sk: PARCEL_SK,
      address,
      area,
      landUse,
      useUntil: longTerm
        ? null
        : `${rng.between(leased ? 2035 : 2043, leased ? 2075 : 2074)}-${String(rng.between(1, 12)).padStart(2, '0')}-${String(rng.between(1, 28)).padStart(2, '0')}`,
      owners,
      certificateSerial: this.nextCertificate(),
      encumbrances: { mortgaged: rng.chance(0.15), disputed: rng.chance(0.02) },
      lastTransactionDate: rng.chance(0.4) ? null : this.dayBetween(rng, Date.UTC(2000, 0, 1), this.asOfMs - DAY_MS),
      updatedAt: this.updatedAt(rng),
    };
    return record;
  }

  private holdings(rng: Sfc32, head: PopulationRecord, household: PopulationRecord[], enterprises: EnterpriseProfile[]): ParcelRecord[] {
    const out: ParcelRecord[] = [];
    const home = head.permanentResidence;
    const urban = home.commune.startsWith('Phường');
    const spouse = household.find((m) => m.household.relationship === 'Vợ' || m.household.relationship === 'Chồng');
    const person = (r: PopulationRecord, share: number): Owner => ({ kind: 'PERSON', nationalId: r.nationalId, share });
    if (rng.chance(0.7)) {
      const owners = spouse && rng.chance(0.8) ? [person(head, 50), person(spouse, 50)] : [person(head, 100)];
      out.push(this.parcel(rng, { ...home }, urban ? 'ODT' : 'ONT', urban ? rng.between(30, 150) : rng.between(100, 600), owners, false));
    }
    if (!urban && rng.chance(0.6)) {
      const n = rng.between(1, 4);
      for (let i = 0; i < n; i++) {
        const use = weightedPick(rng, [
          ['LUC', 50],
          ['BHK', 20],
          ['CLN', 20],
          ['NTS', 10],
        ] as const);
        const address: Address = { line: `Xứ đồng ${rng.pick(FIELDS)}`, commune: home.commune, province: home.province };
        out.push(this.parcel(rng, address, use, rng.between(3, 50) * 100, [person(head, 100)], false));
      }
    }
    for (const e of enterprises) {
      if (e.type === 'BRANCH' || e.status === 'DISSOLVED' || e.status === 'BANKRUPT' || !rng.chance(0.3)) continue;
      const use = rng.chance(0.6) ? 'TMD' : 'SKC';
      out.push(
        this.parcel(rng, { ...e.headOffice }, use, rng.between(5, 200) * 100, [{ kind: 'ENTERPRISE', enterpriseCode: e.enterpriseCode, share: 100 }], true),
      );
    }
    return out;
  }

  // ---- a household -----------------------------------------------------------------------------------

  *household(members: PopulationRecord[]): Generator<WorldEvent> {
    for (const record of members) yield { kind: 'person', record };
    const [head] = members;
    if (!head) throw new RangeError('a household has at least its head');
    const rng = this.rngFor(head);
    const adults = members.filter((m) => m.status === 'LIVING' && age(m, this.asOfYear) >= 18);

    // Enterprises: a living adult of working age founds one, sometimes several.
    const enterprises: EnterpriseProfile[] = [];
    const founders = adults.filter((m) => age(m, this.asOfYear) >= 25 && age(m, this.asOfYear) <= 70);
    let founder: PopulationRecord | undefined;
    if (founders.length > 0 && rng.chance(0.09)) {
      founder = rng.pick(founders);
      const partners = adults.filter((m) => m !== founder);
      const n = rng.chance(0.2) ? rng.between(2, 4) : 1;
      for (let i = 0; i < n; i++) enterprises.push(...this.enterprise(rng, founder, partners));
    }
    for (const e of enterprises) yield { kind: 'enterprise', record: e, representations: representations(e) };

    // Social insurance: founders are employees of their first operating enterprise.
    const ownEmployer = enterprises.find((e) => e.type !== 'BRANCH' && e.status === 'OPERATING')?.enterpriseCode;
    for (const m of members) {
      const record = this.participant(rng, m, m === founder ? ownEmployer : undefined);
      if (record) yield { kind: 'participant', record };
    }

    // Land: the household's home and fields, and its enterprises' premises.
    for (const parcel of this.holdings(rng, head, members, enterprises)) yield { kind: 'parcel', record: parcel, owners: ownerRows(parcel) };
  }
}

/**
 * Streams the synthetic world household by household (see the module comment). The population events
 * are exactly `generatePopulation({ seed, count, asOf })`.
 */
export function* generateWorld(options: WorldOptions): Generator<WorldEvent, void, undefined> {
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  const world = new World(options.seed, asOf);
  let household: PopulationRecord[] = [];
  for (const r of generatePopulation({ seed: options.seed, count: options.count, asOf })) {
    if (r.household.headNationalId === r.nationalId && household.length > 0) {
      yield* world.household(household);
      household = [];
    }
    household.push(r);
  }
  if (household.length > 0) yield* world.household(household);
}

/** The synthetic registries, by id. */
/** The registries the synthetic world fills: every shipped one. */
export type SyntheticRegistry = RegistryId;

/** The items of one registry's table, in the world's order (each registry's own table design). */
export function* registryItems(registry: SyntheticRegistry, options: WorldOptions): Generator<Record<string, unknown>, void, undefined> {
  if (registry === 'population') {
    yield* generatePopulation({ seed: options.seed, count: options.count, ...(options.asOf ? { asOf: options.asOf } : {}) });
    return;
  }
  for (const e of generateWorld(options)) {
    if (registry === 'business' && e.kind === 'enterprise') {
      yield { ...e.record, sk: PROFILE_SK };
      yield* e.representations;
    } else if (registry === 'social-insurance' && e.kind === 'participant') {
      yield e.record;
    } else if (registry === 'land' && e.kind === 'parcel') {
      yield e.record;
      yield* e.owners;
    }
  }
}

/** Well-known subjects of the synthetic world, for examples, the demo and tests. */
export interface WorldExamples {
  /** A parcel id. */
  parcel: string;
  /** A living person holding the most parcels (at least two when the world has one). */
  owner: { nationalId: string; parcels: number };
  /** An enterprise holding land. */
  enterpriseOwner: { enterpriseCode: string; parcels: number } | undefined;
  /** An operating enterprise. */
  enterprise: string;
  /** A branch, when the world has one. */
  branch: string | undefined;
  /** The person representing the most enterprises. */
  representative: { nationalId: string; enterprises: number };
  /**
   * A living person who holds land and has an employer of record (the land office's cross-registry
   * case), with that employer.
   */
  employee: { nationalId: string; employerCode: string; parcels: number };
  /** A pensioner (social-insurance.benefits). */
  pensioner: string | undefined;
  /** A deceased person with a social insurance record. */
  deceasedParticipant: string | undefined;
}

export function worldExamples(options: WorldOptions): WorldExamples {
  const living = new Set<string>();
  const parcelsOf = new Map<string, number>();
  const enterprisesOf = new Map<string, number>();
  const employers = new Map<string, string>();
  let parcel: string | undefined;
  let enterprise: string | undefined;
  let branch: string | undefined;
  let pensioner: string | undefined;
  let deceasedParticipant: string | undefined;
  for (const e of generateWorld(options)) {
    if (e.kind === 'person' && e.record.status === 'LIVING') living.add(e.record.nationalId);
    if (e.kind === 'parcel') {
      parcel ??= e.record.parcelId;
      for (const o of e.owners) parcelsOf.set(o.ownerId, (parcelsOf.get(o.ownerId) ?? 0) + 1);
    }
    if (e.kind === 'enterprise') {
      if (e.record.type === 'BRANCH') branch ??= e.record.enterpriseCode;
      else if (e.record.status === 'OPERATING') enterprise ??= e.record.enterpriseCode;
      for (const r of e.representations) enterprisesOf.set(r.representativeId, (enterprisesOf.get(r.representativeId) ?? 0) + 1);
    }
    if (e.kind === 'participant') {
      if (e.record.employerCode && e.record.status === 'PARTICIPATING') employers.set(e.record.nationalId, e.record.employerCode);
      if (e.record.benefits.some((b) => b.type === 'PENSION')) pensioner ??= e.record.nationalId;
      if (e.record.status === 'DECEASED') deceasedParticipant ??= e.record.nationalId;
    }
  }
  const most = (m: Map<string, number>, keep: (id: string) => boolean) =>
    [...m].filter(([id]) => keep(id)).reduce<[string, number] | undefined>((best, x) => (!best || x[1] > best[1] ? x : best), undefined);
  const owner = most(parcelsOf, (id) => living.has(id));
  const enterpriseOwner = most(parcelsOf, (id) => id.length !== 12);
  const representative = most(enterprisesOf, () => true);
  const employee = most(parcelsOf, (id) => living.has(id) && employers.has(id));
  const employerCode = employee && employers.get(employee[0]);
  if (!parcel || !owner || !enterprise || !representative || !employee || !employerCode) {
    throw new Error(
      `worldExamples: the world of ${options.count} citizens (seed ${String(options.seed)}) is too small for examples; use a few hundred citizens or more`,
    );
  }
  return {
    parcel,
    owner: { nationalId: owner[0], parcels: owner[1] },
    enterpriseOwner: enterpriseOwner ? { enterpriseCode: enterpriseOwner[0], parcels: enterpriseOwner[1] } : undefined,
    enterprise,
    branch,
    representative: { nationalId: representative[0], enterprises: representative[1] },
    employee: { nationalId: employee[0], employerCode, parcels: employee[1] },
    pensioner,
    deceasedParticipant,
  };
}
