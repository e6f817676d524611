/**
 * A deterministic synthetic National Population Database.
 *
 * `generatePopulation({ seed, count })` streams `count` records that are a pure function of the seed (and
 * `asOf`): no wall clock, no global randomness, constant memory however many records are asked for, and
 * the records of a shorter run are a prefix of those of a longer run with the same seed. Records come in
 * households (the head first, relationship "Chủ hộ", pointing to itself; the members after it, sharing its
 * permanent residence). Every record satisfies `PopulationRecord.parse` and `nationalIdAgreesWith`; the
 * generator does not parse them itself, to stay fast (hundreds of thousands of records a second).
 *
 * No real person's data is used: names, addresses and identifiers are drawn from public lists of common
 * Vietnamese names, the 34 provinces and centrally run cities in place since 1 July 2025 and plausible
 * commune/ward names, by a seeded PRNG (sfc32).
 */
import { BIRTH_PROVINCES, formatNationalId, type Sex } from '../contracts/identifiers.ts';
import type { PopulationRecord } from '../registries/population/record.ts';

export interface PopulationOptions {
  /** Everything follows from the seed; `42` and `'42'` are the same seed. */
  seed: number | string;
  /** How many records to generate (a non-negative integer). */
  count: number;
  /** The moment the data set describes, an ISO date-time (default 2026-11-01T00:00:00.000Z); at least 2009-01-01. */
  asOf?: string;
}

export const DEFAULT_AS_OF = '2026-11-01T00:00:00.000Z';

/** Dates of birth are drawn from this range (inclusive years). */
export const BIRTH_YEARS = { min: 1935, max: 2008 } as const;

// ---------------------------------------------------------------------------------------------------------
// PRNG and sampling helpers

/** `items[i]` for an index the caller keeps in range; an index outside it is a bug, reported as a RangeError. */
function itemAt<T extends NonNullable<unknown>>(items: ArrayLike<T>, i: number): T {
  const item = items[i];
  if (item === undefined) throw new RangeError(`synthetic population: index ${i} outside 0..${items.length - 1}`);
  return item;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 32-bit state words. */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (hi < lo yields lo). */
  between(lo: number, hi: number): number {
    return hi <= lo ? lo : lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T extends NonNullable<unknown>>(items: readonly T[]): T {
    return itemAt(items, this.int(items.length));
  }

  /** Integer from a triangular distribution on [lo, hi] peaking at mode. */
  triangular(lo: number, mode: number, hi: number): number {
    if (hi <= lo) return lo;
    const m = Math.min(Math.max(mode, lo), hi);
    const u = this.float();
    const f = (m - lo) / (hi - lo);
    const x = u < f ? lo + Math.sqrt(u * (hi - lo) * (m - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - m));
    return Math.min(hi, Math.max(lo, Math.round(x)));
  }
}

/** cyrb128: hashes a string to four 32-bit words (seed material for sfc32). */
export function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** murmur3's 32-bit finaliser. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

interface Weighted<T> {
  readonly items: readonly T[];
  readonly cum: Float64Array;
  readonly total: number;
}

function weighted<T>(pairs: ReadonlyArray<readonly [T, number]>): Weighted<T> {
  const items: T[] = [];
  const cum = new Float64Array(pairs.length);
  let total = 0;
  pairs.forEach(([item, w], i) => {
    total += w;
    items.push(item);
    cum[i] = total;
  });
  return { items, cum, total };
}

function draw<T extends NonNullable<unknown>>(rng: Sfc32, table: Weighted<T>): T {
  const x = rng.float() * table.total;
  const { cum } = table;
  let lo = 0,
    hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (itemAt(cum, mid) > x) hi = mid;
    else lo = mid + 1;
  }
  return itemAt(table.items, lo);
}

/** `'Nguyễn:40,Trần:11'` → weighted table; a bare item weighs 1. */
function table(spec: string): Weighted<string> {
  return weighted(
    spec.split(',').map((entry) => {
      const [name, w] = entry.split(':') as [string, string | undefined];
      return [name.trim(), w === undefined ? 1 : Number(w)] as const;
    }),
  );
}

const list = (spec: string): readonly string[] => spec.split(',').map((s) => s.trim());

// ---------------------------------------------------------------------------------------------------------
// Names

type Ethnicity = 'Kinh' | 'Tày' | 'Thái' | 'Mường' | 'Khmer' | 'Hoa' | 'Nùng' | "H'Mông" | 'Dao' | 'Gia Rai' | 'Ê Đê' | 'Chăm';

/** Family names of the Kinh majority with roughly their national frequencies (per cent). */
const KINH_FAMILIES = table(
  'Nguyễn:40,Trần:11,Lê:9.5,Phạm:7,Hoàng:5.1,Phan:4.5,Vũ:3.9,Đặng:2.1,Bùi:2,Đỗ:1.4,Hồ:1.3,Ngô:1.3,Dương:1,' +
    'Lý:0.5,Đinh:0.8,Trương:0.8,Đoàn:0.6,Mai:0.6,Trịnh:0.6,Lâm:0.5,Cao:0.5,Lương:0.5,Hà:0.5,Tạ:0.3,Chu:0.3,' +
    'Lưu:0.3,Tô:0.3,Châu:0.3,Vương:0.2,Kiều:0.2,Quách:0.2,Phùng:0.3,Thái:0.3,Tăng:0.2,La:0.2,Huỳnh:0.1,Võ:0.1',
);

const KINH_MIDDLE = {
  MALE: {
    older: table('Văn:60,Đức:8,Hữu:6,Công:5,Xuân:4,Quang:4,Minh:4,Ngọc:3,Thanh:3,Đình:3'),
    younger: table('Văn:22,Đức:10,Minh:10,Quốc:7,Hữu:5,Công:5,Thanh:5,Xuân:3,Gia:6,Hoàng:5,Anh:4,Ngọc:3,Tuấn:3,Quang:5,Trung:3,Thành:4,Đăng:3,Bảo:4'),
  },
  FEMALE: {
    older: table('Thị:75,Ngọc:5,Thu:4,Thanh:4,Kim:4,Hồng:3,Bích:2,Minh:2,Xuân:1'),
    younger: table('Thị:32,Ngọc:9,Thu:6,Thanh:5,Minh:6,Phương:5,Thùy:5,Bảo:4,Khánh:5,Mai:4,Hồng:3,Kim:3,Hoài:3,Diệu:3,Hải:3,Thảo:3,Quỳnh:3'),
  },
} as const;

const KINH_GIVEN = {
  MALE: {
    older: list(
      'Hùng,Dũng,Thắng,Lợi,Bình,Hải,Sơn,Thành,Tuấn,Cường,Chiến,Hòa,Hưng,Thịnh,Quý,Tâm,Phúc,Vinh,Trung,Nghĩa,Long,Hiển,Toàn,Tiến,Minh,Nam,Thuận,Khải,Tùng,Hiếu',
    ),
    younger: list(
      'Huy,Khoa,Khang,Bảo,Phúc,Minh,Đức,Nam,Long,Quân,Khôi,Tùng,Anh,Duy,Đạt,Hiếu,Hoàng,Kiên,Lâm,Nhân,Phát,Phong,Quang,Tài,Thịnh,Trí,Trung,Tuấn,Việt,Vũ,Hải,Sơn,Dương,Hào,Khánh',
    ),
  },
  FEMALE: {
    older: list('Hoa,Lan,Cúc,Huệ,Mai,Đào,Nga,Hạnh,Tuyết,Liên,Thơm,Nhung,Hồng,Hương,Hằng,Loan,Xuân,Thu,Yến,Dung,Oanh,Phượng,Hiền,Bích,Thủy,Vân,Tâm,Lý,Sen,Hà'),
    younger: list(
      'Linh,Trang,Anh,Vy,My,Nhi,Hân,Thư,Quỳnh,Ngân,Phương,Thảo,Trâm,Uyên,Huyền,Hà,Giang,Hương,Châu,Chi,Diệp,Duyên,Hạnh,Hiền,Hoa,Lan,Ly,Mai,Nga,Ngọc,Nhung,Quyên,Tâm,Thủy,Vân,Yến,Hằng',
    ),
  },
} as const;

type NameStyle = 'family-middle-given' | 'given-family';

interface EthnicNaming {
  style: NameStyle;
  families: Weighted<string>;
  /** Omitted: the Kinh middle names for the person's era. An empty name means none. */
  middle?: { MALE: Weighted<string>; FEMALE: Weighted<string> };
  /** Omitted: the Kinh given names for the person's era. */
  given?: { MALE: readonly string[]; FEMALE: readonly string[] };
}

const VAN_THI = { MALE: table('Văn:8,Đức:1,Minh:1'), FEMALE: table('Thị:8,Ngọc:1,Thu:1') };

const NAMING: Readonly<Record<Ethnicity, EthnicNaming | undefined>> = {
  Kinh: undefined,
  Tày: {
    style: 'family-middle-given',
    families: table('Hoàng:5,Nông:4,Ma:2,Lục:1,Hà:2,Triệu:1,Lương:1,Đàm:1,Bế:1,Lâm:1,Nguyễn:2'),
    middle: VAN_THI,
  },
  Nùng: {
    style: 'family-middle-given',
    families: table('Hoàng:4,Nông:3,Lương:2,Vi:2,Lục:1,Triệu:1,Chu:1,Lăng:1,Mã:1'),
    middle: VAN_THI,
  },
  Thái: {
    style: 'family-middle-given',
    families: table('Lò:4,Lường:3,Quàng:2,Cầm:2,Vi:2,Hà:2,Lù:1,Tòng:1,Điêu:1'),
    middle: { MALE: table('Văn:9,Xuân:1'), FEMALE: table('Thị:10') },
    given: {
      MALE: list('Pọm,Ún,Panh,Xôm,Chương,Khánh,Tiến,Thanh,Pằn,Hom,Ịn,Bun,Dũng,Thắng,Hùng'),
      FEMALE: list('Ín,Bua,Xiên,Ánh,Hoa,Lả,Ngân,Pâng,Xương,Hương,Mai,Lan,Thơm'),
    },
  },
  Mường: {
    style: 'family-middle-given',
    families: table('Bùi:5,Đinh:4,Quách:2,Hà:2,Xa:1,Cao:1'),
    middle: VAN_THI,
  },
  Khmer: {
    style: 'family-middle-given',
    families: table('Thạch:5,Sơn:4,Kim:3,Danh:3,Lâm:2,Châu:2,Lý:1,Kiên:1,Trần:1'),
    middle: { MALE: table(':1'), FEMALE: table(':2,Thị:3') },
    given: {
      MALE: list('Sa Rươn,Sô Phol,Chanh Đa,Sóc Kha,Ra Đa,Sà Rết,Út,Hên,Sang,Phước,Sa Mết,Sô Khom,Rinh,Thươl'),
      FEMALE: list('Sóc Phi,Sa Ri,Hồng,Sa Rươl,Út,Kim Hồng,Mỹ Ni,Chanh Thy,Sô Phi,Đa Ni,Sa Vy,Thươl'),
    },
  },
  Hoa: {
    style: 'family-middle-given',
    families: table('Lâm:3,Trương:3,Quách:2,Lý:2,Mã:2,Hứa:2,La:1,Tăng:1,Diệp:1,Lưu:2,Hồng:1,Châu:1'),
    middle: { MALE: table('Gia:3,Vĩnh:2,Quốc:2,Tuấn:1,Minh:2,Kiến:1,Chí:2,Văn:2'), FEMALE: table('Bội:1,Mỹ:3,Tú:2,Gia:2,Ngọc:3,Huệ:1,Mẫn:1,Thị:2') },
  },
  "H'Mông": {
    style: 'family-middle-given',
    families: table('Giàng:4,Sùng:3,Vàng:3,Thào:3,Hạng:2,Lầu:2,Mùa:2,Lý:2,Ly:1,Vừ:1,Lù:1'),
    middle: { MALE: table('A:3,Seo:2,Mí:2,Văn:2'), FEMALE: table('Thị:6,Mỷ:1') },
    given: {
      MALE: list('Páo,Chứ,Dình,Sính,Tủa,Lử,Cở,Pó,Sùng,Chúa,Vư,Pháy,Chơ,Giàng,Sử,Tồng'),
      FEMALE: list('Mỷ,Dợ,Xúa,Chu,Mai,Pà,Súa,Dế,Sua,Máy,Mua,Chò,Say,Dua'),
    },
  },
  Dao: {
    style: 'family-middle-given',
    families: table('Triệu:5,Bàn:4,Đặng:3,Lý:2,Chảo:2,Phùng:1,Tẩn:1'),
    middle: { MALE: table('Văn:4,Tài:2,Láo:1,Kiềm:1'), FEMALE: table('Thị:5,Mùi:1,Tả:1') },
  },
  'Gia Rai': {
    style: 'family-middle-given',
    families: table('Ksor:4,Siu:3,Rơ Châm:3,Rơ Mah:2,Kpă:2,Nay:2,Rah Lan:2,Puih:2'),
    middle: { MALE: table(':1'), FEMALE: table(':1') },
    given: {
      MALE: list('Đin,Bơng,Blik,Hyoi,Thuk,Phrin,Hiăo,Yuh,Ngơn,Blơm,Khưi,Nhang'),
      FEMALE: list("H'Nhi,H'Ngơn,H'Bia,H'Lan,H'Yên,H'Dơng,H'Mai,H'Jen,H'Blưn"),
    },
  },
  'Ê Đê': {
    style: 'given-family',
    families: table('Niê:4,Byă:2,Êban:3,Mlô:3,Adrơng:2,Ayun:2,Knul:2,Hwing:1,Buôn Yă:1'),
    given: {
      MALE: list('Y Ngông,Y Blốk,Y Wơn,Y Kông,Y Thuột,Y Jút,Y Moan,Y Bhin,Y Khu,Y Djoan'),
      FEMALE: list("H'Bơ,H'Yuê,H'Nga,H'Ruôn,H'Djuê,H'Liên,H'Lan,H'Zawan,H'Mai"),
    },
  },
  Chăm: {
    style: 'family-middle-given',
    families: table('Đàng:4,Quảng:2,Thuận:2,Châu:2,Thành:2,Lưu:2,Trượng:1,Bá:1'),
    middle: VAN_THI,
  },
};

type Region = 'N' | 'M' | 'C' | 'T' | 'S';

/** Share of Kinh family names Hoàng→Huỳnh and Vũ→Võ by region (southern and central spelling). */
const HUYNH_VO: Readonly<Record<Region, readonly [number, number]>> = {
  N: [0, 0.05],
  M: [0, 0.02],
  C: [0.45, 0.6],
  T: [0.55, 0.7],
  S: [0.95, 0.9],
};

function familyName(rng: Sfc32, ethnicity: Ethnicity, region: Region): string {
  const naming = NAMING[ethnicity];
  if (naming) return draw(rng, naming.families);
  const name = draw(rng, KINH_FAMILIES);
  if (name === 'Hoàng') return rng.chance(HUYNH_VO[region][0]) ? 'Huỳnh' : name;
  if (name === 'Vũ') return rng.chance(HUYNH_VO[region][1]) ? 'Võ' : name;
  return name;
}

function fullName(rng: Sfc32, ethnicity: Ethnicity, sex: Sex, birthYear: number, family: string): string {
  const naming = NAMING[ethnicity];
  const olderShare = birthYear < 1965 ? 0.92 : birthYear < 1980 ? 0.7 : birthYear < 1995 ? 0.2 : 0.06;
  const era = rng.chance(olderShare) ? 'older' : 'younger';
  const given = naming?.given ? rng.pick(naming.given[sex]) : rng.pick(KINH_GIVEN[sex][era]);
  if (naming?.style === 'given-family') return `${given} ${family}`;
  const middle = naming?.middle ? draw(rng, naming.middle[sex]) : draw(rng, KINH_MIDDLE[sex][era]);
  let name = family;
  if (middle !== '' && middle !== given) name += ` ${middle}`;
  // Some younger Kinh names carry two middle names (e.g. Nguyễn Thị Ngọc Anh, Trần Minh Bảo Long).
  if (!naming && era === 'younger' && rng.chance(0.08)) {
    const second = draw(rng, KINH_MIDDLE[sex].younger);
    if (second !== middle && second !== given && second !== 'Thị' && second !== 'Văn') name += ` ${second}`;
  }
  return `${name} ${given}`;
}

// ---------------------------------------------------------------------------------------------------------
// Places

interface ProvinceDef {
  /** Name of the province or centrally run city since 1 July 2025. */
  readonly name: string;
  readonly region: Region;
  /** Pre-2025 birth-registration province codes it absorbed, with their populations (millions, approx.). */
  readonly old: ReadonlyArray<readonly [string, number]>;
  /** Share of residents whose birth was registered elsewhere in the country. */
  readonly migrants: number;
  /** Ethnic minorities and their approximate shares (per cent); Kinh makes up the rest. */
  readonly minorities: ReadonlyArray<readonly [Ethnicity, number]>;
  readonly communes: readonly string[];
}

const P = (
  name: string,
  region: Region,
  old: string,
  communes: string,
  minorities: ReadonlyArray<readonly [Ethnicity, number]> = [],
  migrants = 0.08,
): ProvinceDef => ({
  name,
  region,
  old: old.split(',').map((e) => {
    const [code, w] = e.split(':') as [string, string];
    return [code, Number(w)] as const;
  }),
  migrants,
  minorities,
  communes: list(communes),
});

/** The 34 provinces and centrally run cities since 1 July 2025 (Resolution 202/2025/QH15). */
const PROVINCE_DEFS: readonly ProvinceDef[] = [
  P(
    'Hà Nội',
    'N',
    '001:8.05',
    'Phường Hoàn Kiếm,Phường Ba Đình,Phường Ngọc Hà,Phường Giảng Võ,Phường Cửa Nam,Phường Hai Bà Trưng,Phường Đống Đa,Phường Láng,Phường Ô Chợ Dừa,Phường Kim Liên,Phường Cầu Giấy,Phường Nghĩa Đô,Phường Yên Hòa,Phường Tây Hồ,Phường Long Biên,Phường Bồ Đề,Phường Hoàng Mai,Phường Định Công,Phường Thanh Xuân,Phường Hà Đông,Phường Sơn Tây,Xã Sóc Sơn,Xã Đông Anh,Xã Gia Lâm,Xã Thanh Trì,Xã Ba Vì,Xã Thường Tín,Xã Mê Linh',
    [
      ['Mường', 1],
      ['Tày', 0.3],
      ['Dao', 0.2],
    ],
    0.2,
  ),
  P(
    'Huế',
    'C',
    '046:1.13',
    'Phường Thuận Hóa,Phường Phú Xuân,Phường Vỹ Dạ,Phường An Cựu,Phường Kim Long,Phường Thủy Xuân,Phường Hương Trà,Phường Hương Thủy,Xã Phú Vang,Xã Phong Điền,Xã Quảng Điền,Xã Phú Lộc,Xã A Lưới 2',
  ),
  P('Lai Châu', 'M', '012:0.46', 'Phường Tân Phong,Phường Đoàn Kết,Xã Tam Đường,Xã Sìn Hồ,Xã Phong Thổ,Xã Than Uyên,Xã Mường Tè,Xã Tân Uyên', [
    ["H'Mông", 34],
    ['Thái', 31],
    ['Dao', 13],
  ]),
  P('Điện Biên', 'M', '011:0.6', 'Phường Điện Biên Phủ,Phường Mường Thanh,Phường Mường Lay,Xã Mường Ảng,Xã Tuần Giáo,Xã Tủa Chùa,Xã Mường Nhé,Xã Thanh Nưa', [
    ['Thái', 37],
    ["H'Mông", 36],
    ['Dao', 2],
  ]),
  P(
    'Sơn La',
    'M',
    '014:1.25',
    'Phường Tô Hiệu,Phường Chiềng An,Phường Chiềng Sinh,Phường Mộc Châu,Xã Mai Sơn,Xã Thuận Châu,Xã Yên Châu,Xã Sông Mã,Xã Phù Yên',
    [
      ['Thái', 53],
      ["H'Mông", 16],
      ['Mường', 8],
      ['Dao', 2],
    ],
  ),
  P(
    'Lạng Sơn',
    'M',
    '020:0.78',
    'Phường Tam Thanh,Phường Lương Văn Tri,Phường Kỳ Lừa,Phường Đông Kinh,Xã Đồng Đăng,Xã Cao Lộc,Xã Hữu Lũng,Xã Chi Lăng,Xã Bình Gia',
    [
      ['Nùng', 42],
      ['Tày', 35],
      ['Dao', 3],
    ],
  ),
  P(
    'Quảng Ninh',
    'N',
    '022:1.32',
    'Phường Hạ Long,Phường Bãi Cháy,Phường Hồng Gai,Phường Cẩm Phả,Phường Uông Bí,Phường Móng Cái 1,Phường Đông Triều,Phường Quảng Yên,Xã Tiên Yên,Xã Hải Hòa,Xã Đầm Hà',
    [
      ['Dao', 4],
      ['Tày', 3],
      ['Hoa', 1],
    ],
  ),
  P(
    'Thanh Hóa',
    'C',
    '038:3.64',
    'Phường Hạc Thành,Phường Sầm Sơn,Phường Bỉm Sơn,Phường Nghi Sơn,Phường Đông Quang,Xã Thọ Xuân,Xã Hoằng Hóa,Xã Hậu Lộc,Xã Quảng Xương,Xã Triệu Sơn,Xã Ngọc Lặc',
    [
      ['Mường', 9],
      ['Thái', 7],
      ["H'Mông", 0.5],
    ],
  ),
  P(
    'Nghệ An',
    'C',
    '040:3.33',
    'Phường Trường Vinh,Phường Thành Vinh,Phường Vinh Hưng,Phường Cửa Lò,Phường Hoàng Mai,Phường Thái Hòa,Xã Diễn Châu,Xã Yên Thành,Xã Đô Lương,Xã Nghi Lộc,Xã Quỳnh Lưu,Xã Con Cuông',
    [
      ['Thái', 10],
      ["H'Mông", 1],
    ],
  ),
  P(
    'Hà Tĩnh',
    'C',
    '042:1.29',
    'Phường Thành Sen,Phường Trần Phú,Phường Hồng Lĩnh,Phường Sông Trí,Xã Can Lộc,Xã Thạch Hà,Xã Cẩm Xuyên,Xã Hương Khê,Xã Đức Thọ',
  ),
  P('Cao Bằng', 'M', '004:0.53', 'Phường Thục Phán,Phường Nùng Trí Cao,Phường Tân Giang,Xã Trùng Khánh,Xã Quảng Uyên,Xã Hòa An,Xã Bảo Lạc,Xã Hà Quảng', [
    ['Tày', 40],
    ['Nùng', 30],
    ["H'Mông", 11],
    ['Dao', 10],
  ]),
  P(
    'Tuyên Quang',
    'M',
    '008:0.78,002:0.85',
    'Phường Minh Xuân,Phường An Tường,Phường Hà Giang 1,Phường Hà Giang 2,Xã Đồng Văn,Xã Mèo Vạc,Xã Yên Minh,Xã Hàm Yên,Xã Sơn Dương,Xã Chiêm Hóa',
    [
      ['Tày', 25],
      ["H'Mông", 18],
      ['Dao', 12],
      ['Nùng', 4],
    ],
  ),
  P(
    'Lào Cai',
    'M',
    '010:0.73,015:0.82',
    'Phường Lào Cai,Phường Cam Đường,Phường Sa Pa,Phường Yên Bái,Phường Văn Phú,Phường Nghĩa Lộ,Xã Bắc Hà,Xã Bát Xát,Xã Mường Khương,Xã Mù Cang Chải,Xã Văn Chấn',
    [
      ["H'Mông", 18],
      ['Tày', 16],
      ['Dao', 12],
      ['Thái', 3],
      ['Nùng', 2],
    ],
  ),
  P(
    'Thái Nguyên',
    'M',
    '019:1.29,006:0.31',
    'Phường Phan Đình Phùng,Phường Gia Sàng,Phường Quyết Thắng,Phường Phổ Yên,Phường Sông Công,Phường Đức Xuân,Xã Đại Từ,Xã Phú Bình,Xã Định Hóa,Xã Ba Bể,Xã Chợ Đồn',
    [
      ['Tày', 22],
      ['Nùng', 6],
      ['Dao', 4],
    ],
  ),
  P(
    'Phú Thọ',
    'N',
    '025:1.46,026:1.15,017:0.85',
    'Phường Việt Trì,Phường Nông Trang,Phường Phú Thọ,Phường Vĩnh Phúc,Phường Vĩnh Yên,Phường Phúc Yên,Phường Hòa Bình,Phường Tân Hòa,Xã Lâm Thao,Xã Tam Đảo,Xã Mai Châu,Xã Lạc Sơn,Xã Thanh Sơn',
    [
      ['Mường', 18],
      ['Dao', 1],
      ['Tày', 1],
    ],
  ),
  P(
    'Bắc Ninh',
    'N',
    '027:1.37,024:1.8',
    'Phường Kinh Bắc,Phường Võ Cường,Phường Từ Sơn,Phường Bắc Giang,Phường Đa Mai,Phường Việt Yên,Xã Yên Phong,Xã Tiên Du,Xã Gia Bình,Xã Lục Nam,Xã Lạng Giang',
    [
      ['Nùng', 3],
      ['Tày', 1.5],
      ['Hoa', 0.5],
    ],
    0.15,
  ),
  P(
    'Hưng Yên',
    'N',
    '033:1.25,034:1.86',
    'Phường Phố Hiến,Phường Sơn Nam,Phường Mỹ Hào,Phường Thái Bình,Phường Trần Lãm,Xã Văn Giang,Xã Khoái Châu,Xã Kim Động,Xã Vũ Thư,Xã Tiền Hải,Xã Quỳnh Phụ',
  ),
  P(
    'Hải Phòng',
    'N',
    '031:2.03,030:1.89',
    'Phường Hồng Bàng,Phường Lê Chân,Phường Ngô Quyền,Phường Hải An,Phường Kiến An,Phường Đồ Sơn,Phường Hải Dương,Phường Chí Linh,Phường Kinh Môn,Xã An Lão,Xã Tiên Lãng,Xã Vĩnh Bảo,Xã Gia Lộc,Xã Thanh Hà',
    [['Hoa', 0.2]],
    0.1,
  ),
  P(
    'Ninh Bình',
    'N',
    '037:0.98,035:0.85,036:1.78',
    'Phường Hoa Lư,Phường Tam Điệp,Phường Nam Định,Phường Thiên Trường,Phường Phủ Lý,Phường Duy Tiên,Xã Gia Viễn,Xã Kim Sơn,Xã Hải Hậu,Xã Giao Thủy,Xã Ý Yên,Xã Thanh Liêm',
    [['Mường', 1.5]],
  ),
  P(
    'Quảng Trị',
    'C',
    '045:0.63,044:0.9',
    'Phường Đồng Hới,Phường Đông Hà,Phường Quảng Trị,Phường Ba Đồn,Xã Bố Trạch,Xã Lệ Thủy,Xã Quảng Ninh,Xã Gio Linh,Xã Hải Lăng,Xã Khe Sanh',
  ),
  P(
    'Đà Nẵng',
    'C',
    '048:1.13,049:1.5',
    'Phường Hải Châu,Phường Thanh Khê,Phường Sơn Trà,Phường Ngũ Hành Sơn,Phường Liên Chiểu,Phường Cẩm Lệ,Phường Hòa Khánh,Phường Hội An,Phường Tam Kỳ,Phường Điện Bàn,Xã Hòa Vang,Xã Duy Xuyên,Xã Đại Lộc,Xã Thăng Bình',
    [],
    0.12,
  ),
  P(
    'Quảng Ngãi',
    'C',
    '051:1.23,062:0.54',
    'Phường Cẩm Thành,Phường Nghĩa Lộ,Phường Trương Quang Trọng,Phường Đức Phổ,Phường Kon Tum,Phường Đăk Bla,Xã Bình Sơn,Xã Tư Nghĩa,Xã Mộ Đức,Xã Sa Thầy,Xã Đăk Hà,Xã Ngọc Hồi',
    [['Gia Rai', 3]],
  ),
  P(
    'Gia Lai',
    'T',
    '064:1.51,052:1.49',
    'Phường Quy Nhơn,Phường Quy Nhơn Nam,Phường Pleiku,Phường Diên Hồng,Phường An Nhơn,Phường An Khê,Phường Bồng Sơn,Xã Chư Păh,Xã Ia Grai,Xã Chư Sê,Xã Tuy Phước,Xã Phù Cát,Xã Đak Đoa',
    [
      ['Gia Rai', 20],
      ['Tày', 0.5],
    ],
  ),
  P(
    'Khánh Hòa',
    'C',
    '056:1.23,058:0.59',
    'Phường Nha Trang,Phường Bắc Nha Trang,Phường Cam Ranh,Phường Ninh Hòa,Phường Phan Rang,Phường Đô Vinh,Xã Diên Khánh,Xã Cam Lâm,Xã Vạn Ninh,Xã Ninh Phước,Xã Ninh Hải',
    [['Chăm', 5]],
  ),
  P(
    'Lâm Đồng',
    'T',
    '068:1.3,067:0.62,060:1.23',
    'Phường Xuân Hương – Đà Lạt,Phường Lâm Viên – Đà Lạt,Phường Cam Ly – Đà Lạt,Phường Bảo Lộc 1,Phường Phan Thiết,Phường Mũi Né,Phường Bắc Gia Nghĩa,Phường La Gi,Xã Đức Trọng,Xã Di Linh,Xã Lâm Hà,Xã Đắk Mil,Xã Tuy Phong,Xã Hàm Thuận',
    [
      ['Chăm', 1.5],
      ['Tày', 1],
      ['Nùng', 2],
      ["H'Mông", 1],
      ['Ê Đê', 1],
    ],
    0.12,
  ),
  P(
    'Đắk Lắk',
    'T',
    '066:1.87,054:0.87',
    "Phường Buôn Ma Thuột,Phường Tân An,Phường Tân Lập,Phường Ea Kao,Phường Buôn Hồ,Phường Tuy Hòa,Phường Sông Cầu,Xã Cư M'gar,Xã Krông Pắc,Xã Ea Kar,Xã Krông Năng,Xã Đồng Xuân,Xã Tây Hòa",
    [
      ['Ê Đê', 15],
      ['Tày', 2],
      ['Nùng', 2],
      ["H'Mông", 1],
      ['Gia Rai', 1],
    ],
    0.1,
  ),
  P(
    'Hồ Chí Minh',
    'S',
    '079:9,074:2.43,077:1.15',
    'Phường Sài Gòn,Phường Bến Thành,Phường Tân Định,Phường Bàn Cờ,Phường Xuân Hòa,Phường Chợ Lớn,Phường Bình Tây,Phường An Đông,Phường Thủ Đức,Phường Linh Xuân,Phường Bình Thạnh,Phường Gia Định,Phường Gò Vấp,Phường Hạnh Thông,Phường Phú Nhuận,Phường Tân Bình,Phường Tân Sơn Nhất,Phường Tân Phú,Phường Bình Tân,Phường Thủ Dầu Một,Phường Dĩ An,Phường Thuận An,Phường Vũng Tàu,Phường Bà Rịa,Xã Củ Chi,Xã Hóc Môn,Xã Bình Chánh,Xã Nhà Bè,Xã Cần Giờ',
    [
      ['Hoa', 4],
      ['Khmer', 0.3],
      ['Chăm', 0.1],
    ],
    0.35,
  ),
  P(
    'Đồng Nai',
    'S',
    '075:3.1,070:0.99',
    'Phường Biên Hòa,Phường Trấn Biên,Phường Tam Hiệp,Phường Long Bình,Phường Long Khánh,Phường Bình Phước,Phường Đồng Xoài,Phường Bình Long,Xã Nhơn Trạch,Xã Long Thành,Xã Trảng Bom,Xã Định Quán,Xã Bù Đăng,Xã Lộc Ninh',
    [
      ['Hoa', 2],
      ['Tày', 1],
      ['Nùng', 2],
    ],
    0.2,
  ),
  P(
    'Tây Ninh',
    'S',
    '072:1.17,080:1.69',
    'Phường Tân Ninh,Phường Bình Minh,Phường Hòa Thành,Phường Trảng Bàng,Phường Long An,Phường Tân An,Phường Kiến Tường,Xã Gò Dầu,Xã Châu Thành,Xã Đức Hòa,Xã Bến Lức,Xã Cần Giuộc',
    [['Khmer', 0.3]],
  ),
  P(
    'Cần Thơ',
    'S',
    '092:1.24,094:1.2,093:0.73',
    'Phường Ninh Kiều,Phường Cái Khế,Phường Bình Thủy,Phường Cái Răng,Phường Ô Môn,Phường Thốt Nốt,Phường Sóc Trăng,Phường Phú Lợi,Phường Vị Thanh,Phường Ngã Bảy,Xã Phong Điền,Xã Cờ Đỏ,Xã Châu Thành,Xã Long Phú',
    [
      ['Khmer', 14],
      ['Hoa', 2],
    ],
  ),
  P(
    'Vĩnh Long',
    'S',
    '086:1.02,083:1.29,084:1.01',
    'Phường Thanh Đức,Phường Long Châu,Phường Bến Tre,Phường An Hội,Phường Trà Vinh,Phường Nguyệt Hóa,Phường Bình Minh,Xã Mỏ Cày,Xã Ba Tri,Xã Châu Thành,Xã Trà Ôn,Xã Cầu Ngang,Xã Tiểu Cần',
    [
      ['Khmer', 10],
      ['Hoa', 0.5],
    ],
  ),
  P(
    'Đồng Tháp',
    'S',
    '087:1.6,082:1.76',
    'Phường Cao Lãnh,Phường Mỹ Trà,Phường Sa Đéc,Phường Hồng Ngự,Phường Mỹ Tho,Phường Đạo Thạnh,Phường Gò Công,Xã Lấp Vò,Xã Tháp Mười,Xã Cái Bè,Xã Cai Lậy,Xã Chợ Gạo',
  ),
  P(
    'Cà Mau',
    'S',
    '096:1.19,095:0.91',
    'Phường An Xuyên,Phường Lý Văn Lâm,Phường Tân Thành,Phường Bạc Liêu,Phường Vĩnh Trạch,Phường Giá Rai,Xã Năm Căn,Xã Cái Nước,Xã Trần Văn Thời,Xã Đầm Dơi,Xã Hồng Dân,Xã Phước Long',
    [
      ['Khmer', 4],
      ['Hoa', 1.5],
    ],
  ),
  P(
    'An Giang',
    'S',
    '089:1.91,091:1.72',
    'Phường Long Xuyên,Phường Bình Đức,Phường Châu Đốc,Phường Tân Châu,Phường Rạch Giá,Phường Hà Tiên,Phường Vĩnh Thông,Xã Chợ Mới,Xã Thoại Sơn,Xã Tri Tôn,Xã Châu Thành,Xã Hòn Đất,Xã Giồng Riềng',
    [
      ['Khmer', 9],
      ['Hoa', 1.5],
      ['Chăm', 0.3],
    ],
  ),
];

/** The 34 provinces and centrally run cities since 1 July 2025, by name. */
export const PROVINCES: readonly string[] = PROVINCE_DEFS.map((p) => p.name);

/** Every commune or ward people are placed in, with its province, in a fixed order (other registries' synthetic commune codes follow it). */
export const COMMUNES: ReadonlyArray<{ readonly province: string; readonly commune: string }> = PROVINCE_DEFS.flatMap((p) =>
  p.communes.map((commune) => ({ province: p.name, commune })),
);

interface ProvinceRuntime {
  readonly def: ProvinceDef;
  readonly birthCodes: Weighted<string>;
  readonly ethnicities: Weighted<Ethnicity>;
}

const PROVINCE_RUNTIME: readonly ProvinceRuntime[] = PROVINCE_DEFS.map((def) => {
  const minority = def.minorities.reduce((s, [, w]) => s + w, 0);
  return {
    def,
    birthCodes: weighted(def.old),
    ethnicities: weighted<Ethnicity>([['Kinh', Math.max(0, 100 - minority)], ...def.minorities]),
  };
});

const RESIDENCE = weighted(PROVINCE_RUNTIME.map((p) => [p, p.def.old.reduce((s, [, w]) => s + w, 0)] as const));
const NATIONAL_BIRTH_CODES = weighted(PROVINCE_DEFS.flatMap((p) => p.old));
const BY_NAME = new Map(PROVINCE_RUNTIME.map((p) => [p.def.name, p] as const));
/** Where people with a temporary residence tend to be: the big cities and industrial provinces. */
const MIGRATION_HUBS = weighted(
  (
    [
      ['Hồ Chí Minh', 40],
      ['Hà Nội', 30],
      ['Bắc Ninh', 8],
      ['Đồng Nai', 8],
      ['Hải Phòng', 5],
      ['Đà Nẵng', 5],
      ['Cần Thơ', 4],
    ] as const
  ).map(([name, w]) => {
    const province = BY_NAME.get(name);
    if (!province) throw new Error(`synthetic population: migration hub ${name} is not a province`);
    return [province, w] as const;
  }),
);

/** The province a birth registration code names. */
function birthProvince(code: string): string {
  const province = BIRTH_PROVINCES[code];
  if (province === undefined) throw new Error(`synthetic population: unknown birth province code ${code}`);
  return province;
}

for (const code of NATIONAL_BIRTH_CODES.items) birthProvince(code);

const STREETS = list(
  'Lê Lợi,Trần Hưng Đạo,Nguyễn Huệ,Hai Bà Trưng,Lý Thường Kiệt,Quang Trung,Nguyễn Trãi,Lê Duẩn,Điện Biên Phủ,Hùng Vương,' +
    'Phan Chu Trinh,Nguyễn Du,Trần Phú,Lê Thánh Tông,Bà Triệu,Võ Thị Sáu,Nguyễn Văn Cừ,Cách Mạng Tháng Tám,' +
    'Nguyễn Thị Minh Khai,Hoàng Diệu,Nguyễn Chí Thanh,Phạm Văn Đồng,Lạc Long Quân,Âu Cơ,Tôn Đức Thắng,Võ Văn Kiệt,' +
    'Ngô Quyền,Đinh Tiên Hoàng,Lê Hồng Phong,Phan Đình Phùng,Nguyễn Văn Linh,Trường Chinh,Lê Văn Sỹ,Hoàng Văn Thụ,' +
    'Nguyễn Đình Chiểu,Pasteur,Yersinia,Lý Tự Trọng,Trần Quang Khải,Nguyễn Thái Học,Chu Văn An,Phạm Ngũ Lão,Bạch Đằng,' +
    'Hàm Nghi,Lê Lai,Nguyễn Công Trứ,Huỳnh Thúc Kháng,Tô Hiến Thành,Kim Mã,Giải Phóng',
);
const VILLAGE_NAMES = list(
  'Đông,Đoài,Thượng,Hạ,Trung,An Lạc,Phú Mỹ,Tân Lập,Đồng Tâm,Thắng Lợi,Quyết Tiến,Hòa Bình,Bình Minh,Yên Phú,Phú Xuân,' +
    'Đại Đồng,Cổ Loa,Vạn Phúc,Mỹ Hưng,Tiền Phong,Hưng Long,Xuân Lai,Lạc Thịnh,Nam Hải,Bắc Sơn',
);
const HAMLET_NAMES = list(
  'Tân Hòa,Phú Lợi,Mỹ Thuận,Long Hưng,An Thạnh,Bình Phú,Thạnh Lộc,Hòa Long,Tân Thới,Mỹ Phước,Long Thạnh,Phước Hòa,' +
    'Bình Hòa,Hòa An,Tân Quy,Vĩnh Lợi,Thới Lai,Nhơn Nghĩa,Mỹ An,Phú Hữu',
);
const MOUNTAIN_VILLAGES = list('Na Sang,Huổi Lếch,Pá Khoang,Nà Tấu,Nà Hẩu,Cát Cát,Tả Van,Lũng Cú,Nà Khoang,Pác Ngòi,Co Muông,Hua Tát,Lác,Sín Chải,Nậm Cang');
const HIGHLAND_VILLAGES = list(
  'Buôn Ko Sier,Buôn Ea Tam,Buôn Ako Dhông,Buôn Kô Tam,Buôn Đôn,Làng Plei Ốp,Làng Plei Ring,Làng Ia Lang,Làng Kon Klor,Thôn Lạc Sơn,Thôn Đa Ra Hoa',
);

function streetLine(rng: Sfc32, region: Region): string {
  const street = rng.pick(STREETS);
  const n = rng.between(1, 399);
  const suffix = rng.chance(0.08) ? rng.pick(['A', 'B', 'C'] as const) : '';
  const north = region === 'N' || region === 'M';
  const form = rng.int(10);
  if (form < 4) return `Số ${n}${suffix} ${north ? (rng.chance(0.5) ? 'phố' : 'đường') : 'đường'} ${street}`;
  if (form < 7) {
    return north
      ? `Số ${rng.between(1, 60)}, ngõ ${n} ${rng.chance(0.5) ? 'phố' : 'đường'} ${street}`
      : `${n}/${rng.between(1, 40)}${rng.chance(0.3) ? `/${rng.between(1, 20)}` : ''} đường ${street}`;
  }
  if (form < 9) return `Số ${n}${suffix} đường ${street}, tổ dân phố ${rng.between(1, 30)}`;
  return `Căn hộ ${rng.between(2, 35)}${String(rng.between(1, 20)).padStart(2, '0')}, tòa ${rng.pick(['A', 'B', 'C', 'D', 'S1', 'S2', 'T1'] as const)}, chung cư ${rng.pick(['Hòa Bình', 'Sông Hồng', 'An Phú', 'Bình Minh', 'Sao Mai', 'Hoàng Anh', 'Thành Công', 'Phú Mỹ'] as const)}`;
}

function ruralLine(rng: Sfc32, region: Region): string {
  switch (region) {
    case 'S':
      return rng.chance(0.3) ? `Ấp ${rng.between(1, 9)}` : `Ấp ${rng.pick(HAMLET_NAMES)}`;
    case 'M':
      return rng.chance(0.55) ? `Bản ${rng.pick(MOUNTAIN_VILLAGES)}` : `Thôn ${rng.pick(VILLAGE_NAMES)}`;
    case 'T':
      return rng.chance(0.5) ? rng.pick(HIGHLAND_VILLAGES) : `Thôn ${rng.between(1, 15)}`;
    case 'C':
      return rng.chance(0.25) ? `Thôn ${rng.between(1, 12)}` : `Thôn ${rng.pick(VILLAGE_NAMES)}`;
    case 'N':
      return rng.chance(0.35) ? `Xóm ${rng.between(1, 15)}, thôn ${rng.pick(VILLAGE_NAMES)}` : `Thôn ${rng.pick(VILLAGE_NAMES)}`;
  }
}

interface Address {
  line: string;
  commune: string;
  province: string;
}

function address(rng: Sfc32, province: ProvinceRuntime, avoidCommune?: string): Address {
  const { communes, region, name } = province.def;
  let commune = rng.pick(communes);
  if (commune === avoidCommune) commune = itemAt(communes, (communes.indexOf(commune) + 1 + rng.int(communes.length - 1)) % communes.length);
  const line = commune.startsWith('Xã') ? ruralLine(rng, region) : streetLine(rng, region);
  return { line, commune, province: name };
}

// ---------------------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
const dayOf = (y: number, m = 1, d = 1): number => Date.UTC(y, m - 1, d) / DAY_MS;
const MIN_BIRTH_DAY = dayOf(BIRTH_YEARS.min);
const YEAR_START = Int32Array.from({ length: BIRTH_YEARS.max - BIRTH_YEARS.min + 2 }, (_, i) => dayOf(BIRTH_YEARS.min + i));
let isoDays: string[] | undefined;

/** 'YYYY-MM-DD' of a day number in the birth range, from a lazily built table (the hot path). */
function isoDate(day: number): string {
  isoDays ??= Array.from({ length: itemAt(YEAR_START, YEAR_START.length - 1) - MIN_BIRTH_DAY }, (_, i) =>
    new Date((MIN_BIRTH_DAY + i) * DAY_MS).toISOString().slice(0, 10),
  );
  return itemAt(isoDays, day - MIN_BIRTH_DAY);
}

// ---------------------------------------------------------------------------------------------------------
// National identification numbers

/** A keyed permutation of [0, 10^6): a 4-round Feistel network on two base-1000 halves. */
function permuteSerial(n: number, key: number): number {
  let l = Math.floor(n / 1000),
    r = n % 1000;
  for (let round = 0; round < 4; round++) {
    const f = mix32((r + Math.imul(key ^ round, 0x9e3779b1)) | 0) % 1000;
    const next = (l + f) % 1000;
    l = r;
    r = next;
  }
  return l * 1000 + r;
}

/**
 * Issues identifiers unique within a run: per (birth province, sex, birth year) a counter runs through a
 * seeded permutation of the 10^6 serials. Memory is fixed (one counter per bucket), whatever the count.
 */
class IdIssuer {
  private readonly counters = new Uint32Array(100 * 2 * (BIRTH_YEARS.max - BIRTH_YEARS.min + 1));
  private readonly key: number;

  constructor(key: number) {
    this.key = key;
  }

  issue(province: string, sex: Sex, birthYear: number): string {
    const bucket = (Number(province) * 2 + (sex === 'FEMALE' ? 1 : 0)) * (BIRTH_YEARS.max - BIRTH_YEARS.min + 1) + (birthYear - BIRTH_YEARS.min);
    const n = itemAt(this.counters, bucket);
    if (n >= 1_000_000) throw new RangeError(`synthetic population: more than 10^6 identifiers for ${province}/${sex}/${birthYear}`);
    this.counters[bucket] = n + 1;
    const serial = permuteSerial(n, mix32(this.key ^ Math.imul(bucket + 1, 0x27d4eb2d)));
    return formatNationalId({ province, sex, birthYear, serial: String(serial).padStart(6, '0') });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Households

type Marital = PopulationRecord['maritalStatus'];

interface Member {
  sex: Sex;
  birthYear: number;
  relationship: string;
  family: string;
  marital: Marital;
  deceased: boolean;
}

const HOUSEHOLD_TYPES = table('single:12,nuclear:50,three-generation:18,single-parent:10,grandparent:10');

class Population {
  private readonly rng: Sfc32;
  private readonly ids: IdIssuer;
  private readonly asOfYear: number;
  private readonly asOfMs: number;
  private readonly maxBirthYear: number;

  constructor(seed: number | string, asOf: string) {
    const ms = Date.parse(asOf);
    if (!Number.isFinite(ms) || ms < Date.UTC(BIRTH_YEARS.max + 1, 0, 1)) {
      throw new RangeError(`asOf must be an ISO date-time on or after ${BIRTH_YEARS.max + 1}-01-01, got ${asOf}`);
    }
    const [a, b, c, d] = cyrb128(`ndx/population/${String(seed)}`);
    this.rng = new Sfc32(a, b, c, d);
    this.ids = new IdIssuer(mix32(a ^ mix32(d)));
    this.asOfMs = ms;
    this.asOfYear = new Date(ms).getUTCFullYear();
    this.maxBirthYear = BIRTH_YEARS.max;
  }

  /** Age reached during the as-of year (close enough for plausibility rules). */
  private age(birthYear: number): number {
    return this.asOfYear - birthYear;
  }

  private adultMarital(birthYear: number, sex: Sex): Marital {
    const { rng } = this;
    const age = this.age(birthYear);
    if (age < (sex === 'MALE' ? 20 : 18)) return 'SINGLE';
    const u = rng.float();
    if (age < 30) return u < 0.85 ? 'SINGLE' : u < 0.97 ? 'MARRIED' : 'DIVORCED';
    if (age < 60) return u < 0.4 ? 'SINGLE' : u < 0.75 ? 'DIVORCED' : 'WIDOWED';
    return u < 0.15 ? 'SINGLE' : u < 0.3 ? 'DIVORCED' : 'WIDOWED';
  }

  private childMarital(birthYear: number, sex: Sex): Marital {
    const age = this.age(birthYear);
    if (age < (sex === 'MALE' ? 20 : 18)) return 'SINGLE';
    const u = this.rng.float();
    return u < 0.85 ? 'SINGLE' : u < 0.95 ? 'MARRIED' : 'DIVORCED';
  }

  /** Children of a mother born in `motherYear`, oldest first, born by the end of the birth range. */
  private children(motherYear: number, family: string, relationship = 'Con'): Member[] {
    const { rng } = this;
    const older = motherYear < 1965;
    const n = draw(rng, older ? CHILDREN_OLDER : CHILDREN_YOUNGER);
    const out: Member[] = [];
    let year = motherYear + rng.between(19, 29);
    for (let i = 0; i < n; i++) {
      if (year > this.maxBirthYear) break;
      // Grown children mostly have homes of their own.
      if (this.age(year) < 28 || rng.chance(0.2)) {
        const sex: Sex = rng.chance(0.51) ? 'MALE' : 'FEMALE';
        out.push({ sex, birthYear: year, relationship, family, marital: this.childMarital(year, sex), deceased: false });
      }
      year += rng.between(1, 5);
    }
    return out;
  }

  /** One household's members (head first), before names, identifiers and addresses. */
  private members(ethnicity: Ethnicity, region: Region): [Member, ...Member[]] {
    const { rng } = this;
    const fam = () => familyName(rng, ethnicity, region);
    const latestAdult = (age: number) => Math.min(this.maxBirthYear, this.asOfYear - age);
    const type = draw(rng, HOUSEHOLD_TYPES);

    if (type === 'single') {
      const sex: Sex = rng.chance(0.5) ? 'MALE' : 'FEMALE';
      const birthYear = rng.triangular(BIRTH_YEARS.min, 1985, latestAdult(18));
      return [{ sex, birthYear, relationship: 'Chủ hộ', family: fam(), marital: this.adultMarital(birthYear, sex), deceased: false }];
    }

    if (type === 'single-parent') {
      const sex: Sex = rng.chance(0.75) ? 'FEMALE' : 'MALE';
      const birthYear = rng.triangular(1945, 1980, latestAdult(22));
      const marital: Marital = this.age(birthYear) < 45 ? (rng.chance(0.7) ? 'DIVORCED' : 'WIDOWED') : rng.chance(0.35) ? 'DIVORCED' : 'WIDOWED';
      const head: Member = { sex, birthYear, relationship: 'Chủ hộ', family: fam(), marital, deceased: false };
      const motherYear = sex === 'FEMALE' ? birthYear : Math.min(latestAdult(18), birthYear + rng.between(0, 6));
      return [head, ...this.children(motherYear, sex === 'MALE' ? head.family : fam())];
    }

    if (type === 'grandparent') {
      // An older couple (or widowed parent) with a married child, the child's spouse and grandchildren.
      const headSex: Sex = rng.chance(0.55) ? 'MALE' : 'FEMALE';
      const headYear = rng.triangular(BIRTH_YEARS.min, 1950, Math.min(1965, latestAdult(45)));
      const head: Member = { sex: headSex, birthYear: headYear, relationship: 'Chủ hộ', family: fam(), marital: 'MARRIED', deceased: false };
      const out: [Member, ...Member[]] = [head];
      let motherYear = headYear;
      let fatherFamily = headSex === 'MALE' ? head.family : fam();
      if (rng.chance(0.6)) {
        const spouseYear =
          headSex === 'MALE' ? Math.min(latestAdult(18), headYear + rng.between(0, 6)) : Math.max(BIRTH_YEARS.min, headYear - rng.between(0, 6));
        const spouse: Member = {
          sex: headSex === 'MALE' ? 'FEMALE' : 'MALE',
          birthYear: spouseYear,
          relationship: headSex === 'MALE' ? 'Vợ' : 'Chồng',
          family: headSex === 'MALE' ? fam() : fatherFamily,
          marital: 'MARRIED',
          deceased: false,
        };
        out.push(spouse);
        if (headSex === 'MALE') motherYear = spouseYear;
      } else {
        head.marital = 'WIDOWED';
      }
      if (headSex === 'FEMALE') motherYear = headYear;
      const childYear = Math.min(latestAdult(22), motherYear + rng.between(20, 32));
      const childSex: Sex = rng.chance(0.8) ? 'MALE' : 'FEMALE';
      const child: Member = { sex: childSex, birthYear: childYear, relationship: 'Con', family: fatherFamily, marital: 'MARRIED', deceased: false };
      const inLawYear = Math.min(
        latestAdult(childSex === 'MALE' ? 18 : 20),
        Math.max(BIRTH_YEARS.min, childYear + (childSex === 'MALE' ? rng.between(0, 5) : -rng.between(0, 5))),
      );
      const inLaw: Member = {
        sex: childSex === 'MALE' ? 'FEMALE' : 'MALE',
        birthYear: inLawYear,
        relationship: childSex === 'MALE' ? 'Con dâu' : 'Con rể',
        family: fam(),
        marital: 'MARRIED',
        deceased: false,
      };
      out.push(child, inLaw);
      fatherFamily = childSex === 'MALE' ? child.family : inLaw.family;
      out.push(...this.children(childSex === 'MALE' ? inLawYear : childYear, fatherFamily, 'Cháu'));
      return out;
    }

    // 'nuclear' and 'three-generation': a married couple, their children and, for the latter, the head's parents.
    const headSex: Sex = rng.chance(0.78) ? 'MALE' : 'FEMALE';
    const threeGen = type === 'three-generation';
    const husbandYear = threeGen ? rng.triangular(1958, 1982, latestAdult(22)) : rng.triangular(BIRTH_YEARS.min + 3, 1975, latestAdult(20));
    const wifeYear = Math.min(latestAdult(18), Math.max(BIRTH_YEARS.min, husbandYear + rng.between(-2, 7)));
    const husband: Member = {
      sex: 'MALE',
      birthYear: husbandYear,
      relationship: headSex === 'MALE' ? 'Chủ hộ' : 'Chồng',
      family: fam(),
      marital: 'MARRIED',
      deceased: false,
    };
    const wife: Member = {
      sex: 'FEMALE',
      birthYear: wifeYear,
      relationship: headSex === 'MALE' ? 'Vợ' : 'Chủ hộ',
      family: fam(),
      marital: 'MARRIED',
      deceased: false,
    };
    const [head, spouse] = headSex === 'MALE' ? [husband, wife] : [wife, husband];
    const out: [Member, ...Member[]] = [head, spouse];
    if (threeGen) {
      const fatherYear = head.birthYear - rng.between(22, 35);
      const motherYear = fatherYear + rng.between(-1, 7);
      const withFather = fatherYear >= BIRTH_YEARS.min && rng.chance(0.7);
      const withMother = motherYear >= BIRTH_YEARS.min && motherYear <= head.birthYear - 18 && (!withFather || rng.chance(0.85));
      const parentMarital: Marital = withFather && withMother ? 'MARRIED' : rng.chance(0.85) ? 'WIDOWED' : 'DIVORCED';
      if (withFather) out.push({ sex: 'MALE', birthYear: fatherYear, relationship: 'Cha', family: head.family, marital: parentMarital, deceased: false });
      if (withMother) out.push({ sex: 'FEMALE', birthYear: motherYear, relationship: 'Mẹ', family: fam(), marital: parentMarital, deceased: false });
    }
    out.push(...this.children(wifeYear, husband.family));
    return out;
  }

  /** Probability that a (non-head) member has died, by age. */
  private deathChance(birthYear: number): number {
    const age = this.age(birthYear);
    return age < 50 ? 0.003 : age < 70 ? 0.02 : age < 80 ? 0.06 : 0.12;
  }

  private temporaryChance(birthYear: number): number {
    const age = this.age(birthYear);
    return age < 15 ? 0.05 : age < 18 ? 0.12 : age < 30 ? 0.36 : age < 45 ? 0.2 : age < 60 ? 0.09 : 0.03;
  }

  /** The next household's records, head first. */
  household(): PopulationRecord[] {
    const { rng } = this;
    const province = draw(rng, RESIDENCE);
    const { region } = province.def;
    const ethnicity = draw(rng, province.ethnicities);
    const permanent = address(rng, province);
    const members = this.members(ethnicity, region);

    // Deaths among members (a deceased head would have been replaced), and their widowed spouses.
    const [head, ...others] = members;
    for (const m of others) {
      if (!rng.chance(this.deathChance(m.birthYear))) continue;
      m.deceased = true;
      if ((m.relationship === 'Vợ' || m.relationship === 'Chồng') && head.marital === 'MARRIED') head.marital = 'WIDOWED';
      if (m.relationship === 'Cha' || m.relationship === 'Mẹ') {
        const other = members.find((o) => o.relationship === (m.relationship === 'Cha' ? 'Mẹ' : 'Cha'));
        if (other && !other.deceased && other.marital === 'MARRIED') other.marital = 'WIDOWED';
      }
    }

    let headId = '';
    const records: PopulationRecord[] = [];
    const names: string[] = [];
    for (const m of members) {
      const birthCode = rng.chance(province.def.migrants) ? draw(rng, NATIONAL_BIRTH_CODES) : draw(rng, province.birthCodes);
      const nationalId = this.ids.issue(birthCode, m.sex, m.birthYear);
      if (m === head) headId = nationalId;
      const yearStart = itemAt(YEAR_START, m.birthYear - BIRTH_YEARS.min);
      const dobDay = yearStart + rng.int(itemAt(YEAR_START, m.birthYear - BIRTH_YEARS.min + 1) - yearStart);
      let temporary: Address | null = null;
      if (!m.deceased && rng.chance(this.temporaryChance(m.birthYear))) {
        const destination = rng.chance(0.7) ? draw(rng, MIGRATION_HUBS) : draw(rng, RESIDENCE);
        temporary = address(rng, destination, destination === province ? permanent.commune : undefined);
      }
      // Last updated within the three years before asOf, never before birth.
      const earliest = Math.max(this.asOfMs - 3 * 365 * DAY_MS, dobDay * DAY_MS);
      const updatedMs = earliest + Math.floor((rng.float() * (this.asOfMs - earliest)) / 1000) * 1000;
      // Parents do not give a child their own name, nor siblings each other's.
      let name = fullName(rng, ethnicity, m.sex, m.birthYear, m.family);
      for (let retry = 0; retry < 4 && names.includes(name); retry++) name = fullName(rng, ethnicity, m.sex, m.birthYear, m.family);
      names.push(name);
      records.push({
        nationalId,
        fullName: name,
        dateOfBirth: isoDate(dobDay),
        sex: m.sex,
        ethnicity,
        nationality: 'Việt Nam',
        birthRegistrationProvince: birthProvince(birthCode),
        permanentResidence: { ...permanent },
        temporaryResidence: temporary,
        household: { headNationalId: headId, relationship: m.relationship },
        maritalStatus: m.marital,
        status: m.deceased ? 'DECEASED' : 'LIVING',
        updatedAt: new Date(updatedMs).toISOString(),
      });
    }
    return records;
  }
}

const CHILDREN_OLDER = weighted([
  [0, 5],
  [1, 10],
  [2, 25],
  [3, 25],
  [4, 18],
  [5, 12],
  [6, 5],
] as const);
const CHILDREN_YOUNGER = weighted([
  [0, 10],
  [1, 25],
  [2, 42],
  [3, 17],
  [4, 6],
] as const);

// ---------------------------------------------------------------------------------------------------------
// Public API

/**
 * Streams `count` synthetic population records, deterministic from `seed` (and `asOf`). Households are
 * emitted head first; when `count` cuts a household short, its last members are left out (never its head).
 * Memory stays constant, so a million records can be piped straight into a writer.
 */
export function* generatePopulation(options: PopulationOptions): Generator<PopulationRecord, void, undefined> {
  const { seed, count, asOf = DEFAULT_AS_OF } = options;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const population = new Population(seed, asOf);
  let emitted = 0;
  while (emitted < count) {
    for (const record of population.household()) {
      if (emitted >= count) return;
      emitted++;
      yield record;
    }
  }
}

export interface DemoSubjects {
  /** The first living adult (18 or over) without a temporary residence. */
  livingAdult: PopulationRecord;
  /** The first deceased person. */
  deceased: PopulationRecord;
  /** The first living person with a temporary residence. */
  temporaryResident: PopulationRecord;
  /** The first household of at least three people, head first. */
  household: PopulationRecord[];
}

/**
 * Well-known subjects for documentation and examples, picked from the start of `generatePopulation` for
 * the seed (so docs and data agree whenever both come from the same seed).
 */
export function demoSubjects(seed: number | string, asOf: string = DEFAULT_AS_OF): DemoSubjects {
  const adultBorn = new Date(Date.parse(asOf)).getUTCFullYear() - 18;
  let livingAdult: PopulationRecord | undefined;
  let deceased: PopulationRecord | undefined;
  let temporaryResident: PopulationRecord | undefined;
  let household: PopulationRecord[] | undefined;
  let current: PopulationRecord[] = [];
  const limit = 1_000_000;
  for (const r of generatePopulation({ seed, count: limit, asOf })) {
    if (r.household.headNationalId === r.nationalId) {
      if (!household && current.length >= 3) household = current;
      current = [];
    }
    current.push(r);
    if (!livingAdult && r.status === 'LIVING' && r.temporaryResidence === null && Number(r.dateOfBirth.slice(0, 4)) < adultBorn) livingAdult = r;
    if (!deceased && r.status === 'DECEASED') deceased = r;
    if (!temporaryResident && r.status === 'LIVING' && r.temporaryResidence !== null) temporaryResident = r;
    if (livingAdult && deceased && temporaryResident && household) return { livingAdult, deceased, temporaryResident, household };
  }
  throw new Error(`demoSubjects: no complete set of subjects in the first ${limit} records for seed ${String(seed)}`);
}
