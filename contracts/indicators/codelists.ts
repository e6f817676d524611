/**
 * The code lists of ndx's indicator contracts. A code, once released under a major version, keeps its
 * id and meaning: removing or recoding one is a MAJOR change, adding one a MINOR change
 * (codeListReasons in define.ts).
 */
import type { CodeList, Label } from './model.ts';

const same = (name: string): Label => ({ en: name, vi: name });

/**
 * The 34 provinces and centrally run cities since 1 July 2025. Codes are the two-digit prefixes of
 * tax and social insurance codes: the four largest cities as in practice (01 Hà Nội, 02 Hải Phòng,
 * 03 Hồ Chí Minh, 04 Đà Nẵng), the others ndx's synthetic ones, to be replaced by the official
 * administrative unit codes in a new major version.
 */
export const CL_PROVINCE: CodeList = {
  id: 'CL_PROVINCE',
  name: { en: 'Province or centrally run city', vi: 'Tỉnh, thành phố trực thuộc trung ương' },
  codes: (
    [
      ['01', 'Hà Nội'],
      ['02', 'Hải Phòng'],
      ['03', 'Hồ Chí Minh'],
      ['04', 'Đà Nẵng'],
      ['10', 'Huế'],
      ['11', 'Lai Châu'],
      ['12', 'Điện Biên'],
      ['13', 'Sơn La'],
      ['14', 'Lạng Sơn'],
      ['15', 'Quảng Ninh'],
      ['16', 'Thanh Hóa'],
      ['17', 'Nghệ An'],
      ['18', 'Hà Tĩnh'],
      ['19', 'Cao Bằng'],
      ['20', 'Tuyên Quang'],
      ['21', 'Lào Cai'],
      ['22', 'Thái Nguyên'],
      ['23', 'Phú Thọ'],
      ['24', 'Bắc Ninh'],
      ['25', 'Hưng Yên'],
      ['26', 'Ninh Bình'],
      ['27', 'Quảng Trị'],
      ['28', 'Quảng Ngãi'],
      ['29', 'Gia Lai'],
      ['30', 'Khánh Hòa'],
      ['31', 'Lâm Đồng'],
      ['32', 'Đắk Lắk'],
      ['33', 'Đồng Nai'],
      ['34', 'Tây Ninh'],
      ['35', 'Cần Thơ'],
      ['36', 'Vĩnh Long'],
      ['37', 'Đồng Tháp'],
      ['38', 'Cà Mau'],
      ['39', 'An Giang'],
    ] as const
  ).map(([id, name]) => ({ id, name: same(name) })),
};

export const CL_SEX: CodeList = {
  id: 'CL_SEX',
  name: { en: 'Sex', vi: 'Giới tính' },
  codes: [
    { id: 'M', name: { en: 'Male', vi: 'Nam' } },
    { id: 'F', name: { en: 'Female', vi: 'Nữ' } },
  ],
};

/** Five-year age bands, completed years at the end of the period; 85 and over in one band. */
export const CL_AGE: CodeList = {
  id: 'CL_AGE',
  name: { en: 'Age (five-year bands)', vi: 'Nhóm tuổi (5 năm)' },
  codes: [
    ...Array.from({ length: 17 }, (_, i) => ({
      id: `Y${i * 5}T${i * 5 + 4}`,
      name: { en: `${i * 5}–${i * 5 + 4} years`, vi: `${i * 5}–${i * 5 + 4} tuổi` },
    })),
    { id: 'Y_GE85', name: { en: '85 years and over', vi: 'Từ 85 tuổi trở lên' } },
  ],
};

/** The sections of the Vietnam Standard Industrial Classification (VSIC 2018, Decision 27/2018/QĐ-TTg), with their two-digit divisions. */
export const VSIC_SECTIONS: ReadonlyArray<{ id: string; divisions: readonly [number, number]; en: string; vi: string }> = [
  { id: 'A', divisions: [1, 3], en: 'Agriculture, forestry and fishing', vi: 'Nông nghiệp, lâm nghiệp và thủy sản' },
  { id: 'B', divisions: [5, 9], en: 'Mining and quarrying', vi: 'Khai khoáng' },
  { id: 'C', divisions: [10, 33], en: 'Manufacturing', vi: 'Công nghiệp chế biến, chế tạo' },
  {
    id: 'D',
    divisions: [35, 35],
    en: 'Electricity, gas, steam and air conditioning supply',
    vi: 'Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hòa không khí',
  },
  {
    id: 'E',
    divisions: [36, 39],
    en: 'Water supply; sewerage, waste management and remediation',
    vi: 'Cung cấp nước; hoạt động quản lý và xử lý rác thải, nước thải',
  },
  { id: 'F', divisions: [41, 43], en: 'Construction', vi: 'Xây dựng' },
  { id: 'G', divisions: [45, 47], en: 'Wholesale and retail trade; repair of motor vehicles', vi: 'Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy' },
  { id: 'H', divisions: [49, 53], en: 'Transportation and storage', vi: 'Vận tải kho bãi' },
  { id: 'I', divisions: [55, 56], en: 'Accommodation and food service activities', vi: 'Dịch vụ lưu trú và ăn uống' },
  { id: 'J', divisions: [58, 63], en: 'Information and communication', vi: 'Thông tin và truyền thông' },
  { id: 'K', divisions: [64, 66], en: 'Financial, banking and insurance activities', vi: 'Hoạt động tài chính, ngân hàng và bảo hiểm' },
  { id: 'L', divisions: [68, 68], en: 'Real estate activities', vi: 'Hoạt động kinh doanh bất động sản' },
  { id: 'M', divisions: [69, 75], en: 'Professional, scientific and technical activities', vi: 'Hoạt động chuyên môn, khoa học và công nghệ' },
  { id: 'N', divisions: [77, 82], en: 'Administrative and support service activities', vi: 'Hoạt động hành chính và dịch vụ hỗ trợ' },
  {
    id: 'O',
    divisions: [84, 84],
    en: 'Public administration and defence; compulsory social security',
    vi: 'Hoạt động của Đảng Cộng sản, tổ chức chính trị - xã hội, quản lý nhà nước, an ninh quốc phòng; bảo đảm xã hội bắt buộc',
  },
  { id: 'P', divisions: [85, 85], en: 'Education and training', vi: 'Giáo dục và đào tạo' },
  { id: 'Q', divisions: [86, 88], en: 'Human health and social work activities', vi: 'Y tế và hoạt động trợ giúp xã hội' },
  { id: 'R', divisions: [90, 93], en: 'Arts, entertainment and recreation', vi: 'Nghệ thuật, vui chơi và giải trí' },
  { id: 'S', divisions: [94, 96], en: 'Other service activities', vi: 'Hoạt động dịch vụ khác' },
  { id: 'T', divisions: [97, 98], en: 'Activities of households as employers', vi: 'Hoạt động làm thuê các công việc trong các hộ gia đình' },
  { id: 'U', divisions: [99, 99], en: 'Activities of extraterritorial organisations and bodies', vi: 'Hoạt động của các tổ chức và cơ quan quốc tế' },
];

export const CL_SECTOR: CodeList = {
  id: 'CL_SECTOR',
  name: { en: 'Economic sector (VSIC 2018 section)', vi: 'Ngành kinh tế (ngành cấp 1 VSIC 2018)' },
  codes: VSIC_SECTIONS.map((s) => ({ id: s.id, name: { en: s.en, vi: s.vi } })),
};

export const CL_SCHEME: CodeList = {
  id: 'CL_SCHEME',
  name: { en: 'Social insurance scheme', vi: 'Loại hình bảo hiểm xã hội' },
  codes: [
    { id: 'COMPULSORY', name: { en: 'Compulsory social insurance', vi: 'Bảo hiểm xã hội bắt buộc' } },
    { id: 'VOLUNTARY', name: { en: 'Voluntary social insurance', vi: 'Bảo hiểm xã hội tự nguyện' } },
  ],
};

export const CL_LAND_USE: CodeList = {
  id: 'CL_LAND_USE',
  name: { en: 'Land use category', vi: 'Loại đất' },
  codes: [
    { id: 'ODT', name: { en: 'Urban residential land', vi: 'Đất ở tại đô thị' } },
    { id: 'ONT', name: { en: 'Rural residential land', vi: 'Đất ở tại nông thôn' } },
    { id: 'LUC', name: { en: 'Specialised wet rice land', vi: 'Đất chuyên trồng lúa' } },
    { id: 'BHK', name: { en: 'Other annual crop land', vi: 'Đất trồng cây hằng năm khác' } },
    { id: 'CLN', name: { en: 'Perennial crop land', vi: 'Đất trồng cây lâu năm' } },
    { id: 'NTS', name: { en: 'Aquaculture land', vi: 'Đất nuôi trồng thủy sản' } },
    { id: 'TMD', name: { en: 'Commercial and service land', vi: 'Đất thương mại, dịch vụ' } },
    { id: 'SKC', name: { en: 'Land for non-agricultural production facilities', vi: 'Đất cơ sở sản xuất phi nông nghiệp' } },
  ],
};

/** The VSIC section of a four-digit VSIC code, by its division (first two digits). */
export function sectionOf(vsicCode: string): string | undefined {
  const division = Number(vsicCode.slice(0, 2));
  return VSIC_SECTIONS.find((s) => division >= s.divisions[0] && division <= s.divisions[1])?.id;
}
