/**
 * Vietnamese identifiers, validated at the edge (see REGISTRIES facts in the README).
 * Pure functions and zod schemas; no I/O.
 */
import { z } from 'zod';

/**
 * Province codes used in the first three digits of a personal identification number (the province
 * where the birth was registered). Identifiers issued before the 2025 merger of provinces keep them.
 */
export const BIRTH_PROVINCES: Readonly<Record<string, string>> = {
  '001': 'Hà Nội', '002': 'Hà Giang', '004': 'Cao Bằng', '006': 'Bắc Kạn', '008': 'Tuyên Quang',
  '010': 'Lào Cai', '011': 'Điện Biên', '012': 'Lai Châu', '014': 'Sơn La', '015': 'Yên Bái',
  '017': 'Hòa Bình', '019': 'Thái Nguyên', '020': 'Lạng Sơn', '022': 'Quảng Ninh', '024': 'Bắc Giang',
  '025': 'Phú Thọ', '026': 'Vĩnh Phúc', '027': 'Bắc Ninh', '030': 'Hải Dương', '031': 'Hải Phòng',
  '033': 'Hưng Yên', '034': 'Thái Bình', '035': 'Hà Nam', '036': 'Nam Định', '037': 'Ninh Bình',
  '038': 'Thanh Hóa', '040': 'Nghệ An', '042': 'Hà Tĩnh', '044': 'Quảng Bình', '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế', '048': 'Đà Nẵng', '049': 'Quảng Nam', '051': 'Quảng Ngãi', '052': 'Bình Định',
  '054': 'Phú Yên', '056': 'Khánh Hòa', '058': 'Ninh Thuận', '060': 'Bình Thuận', '062': 'Kon Tum',
  '064': 'Gia Lai', '066': 'Đắk Lắk', '067': 'Đắk Nông', '068': 'Lâm Đồng', '070': 'Bình Phước',
  '072': 'Tây Ninh', '074': 'Bình Dương', '075': 'Đồng Nai', '077': 'Bà Rịa – Vũng Tàu', '079': 'Hồ Chí Minh',
  '080': 'Long An', '082': 'Tiền Giang', '083': 'Bến Tre', '084': 'Trà Vinh', '086': 'Vĩnh Long',
  '087': 'Đồng Tháp', '089': 'An Giang', '091': 'Kiên Giang', '092': 'Cần Thơ', '093': 'Hậu Giang',
  '094': 'Sóc Trăng', '095': 'Bạc Liêu', '096': 'Cà Mau',
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
