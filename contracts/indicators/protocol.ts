/**
 * The wire protocol of indicator requests: an agency asks for an indicator for one period, on its
 * out-queue (beside its lookups; `kind: "indicator"` tells them apart) or over HTTP
 * (`POST /v1/indicators`), and gets one IndicatorReply. No subject: nothing about a person is asked or
 * answered; the reply carries counts only, withheld cells without a number.
 */
import * as z from 'zod';
import { Basis, carriesPersonalIdentifier, ContractId, Issue, Notice, PurposeCode, ReplyPointer, STATUSES, VersionPin, type Code } from '../protocol.ts';
import { OFFICIAL_STATISTICS } from './model.ts';

export const INDICATOR_FORMATS = ['sdmx-json', 'csv'] as const;

/** The codes an indicator reply may carry: those of lookups that apply, and PERIOD_NOT_AVAILABLE (NOT_FOUND: no aggregate for the period). */
export const INDICATOR_CODES = [
  'OK',
  'PERIOD_NOT_AVAILABLE',
  'MALFORMED_MESSAGE',
  'SCHEMA_VIOLATION',
  'PAYLOAD_TOO_LARGE',
  'UNKNOWN_CONTRACT',
  'UNKNOWN_VERSION',
  'REQUEST_ID_REUSED',
  'NOT_A_CONSUMER',
  'CONTRACT_NOT_ACTIVE',
  'VERSION_RETIRED',
  'PURPOSE_NOT_ALLOWED',
  'RATE_LIMITED',
  'INTERNAL',
  'ALREADY_ANSWERED',
] as const satisfies readonly Code[];
export type IndicatorCode = (typeof INDICATOR_CODES)[number];

/**
 * Built on first use (`z.lazy`): a router or front door that is never sent an indicator request does not build
 * this schema, nor the reply's, as it loads (a cold start's worth of zod work; see README, Cold start).
 */
export const IndicatorRequest = z.lazy(() =>
  z
    .strictObject({
      kind: z.literal('indicator').describe('An indicator request, not a lookup.'),
      requestId: z.uuid().describe('New for every request (resend protocol as lookups).'),
      indicator: ContractId.describe('e.g. population.living-population'),
      version: VersionPin.default('1').describe('A major or an exact version.'),
      purpose: PurposeCode.default(OFFICIAL_STATISTICS.code),
      period: z
        .string()
        .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'a period: YYYY-MM (monthly) or YYYY (annual)')
        .describe('YYYY-MM or YYYY'),
      format: z.enum(INDICATOR_FORMATS).default('sdmx-json').describe('sdmx-json (data) or csv (csv)'),
      onBehalfOf: z
        .string()
        .min(1)
        .max(128)
        .refine((s) => !carriesPersonalIdentifier(s), 'not a personal identifier')
        .optional()
        .describe('Officer or report reference (audited).'),
    })
    .describe('IndicatorRequest: on ndx-agency-<agencyId>-out or POST /v1/indicators.'),
);
export type IndicatorRequest = z.infer<typeof IndicatorRequest>;
export type IndicatorRequestInput = z.input<typeof IndicatorRequest>;

export const ReleaseSummary = z.strictObject({
  cells: z.number().int().describe('Observations, totals included.'),
  published: z.number().int(),
  primary: z.number().int().describe('Withheld: small counts, dominance.'),
  secondary: z.number().int().describe('Withheld to protect those.'),
});

/** Built on first use, as IndicatorRequest. */
export const IndicatorReply = z.lazy(() =>
  z
    .strictObject({
      kind: z.literal('indicator'),
      requestId: z.uuid().nullable(),
      status: z.enum(STATUSES),
      code: z.enum(INDICATOR_CODES),
      message: z.string(),
      indicator: z.string().optional(),
      version: z.string().optional().describe('The exact version that answered.'),
      purpose: z.string().optional(),
      period: z.string().optional(),
      basis: Basis.optional(),
      format: z.enum(INDICATOR_FORMATS).optional(),
      data: z.record(z.string(), z.unknown()).optional().describe('An SDMX-JSON 2.1 data message.'),
      csv: z.string().optional().describe('The observations (RFC 4180).'),
      summary: ReleaseSummary.optional(),
      provenance: z
        .strictObject({
          registry: z.string(),
          computedAt: z.iso.datetime().describe('When the aggregate was computed.'),
          auditId: z.string(),
          digest: z.string().describe('sha256 of data (canonical JSON) or csv.'),
        })
        .optional(),
      notice: Notice.optional(),
      original: ReplyPointer.optional(),
      issues: z.array(Issue).optional(),
      repliedAt: z.iso.datetime(),
    })
    .describe('IndicatorReply: on ndx-agency-<agencyId>-in or from POST /v1/indicators.'),
);
export type IndicatorReply = z.infer<typeof IndicatorReply>;

/** Whether a message on an out-queue is an indicator request (a JSON object with `kind: "indicator"`), without reading it further. */
export function isIndicatorMessage(body: string): boolean {
  if (!body.includes('"indicator"')) return false;
  try {
    const json = JSON.parse(body) as unknown;
    return typeof json === 'object' && json !== null && !Array.isArray(json) && (json as { kind?: unknown }).kind === 'indicator';
  } catch {
    return false;
  }
}
