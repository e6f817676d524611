/**
 * The wire protocol between agencies and ndx: LookupRequest in, LookupReply out.
 * These zod schemas are the single source of truth; the JSON Schemas published to agencies are
 * generated from them (`z.toJSONSchema`), never written by hand.
 */
import * as z from 'zod';

/** Largest LookupRequest body ndx accepts, in bytes (UTF-8). Far below SQS's 1 MiB on purpose. */
export const MAX_REQUEST_BYTES = 16 * 1024;

export const STATUSES = ['OK', 'NOT_FOUND', 'DENIED', 'INVALID', 'ERROR', 'DUPLICATE'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * Stable error codes, grouped by the status they come with. Extend, never rename: agencies
 * branch on these strings.
 */
export const CODES = {
  OK: ['OK'],
  /** PERIOD_NOT_AVAILABLE: an indicator (contracts/indicators/) has no aggregate for the period asked. */
  NOT_FOUND: ['SUBJECT_NOT_FOUND', 'PERIOD_NOT_AVAILABLE'],
  INVALID: ['MALFORMED_MESSAGE', 'SCHEMA_VIOLATION', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_CONTRACT', 'UNKNOWN_VERSION', 'REQUEST_ID_REUSED'],
  DENIED: [
    'NOT_A_CONSUMER',
    'CONTRACT_NOT_ACTIVE',
    'VERSION_RETIRED',
    'PURPOSE_NOT_ALLOWED',
    'CONSENT_REQUIRED',
    'CONSENT_REVOKED',
    'CONSENT_EXPIRED',
    'CONSENT_PAUSED',
    'CONSENT_LIMIT_REACHED',
    'RATE_LIMITED',
  ],
  ERROR: ['REGISTRY_UNAVAILABLE', 'INTERNAL'],
  /** A resend of a request already answered, when its first reply is not sent again: the reply points at it (`original`). */
  DUPLICATE: ['ALREADY_ANSWERED'],
} as const satisfies Record<Status, readonly string[]>;

export type Code = (typeof CODES)[Status][number];
export const ALL_CODES: readonly Code[] = Object.values(CODES).flat();

/** The status a code belongs to. */
export function statusOf(code: Code): Status {
  for (const status of STATUSES) {
    if ((CODES[status] as readonly string[]).includes(code)) return status;
  }
  throw new Error(`unknown code ${code}`);
}

/** Contract ids look like `population.identity-verification`. */
export const ContractId = z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'a contract id such as population.identity-verification');

/** A request pins a major (`"1"`) or an exact version (`"1.2.0"`). */
export const VersionPin = z
  .string()
  .regex(/^(0|[1-9]\d{0,3})(\.(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4}))?$/, 'a major such as "1" or an exact version such as "1.2.0"');

export const PurposeCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'an upper-case purpose code');

/**
 * Whether a free-text reference looks like it carries a personal identifier: a run of 9 or more digits
 * (national ID 12, ID card 9, social insurance and tax codes 10, phone numbers 10-11) or an e-mail
 * address (spaces inside a run do not hide it). `onBehalfOf` is stored in the audit trail, which keeps no personal identifier in clear.
 */
export function carriesPersonalIdentifier(text: string): boolean {
  return /\d{9,}/.test(text.replace(/\s/g, '')) || /[^\s@]+@[^\s@]+\.[^\s@]+/.test(text);
}

/** No list contract pages more than this many items at once (each contract sets its own, lower, maximum). */
export const MAX_PAGE_SIZE = 100;

/**
 * A continuation token, as ndx issues it in a list reply's `data.nextPageToken`: opaque to agencies
 * (encrypted and authenticated), bound to the subject and the contract major, valid for 24 hours.
 */
export const PageToken = z
  .string()
  .max(1024)
  .regex(/^p1\.[A-Za-z0-9_-]{1,900}\.[A-Za-z0-9_-]{22}$/, 'a nextPageToken exactly as ndx returned it')
  .describe('Opaque continuation token from the previous page’s data.nextPageToken.');

/** Which page of a list contract's answer is wanted. */
export const PageRequest = z
  .strictObject({
    size: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe('Items per page (the contract’s default when absent; at most its maximum).'),
    token: PageToken.optional(),
  })
  .describe('For list contracts only: page size and the continuation token of the previous page.');
export type PageRequest = z.infer<typeof PageRequest>;

export const LookupRequest = z
  .strictObject({
    requestId: z
      .uuid()
      .describe(
        'Chosen by the caller, new for every lookup. A resend of the same request is sent the first reply again when the registry answered it and still gives that very reply, or else answered ALREADY_ANSWERED (pointing at the first reply); if it was never answered, it is carried through; a different request under a used id is REQUEST_ID_REUSED.',
      ),
    contract: ContractId,
    version: VersionPin.default('1').describe('The major the caller is pinned to, or an exact version.'),
    purpose: PurposeCode,
    subject: z
      .record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,31}$/), z.string().max(64))
      .refine((s) => Object.keys(s).length > 0 && Object.keys(s).length <= 4, 'one to four subject keys')
      .describe('The key the contract looks up by, e.g. { "nationalId": "001203004567" }.'),
    consentId: z.string().min(1).max(64).optional().describe('Required when the purpose rests on the citizen’s consent.'),
    page: PageRequest.optional(),
    onBehalfOf: z
      .string()
      .min(1)
      .max(128)
      .refine((s) => !carriesPersonalIdentifier(s), 'an officer or case reference, not a personal identifier (no run of 9 or more digits, no e-mail address)')
      .optional()
      .describe('The officer or case reference the lookup is made for (never a citizen’s identifier); kept in the audit trail.'),
  })
  .describe('LookupRequest: sent by an agency to its queue ndx-agency-<agencyId>-out.');
export type LookupRequest = z.infer<typeof LookupRequest>;
export type LookupRequestInput = z.input<typeof LookupRequest>;

export const Provenance = z.strictObject({
  registry: z.string(),
  asOf: z.iso.datetime().describe('When the registry record was last updated.'),
  auditId: z.string().describe('The audit record of this access.'),
  digest: z.string().describe('sha256 of the canonical JSON of `data`, hex.'),
});

/** What a reply to a resend says of the first reply to the same request: how and when it was answered. */
export const ReplyPointer = z
  .strictObject({
    status: z.enum(STATUSES),
    code: z.enum(ALL_CODES as [Code, ...Code[]]),
    auditId: z.string().describe('The audit record of the first answer.'),
    repliedAt: z.iso.datetime().describe('When the first reply was sent.'),
    digest: z.string().describe('sha256 (hex) of the canonical JSON (keys sorted, no whitespace) of the first reply.'),
  })
  .describe('The first reply to this requestId (ALREADY_ANSWERED only).');
export type ReplyPointer = z.infer<typeof ReplyPointer>;

export const Basis = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('legal'), id: z.string(), instrument: z.string(), article: z.string() }),
  z.strictObject({ kind: z.literal('consent'), consentId: z.string() }),
]);
export type Basis = z.infer<typeof Basis>;

export const Notice = z.strictObject({
  kind: z.literal('DEPRECATED'),
  sunset: z.iso.date(),
  message: z.string(),
});
export type Notice = z.infer<typeof Notice>;

/** Where and which rule a request broke: a position and a fixed text, never what the caller sent. */
export const Issue = z.strictObject({ path: z.string(), message: z.string() });

export const LookupReply = z
  .strictObject({
    requestId: z.uuid().nullable().describe('null only when the request could not be read.'),
    receivedMessageId: z.string().optional().describe('The SQS message id of what was received, so unreadable requests can be correlated.'),
    status: z.enum(STATUSES),
    code: z.enum(ALL_CODES as [Code, ...Code[]]),
    message: z.string().describe('Human readable; never contains personal data.'),
    contract: z.string().optional(),
    version: z.string().optional().describe('The exact version that answered.'),
    purpose: z.string().optional(),
    basis: Basis.optional(),
    data: z.record(z.string(), z.unknown()).optional().describe('Only the fields of that contract version; present with OK.'),
    provenance: Provenance.optional(),
    notice: Notice.optional(),
    original: ReplyPointer.optional(),
    issues: z.array(Issue).optional().describe('What was wrong with an INVALID request (paths and rules, never values).'),
    repliedAt: z.iso.datetime(),
  })
  .describe('LookupReply: delivered to the caller on ndx-agency-<agencyId>-in.');
export type LookupReply = z.infer<typeof LookupReply>;
