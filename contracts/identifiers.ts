/**
 * Vietnamese identifiers, validated at the edge (see REGISTRIES facts in the README).
 * Pure functions and zod schemas; no I/O.
 */
import * as z from 'zod';

/**
 * Province codes used in the first three digits of a personal identification number (the province
 * where the birth was registered). Identifiers issued before the 2025 merger of provinces keep them.
 */
export const BIRTH_PROVINCES: Readonly<Record<string, string>> = {
  '001': 'Hà Nội',
  '002': 'Hà Giang',
  '004': 'Cao Bằng',
  '006': 'Bắc Kạn',
  '008': 'Tuyên Quang',
  '010': 'Lào Cai',
  '011': 'Điện Biên',
  '012': 'Lai Châu',
  '014': 'Sơn La',
  '015': 'Yên Bái',
  '017': 'Hòa Bình',
  '019': 'Thái Nguyên',
  '020': 'Lạng Sơn',
  '022': 'Quảng Ninh',
  '024': 'Bắc Giang',
  '025': 'Phú Thọ',
  '026': 'Vĩnh Phúc',
  '027': 'Bắc Ninh',
  '030': 'Hải Dương',
  '031': 'Hải Phòng',
  '033': 'Hưng Yên',
  '034': 'Thái Bình',
  '035': 'Hà Nam',
  '036': 'Nam Định',
  '037': 'Ninh Bình',
  '038': 'Thanh Hóa',
  '040': 'Nghệ An',
  '042': 'Hà Tĩnh',
  '044': 'Quảng Bình',
  '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế',
  '048': 'Đà Nẵng',
  '049': 'Quảng Nam',
  '051': 'Quảng Ngãi',
  '052': 'Bình Định',
  '054': 'Phú Yên',
  '056': 'Khánh Hòa',
  '058': 'Ninh Thuận',
  '060': 'Bình Thuận',
  '062': 'Kon Tum',
  '064': 'Gia Lai',
  '066': 'Đắk Lắk',
  '067': 'Đắk Nông',
  '068': 'Lâm Đồng',
  '070': 'Bình Phước',
  '072': 'Tây Ninh',
  '074': 'Bình Dương',
  '075': 'Đồng Nai',
  '077': 'Bà Rịa – Vũng Tàu',
  '079': 'Hồ Chí Minh',
  '080': 'Long An',
  '082': 'Tiền Giang',
  '083': 'Bến Tre',
  '084': 'Trà Vinh',
  '086': 'Vĩnh Long',
  '087': 'Đồng Tháp',
  '089': 'An Giang',
  '091': 'Kiên Giang',
  '092': 'Cần Thơ',
  '093': 'Hậu Giang',
  '094': 'Sóc Trăng',
  '095': 'Bạc Liêu',
  '096': 'Cà Mau',
};

export type Sex = 'MALE' | 'FEMALE';

export interface NationalIdParts {
  province: string;
  sex: Sex;
  /** Full birth year, from the century digit and the two year digits. */
  birthYear: number;
  serial: string;
}

/** Splits a 12-digit personal identification number; undefined when it is not well formed. */
export function parseNationalId(id: string): NationalIdParts | undefined {
  const m = /^(\d{3})([0-3])(\d{2})(\d{6})$/.exec(id);
  if (!m) return undefined;
  const [, province, centuryDigit, yy, serial] = m as unknown as [string, string, string, string, string];
  if (!(province in BIRTH_PROVINCES)) return undefined;
  const d = Number(centuryDigit);
  return {
    province,
    sex: d % 2 === 0 ? 'MALE' : 'FEMALE',
    birthYear: (d < 2 ? 1900 : 2000) + Number(yy),
    serial,
  };
}

/** Builds a personal identification number from its parts (for synthetic data). */
export function formatNationalId(parts: NationalIdParts): string {
  const century = parts.birthYear >= 2000 ? 2 : 0;
  const digit = century + (parts.sex === 'FEMALE' ? 1 : 0);
  return `${parts.province}${digit}${String(parts.birthYear % 100).padStart(2, '0')}${parts.serial}`;
}

/** True when the identifier agrees with the recorded sex and date of birth (YYYY-MM-DD). */
export function nationalIdAgreesWith(id: string, sex: Sex, dateOfBirth: string): boolean {
  const parts = parseNationalId(id);
  return parts !== undefined && parts.sex === sex && parts.birthYear === Number(dateOfBirth.slice(0, 4));
}

export const NationalId = z
  .string()
  .refine((v) => parseNationalId(v) !== undefined, {
    message: 'a 12-digit personal identification number: birth province code, sex/century digit 0-3, year, serial',
  })
  .describe('Personal identification number (số định danh cá nhân), 12 digits.')
  .meta({ pattern: '^\\d{12}$' });

// ---------------------------------------------------------------------------------------------------------
// Enterprise codes (mã số doanh nghiệp)

/** Weights of the tax code's check digit over its first nine digits. */
const ENTERPRISE_CODE_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;

/**
 * The check digit of an enterprise code (its tax code) for its first nine digits, or undefined when
 * no digit fits (the weighted sum is a multiple of 11: such numbers are never issued). The rule is
 * the one implemented by python-stdnum's `stdnum.vn.mst` (10 − weighted sum mod 11).
 */
export function enterpriseCheckDigit(first9: string): string | undefined {
  if (!/^\d{9}$/.test(first9)) return undefined;
  let sum = 0;
  for (const [i, weight] of ENTERPRISE_CODE_WEIGHTS.entries()) sum += weight * Number(first9[i]);
  const digit = 10 - (sum % 11);
  return digit <= 9 ? String(digit) : undefined;
}

export interface EnterpriseCodeParts {
  /** The ten-digit code of the enterprise (of the parent, for a branch). */
  enterprise: string;
  /** The branch or dependent unit number, 001-999, when the code has 13 digits. */
  branch?: string;
}

/**
 * Splits an enterprise code: 10 digits (`0100233488`), or 13 for a branch or dependent unit written
 * with a dash (`0314409058-002`). Checks the check digit, that the serial part is not all zeros and
 * that a branch number is not 000.
 */
export function parseEnterpriseCode(code: string): EnterpriseCodeParts | undefined {
  const m = /^(\d{10})(?:-(\d{3}))?$/.exec(code);
  if (!m) return undefined;
  const [, enterprise, branch] = m;
  // The first group is not optional: it is there whenever the pattern matches.
  if (enterprise === undefined) return undefined;
  if (enterprise.slice(2, 9) === '0000000') return undefined;
  if (enterpriseCheckDigit(enterprise.slice(0, 9)) !== enterprise[9]) return undefined;
  if (branch === '000') return undefined;
  return branch ? { enterprise, branch } : { enterprise };
}

export const EnterpriseCode = z
  .string()
  .refine((v) => parseEnterpriseCode(v) !== undefined, {
    message: 'an enterprise code: 10 digits with a valid check digit, or 13 for a branch written NNNNNNNNNN-NNN',
  })
  .describe('Enterprise code (mã số doanh nghiệp, the tax code): 10 digits, or 10-3 for a branch or dependent unit.')
  .meta({ pattern: '^\\d{10}(-\\d{3})?$' });

// ---------------------------------------------------------------------------------------------------------
// Social insurance codes (mã số BHXH)

/**
 * The legacy social insurance code: 10 digits. Since 1 July 2025 the personal identification number
 * serves as the social insurance code; the legacy code stays on the record. No check digit is
 * published for it, so only the format is validated.
 */
export const SocialInsuranceCode = z
  .string()
  .regex(/^\d{10}$/, 'a 10-digit social insurance code')
  .describe('Legacy social insurance code (mã số BHXH), 10 digits.');

// ---------------------------------------------------------------------------------------------------------
// Land parcels

export interface ParcelIdParts {
  /** Code of the commune or ward (mã đơn vị hành chính cấp xã), 5 digits. */
  commune: string;
  /** Map sheet number (tờ bản đồ số), 1-9999. */
  mapSheet: number;
  /** Parcel number on the sheet (thửa đất số), 1-99999. */
  parcelNumber: number;
}

/**
 * ndx's canonical land parcel id: commune code, map sheet and parcel number, zero-padded to fixed
 * widths and joined by dashes: `CCCCC-SSSS-PPPPP` (e.g. `00127-0012-00345` is parcel 345 on map sheet
 * 12 of commune 00127). One parcel has exactly one id; no part is zero.
 */
export function parseParcelId(id: string): ParcelIdParts | undefined {
  const m = /^(\d{5})-(\d{4})-(\d{5})$/.exec(id);
  if (!m) return undefined;
  const [, commune, sheet, parcel] = m as unknown as [string, string, string, string];
  if (commune === '00000' || Number(sheet) === 0 || Number(parcel) === 0) return undefined;
  return { commune, mapSheet: Number(sheet), parcelNumber: Number(parcel) };
}

export function formatParcelId(parts: ParcelIdParts): string {
  const ok =
    /^\d{5}$/.test(parts.commune) &&
    parts.commune !== '00000' &&
    Number.isInteger(parts.mapSheet) &&
    parts.mapSheet >= 1 &&
    parts.mapSheet <= 9999 &&
    Number.isInteger(parts.parcelNumber) &&
    parts.parcelNumber >= 1 &&
    parts.parcelNumber <= 99999;
  if (!ok) throw new RangeError(`not a parcel: ${JSON.stringify(parts)}`);
  return `${parts.commune}-${String(parts.mapSheet).padStart(4, '0')}-${String(parts.parcelNumber).padStart(5, '0')}`;
}

export const ParcelId = z
  .string()
  .refine((v) => parseParcelId(v) !== undefined, {
    message: 'a parcel id CCCCC-SSSS-PPPPP: 5-digit commune code, 4-digit map sheet, 5-digit parcel number, none zero',
  })
  .describe('Land parcel id: commune code, map sheet number and parcel number, e.g. 00127-0012-00345.')
  .meta({ pattern: '^\\d{5}-\\d{4}-\\d{5}$' });
