/**
 * Everything the console says, in Vietnamese (first) and English. Plain words for citizens: no codes
 * without their meaning. Purposes and data categories have names here; anything unknown falls back to
 * the contract's own (English) description.
 */
import type { ConsentStatus } from '../domain/consent/consent.ts';
import type { ConsentChange } from '../domain/consent/service.ts';
import type { DataCategory } from '../contracts/model.ts';
import type { Status } from '../contracts/protocol.ts';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const isLang = (v: unknown): v is Lang => v === 'vi' || v === 'en';

const vi = {
  lang: 'vi',
  locale: 'vi-VN',
  other: { lang: 'en' as Lang, label: 'English' },
  product: 'ndx — Sàn giao dịch dữ liệu quốc gia',
  skip: 'Chuyển đến nội dung chính',
  local: 'Môi trường thử nghiệm trên máy này (dữ liệu giả lập). Không dùng cho người thật.',
  nav: {
    citizen: 'Dữ liệu của tôi',
    consents: 'Sự đồng ý của tôi',
    steward: 'Danh mục hợp đồng dữ liệu',
    operator: 'Vận hành',
    indicators: 'Chỉ tiêu thống kê',
  },
  signOut: 'Đăng xuất',
  signedInAs: (who: string) => `Đã đăng nhập: ${who}`,
  citizenWho: 'công dân',
  home: {
    title: 'Cổng ndx',
    intro:
      'ndx kết nối các cơ sở dữ liệu quốc gia để cơ quan nhà nước tra cứu thông tin thay vì yêu cầu người dân nộp giấy tờ. Mỗi lần tra cứu đều được ghi lại và người dân có thể xem.',
    citizenTitle: 'Người dân',
    citizenText: 'Xem cơ quan nào đã tra cứu dữ liệu của bạn, khi nào và vì mục đích gì; quản lý sự đồng ý bạn đã cho.',
    citizenButton: 'Đăng nhập bằng tài khoản định danh điện tử',
    staffTitle: 'Cán bộ',
    staffText: 'Người quản lý dữ liệu, cán bộ bảo vệ dữ liệu cá nhân và cán bộ vận hành.',
    staffButton: 'Đăng nhập cán bộ',
  },
  signIn: {
    refused: 'Không đăng nhập được',
    refusedText: 'Tài khoản này không phải công dân cũng không phải cán bộ của ndx, hoặc phiên đăng nhập đã hết hạn. Hãy thử đăng nhập lại.',
    again: 'Đăng nhập lại',
  },
  errors: {
    notFoundTitle: 'Không tìm thấy',
    notFound: 'Trang hoặc mục bạn tìm không có, hoặc không thuộc về bạn.',
    forbiddenTitle: 'Không có quyền',
    forbidden: 'Tài khoản của bạn không có quyền xem trang này.',
    expiredTitle: 'Phiên đăng nhập đã kết thúc',
    expired: 'Hãy đăng nhập lại để tiếp tục.',
    csrf: 'Biểu mẫu đã cũ hoặc không hợp lệ. Hãy tải lại trang rồi thử lại.',
    unavailableTitle: 'Tạm thời không phục vụ được',
    unavailable: 'Hệ thống đang bận hoặc gặp sự cố. Hãy thử lại sau ít phút.',
    back: 'Về trang chính',
  },
  trail: {
    title: 'Ai đã xem dữ liệu của tôi',
    intro:
      'Mỗi lần một cơ quan tra cứu dữ liệu của bạn qua ndx đều được ghi vào nhật ký không thể sửa. Đây là những lần tra cứu đó, mới nhất trước. Chúng tôi chỉ cho biết những thông tin nào đã được cung cấp, không hiển thị giá trị.',
    none: 'Chưa có cơ quan nào tra cứu dữ liệu của bạn.',
    count: (n: number, released: number) => `${n} lần tra cứu, trong đó ${released} lần có cung cấp dữ liệu.`,
    when: 'Thời gian',
    agency: 'Cơ quan',
    onBehalfOf: 'Hồ sơ / cán bộ',
    purpose: 'Mục đích',
    basis: 'Căn cứ',
    fields: 'Thông tin đã cung cấp',
    outcome: 'Kết quả',
    noFields: 'Không cung cấp thông tin nào',
    consentBasis: (id: string) => `Sự đồng ý của bạn (${id})`,
    withheld: (n: number) =>
      `Còn ${n} lần tra cứu tạm thời chưa hiển thị vì đang phục vụ điều tra theo quy định của pháp luật. Các lần này sẽ hiện ra khi hết thời hạn.`,
    altered: 'Bản ghi này đã bị thay đổi sau khi ghi: đã báo cho cán bộ vận hành.',
    registry: 'Thỏa thuận chia sẻ dữ liệu',
  },
  outcome: {
    OK: 'Đã cung cấp dữ liệu',
    NOT_FOUND: 'Không tìm thấy hồ sơ',
    DENIED: 'Bị từ chối',
    INVALID: 'Yêu cầu không hợp lệ',
    ERROR: 'Lỗi, không cung cấp',
    DUPLICATE: 'Yêu cầu gửi lại, không cung cấp thêm',
  } satisfies Record<Status, string>,
  consents: {
    title: 'Sự đồng ý của tôi',
    intro: 'Đây là những lần bạn đồng ý cho một cơ quan tra cứu dữ liệu của bạn. Bạn có thể tạm dừng, tiếp tục hoặc rút lại bất cứ lúc nào.',
    none: 'Bạn chưa cho cơ quan nào sự đồng ý.',
    agency: 'Cơ quan được đồng ý',
    data: 'Dữ liệu',
    purposes: 'Mục đích',
    validity: 'Hiệu lực',
    validRange: (from: string, to: string) => `từ ${from} đến ${to}`,
    limits: 'Giới hạn sử dụng',
    noLimit: (used: number) => `Không giới hạn (đã dùng ${used} lần)`,
    maxUses: (used: number, max: number) => `Đã dùng ${used} trên tối đa ${max} lần`,
    perPeriod: (n: number, period: string) =>
      `Tối đa ${n} lần mỗi ${({ day: 'ngày', week: 'tuần', month: 'tháng' } as Record<string, string>)[period] ?? period}`,
    notice: 'Thông báo bạn đã đọc khi đồng ý',
    noticeText: (version: string, language: string) => `phiên bản ${version}, ngôn ngữ ${language}`,
    signature: 'Chữ ký số của điều khoản',
    signed: 'Đã ký: điều khoản đúng như khi bạn đồng ý',
    status: 'Trạng thái',
    history: 'Lịch sử',
    id: 'Mã',
  },
  consentStatus: {
    ACTIVE: 'Đang có hiệu lực',
    PAUSED: 'Đang tạm dừng',
    REVOKED: 'Đã rút lại',
    EXPIRED: 'Đã hết hạn',
  } satisfies Record<ConsentStatus, string>,
  change: {
    PAUSED: 'Tạm dừng',
    RESUMED: 'Tiếp tục',
    REVOKED: 'Rút lại',
  } satisfies Record<ConsentChange, string>,
  event: { GRANTED: 'Cho phép', PAUSED: 'Tạm dừng', RESUMED: 'Tiếp tục', REVOKED: 'Rút lại', EXPIRED: 'Hết hạn' } as Record<string, string>,
  effect: {
    PAUSED:
      'Khi tạm dừng, cơ quan này không thể tra cứu dữ liệu của bạn theo sự đồng ý này cho đến khi bạn cho tiếp tục. Cả những yêu cầu đã gửi nhưng chưa được trả lời cũng sẽ bị từ chối.',
    RESUMED: 'Khi tiếp tục, cơ quan này lại có thể tra cứu dữ liệu của bạn theo đúng điều khoản đã đồng ý, cho đến khi hết hạn.',
    REVOKED:
      'Rút lại là vĩnh viễn: cơ quan này không thể tra cứu dữ liệu của bạn theo sự đồng ý này nữa, kể cả những yêu cầu đã gửi mà chưa được trả lời. Những lần tra cứu trước đó vẫn nằm trong nhật ký. Muốn cho phép lại, bạn cần đồng ý mới.',
  } satisfies Record<ConsentChange, string>,
  confirm: {
    title: (action: string) => `${action} sự đồng ý`,
    yes: (action: string) => `Xác nhận: ${action}`,
    cancel: 'Quay lại, không thay đổi',
  },
  changed: {
    PAUSED: 'Đã tạm dừng sự đồng ý.',
    RESUMED: 'Sự đồng ý đã có hiệu lực trở lại.',
    REVOKED: 'Đã rút lại sự đồng ý.',
  } satisfies Record<ConsentChange, string>,
  purpose: {
    LAND_REGISTRATION: 'Đăng ký đất đai (quyền sử dụng đất, chuyển nhượng, thế chấp)',
    LAND_TAX_ASSESSMENT: 'Tính thuế sử dụng đất',
    TAX_REGISTRATION: 'Đăng ký thuế',
    TAX_ENFORCEMENT: 'Cưỡng chế, thu hồi nợ thuế',
    PUBLIC_SERVICE_APPLICATION: 'Giải quyết thủ tục hành chính trực tuyến',
    SOCIAL_ALLOWANCE_APPLICATION: 'Xét hưởng trợ cấp xã hội',
    ADDRESS_CONFIRMATION: 'Xác nhận địa chỉ liên lạc',
    LOAN_APPLICATION: 'Xét hồ sơ vay vốn',
    CUSTOMER_DUE_DILIGENCE: 'Nhận biết khách hàng là doanh nghiệp',
    SOCIAL_INSURANCE_REGISTRATION: 'Đăng ký, kê khai bảo hiểm xã hội',
  } as Record<string, string>,
  category: {
    identifier: 'Số định danh',
    identity: 'Họ tên, ngày sinh',
    demographic: 'Thông tin nhân khẩu',
    'civil-status': 'Tình trạng hộ tịch',
    residence: 'Nơi cư trú',
    household: 'Hộ gia đình',
    land: 'Đất đai',
    employment: 'Việc làm',
    'social-insurance': 'Bảo hiểm xã hội',
    'health-insurance': 'Bảo hiểm y tế',
    financial: 'Tài chính',
    business: 'Doanh nghiệp',
  } satisfies Record<DataCategory, string>,
};

export type Messages = typeof vi;

const en: Messages = {
  lang: 'en',
  locale: 'en-GB',
  other: { lang: 'vi', label: 'Tiếng Việt' },
  product: 'ndx — the national data exchange',
  skip: 'Skip to main content',
  local: 'Local test platform on this machine (synthetic data). Not for real people.',
  nav: { citizen: 'My data', consents: 'My consents', steward: 'Contract catalogue', operator: 'Operations', indicators: 'Indicators' },
  signOut: 'Sign out',
  signedInAs: (who) => `Signed in: ${who}`,
  citizenWho: 'citizen',
  home: {
    title: 'ndx portal',
    intro:
      'ndx connects the national databases so that government agencies look records up instead of asking people for paper. Every lookup is recorded, and people can see it.',
    citizenTitle: 'Citizens',
    citizenText: 'See which agencies looked at your data, when and why; manage the consents you have given.',
    citizenButton: 'Sign in with your national digital identity',
    staffTitle: 'Staff',
    staffText: 'Data stewards, data-protection officers and platform operators.',
    staffButton: 'Staff sign-in',
  },
  signIn: {
    refused: 'Could not sign you in',
    refusedText: 'This account is neither a citizen nor a member of ndx staff, or the sign-in took too long. Please sign in again.',
    again: 'Sign in again',
  },
  errors: {
    notFoundTitle: 'Not found',
    notFound: 'The page or item you asked for does not exist, or is not yours.',
    forbiddenTitle: 'Not allowed',
    forbidden: 'Your account may not see this page.',
    expiredTitle: 'Your session has ended',
    expired: 'Please sign in again to continue.',
    csrf: 'The form was old or not valid. Reload the page and try again.',
    unavailableTitle: 'Temporarily unavailable',
    unavailable: 'The system is busy or has a problem. Please try again in a few minutes.',
    back: 'Back to the start',
  },
  trail: {
    title: 'Who looked at my data',
    intro:
      'Every time an agency looks up your data through ndx, it is written to a log that cannot be changed. These are those lookups, newest first. We show which information was given out, never its values.',
    none: 'No agency has looked up your data yet.',
    count: (n, released) => `${n} lookup${n === 1 ? '' : 's'}, ${released} of which gave out data.`,
    when: 'When',
    agency: 'Agency',
    onBehalfOf: 'Case / officer',
    purpose: 'Purpose',
    basis: 'Basis',
    fields: 'Information given',
    outcome: 'Outcome',
    noFields: 'No information given',
    consentBasis: (id) => `Your consent (${id})`,
    withheld: (n) =>
      `${n} more lookup${n === 1 ? ' is' : 's are'} hidden for now because of an investigation allowed by law. They will appear when that period ends.`,
    altered: 'This record was changed after it was written: the operators have been alerted.',
    registry: 'Data-sharing contract',
  },
  outcome: {
    OK: 'Data given',
    NOT_FOUND: 'No record found',
    DENIED: 'Refused',
    INVALID: 'Request not valid',
    ERROR: 'Failed, nothing given',
    DUPLICATE: 'Repeated request, nothing more given',
  },
  consents: {
    title: 'My consents',
    intro: 'These are the consents you have given agencies to look up your data. You can pause, resume or withdraw any of them at any time.',
    none: 'You have not given any agency your consent.',
    agency: 'Agency',
    data: 'Data',
    purposes: 'Purposes',
    validity: 'Valid',
    validRange: (from, to) => `from ${from} to ${to}`,
    limits: 'Use limits',
    noLimit: (used) => `No limit (used ${used} time${used === 1 ? '' : 's'})`,
    maxUses: (used, max) => `Used ${used} of at most ${max} times`,
    perPeriod: (n, period) => `At most ${n} per ${period}`,
    notice: 'The notice you read when you agreed',
    noticeText: (version, language) => `version ${version}, language ${language}`,
    signature: 'Signature of the terms',
    signed: 'Signed: the terms are as you agreed to them',
    status: 'Status',
    history: 'History',
    id: 'Id',
  },
  consentStatus: { ACTIVE: 'Active', PAUSED: 'Paused', REVOKED: 'Withdrawn', EXPIRED: 'Expired' },
  change: { PAUSED: 'Pause', RESUMED: 'Resume', REVOKED: 'Withdraw' },
  event: { GRANTED: 'Given', PAUSED: 'Paused', RESUMED: 'Resumed', REVOKED: 'Withdrawn', EXPIRED: 'Expired' },
  effect: {
    PAUSED:
      'While paused, this agency cannot look up your data under this consent until you resume it. Requests already sent but not yet answered are refused too.',
    RESUMED: 'Once resumed, this agency can again look up your data under the terms you agreed to, until they expire.',
    REVOKED:
      'Withdrawing is final: this agency can no longer look up your data under this consent, including requests already sent but not yet answered. Earlier lookups stay in the log. To allow it again you would give a new consent.',
  },
  confirm: { title: (action) => `${action} a consent`, yes: (action) => `Confirm: ${action}`, cancel: 'Go back, change nothing' },
  changed: { PAUSED: 'The consent is paused.', RESUMED: 'The consent is active again.', REVOKED: 'The consent is withdrawn.' },
  purpose: {},
  category: {
    identifier: 'Identification number',
    identity: 'Name and date of birth',
    demographic: 'Demographic details',
    'civil-status': 'Civil status',
    residence: 'Residence',
    household: 'Household',
    land: 'Land',
    employment: 'Employment',
    'social-insurance': 'Social insurance',
    'health-insurance': 'Health insurance',
    financial: 'Financial',
    business: 'Business',
  },
};

export const MESSAGES: Readonly<Record<Lang, Messages>> = { vi, en };

/** A date and time as people read it, in Vietnam's time zone. */
export function when(m: Messages, iso: string, withTime = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(m.locale, { dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: 'Asia/Ho_Chi_Minh' }).format(d);
}
