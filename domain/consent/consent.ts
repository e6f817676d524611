/**
 * Consent records and the pure check of a lookup against one (PDPL 91/2025/QH15: voluntary,
 * informed, specific to a purpose, recorded in a verifiable form, withdrawable). Shaped after
 * ISO/IEC TS 27560 consent records and India's Account Aggregator consent artefact.
 *
 * A record has two parts. The **terms** (who, for whom, which contract major, purposes, data
 * categories, validity, use limits, the notice shown and how consent was collected) are written once
 * and signed by the platform: HMAC-SHA256 over their canonical JSON with a key derived from the
 * platform's secret pepper. Changing terms means a new consent. The **state** (status, the events
 * that changed it, use counters) changes over time and is not signed; every change of status is
 * also written to the audit chain.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { Code } from '../../contracts/protocol.ts';
import { canonicalJson, sha256Hex } from '../../contracts/canonical.ts';

export const CONSENT_STATUSES = ['ACTIVE', 'PAUSED', 'REVOKED', 'EXPIRED'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const ConsentEvent = z.strictObject({
  at: z.iso.datetime(),
  type: z.enum(['GRANTED', 'PAUSED', 'RESUMED', 'REVOKED']),
  by: z.string(),
  reason: z.string().optional(),
});
export type ConsentEvent = z.infer<typeof ConsentEvent>;

export const USE_PERIODS = ['day', 'week', 'month'] as const;
export type UsePeriod = (typeof USE_PERIODS)[number];

/** Optional use limits: a total count, and/or a frequency (at most `uses` per calendar period, UTC). */
export const UseLimits = z
  .strictObject({
    maxUses: z.number().int().positive().optional(),
    perPeriod: z.strictObject({ uses: z.number().int().positive(), period: z.enum(USE_PERIODS) }).optional(),
  })
  .refine((l) => l.maxUses !== undefined || l.perPeriod !== undefined, 'a use limit needs maxUses or perPeriod');
export type UseLimits = z.infer<typeof UseLimits>;

export const Notice = z.strictObject({
  /** Where the notice the citizen was shown is published. */
  uri: z.string().min(1),
  version: z.string().min(1),
  /** Digest of the notice text, e.g. `sha256:<hex>`. */
  hash: z.string().min(1),
  language: z.string().min(2),
});

export const Collection = z.strictObject({
  /** How consent was given, e.g. `public-service-portal`, `counter-signed-form`. */
  method: z.string().min(1),
  /** What proves it, e.g. the portal's case number. */
  evidence: z.string().min(1),
});

/** The immutable, signed part of a consent record. */
export const TERMS_SHAPE = {
  consentId: z.string().min(1).max(64),
  subjectHash: z.string(),
  consumer: z.string(),
  contract: z.string(),
  major: z.number().int().nonnegative(),
  purposes: z.array(z.string()).min(1),
  categories: z.array(z.string()),
  validFrom: z.iso.datetime(),
  validUntil: z.iso.datetime(),
  limits: UseLimits.optional(),
  notice: Notice,
  collection: Collection,
  grantedAt: z.iso.datetime(),
  /** The consent this one replaces (changed terms are a new consent). */
  replaces: z.string().optional(),
};
export const ConsentTerms = z.strictObject(TERMS_SHAPE);
export type ConsentTerms = z.infer<typeof ConsentTerms>;

export const ConsentSignature = z.strictObject({
  alg: z.literal('HMAC-SHA256'),
  /** Which platform key signed: lets the key be rotated while old signatures still verify. */
  kid: z.string(),
  value: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ConsentSignature = z.infer<typeof ConsentSignature>;

export const ConsentRecord = z.strictObject({
  ...TERMS_SHAPE,
  signature: ConsentSignature.optional(),
  status: z.enum(CONSENT_STATUSES),
  events: z.array(ConsentEvent),
  /** Use counters (state, not terms): total uses, uses in the current period, the last request counted. */
  useCount: z.number().int().nonnegative().optional(),
  periodKey: z.string().optional(),
  periodCount: z.number().int().nonnegative().optional(),
  lastUse: z.string().optional(),
});
export type ConsentRecord = z.infer<typeof ConsentRecord>;

/** The key id of signatures made with the pepper-derived key below. */
export const CONSENT_KEY_ID = 'pepper-hmac-v1';

/**
 * The platform's consent-signing key, derived from the subject pepper (a separate purpose, so a
 * signature never doubles as a subject hash): HMAC-SHA256(pepper, "ndx/consent-signature/v1").
 */
export function consentSigningKey(pepper: string): Buffer {
  return createHmac('sha256', pepper).update('ndx/consent-signature/v1').digest();
}

/** The terms of a record, and only those: what is signed. */
export function consentTerms(record: ConsentTerms | ConsentRecord): ConsentTerms {
  const terms: Record<string, unknown> = {};
  for (const key of Object.keys(TERMS_SHAPE)) {
    const v = (record as Record<string, unknown>)[key];
    if (v !== undefined) terms[key] = v;
  }
  return terms as ConsentTerms;
}

/** sha256 of the canonical JSON of the terms (the adapter compares it with what the router verified). */
export function consentTermsDigest(record: ConsentTerms | ConsentRecord): string {
  return sha256Hex(canonicalJson(consentTerms(record)));
}

export function signConsent(terms: ConsentTerms, key: Buffer): ConsentSignature {
  const value = createHmac('sha256', key)
    .update(canonicalJson(consentTerms(terms)))
    .digest('hex');
  return { alg: 'HMAC-SHA256', kid: CONSENT_KEY_ID, value };
}

/** True when the record carries the platform's signature over exactly its terms. */
export function verifyConsentSignature(record: ConsentRecord, key: Buffer): boolean {
  const sig = record.signature;
  if (sig?.alg !== 'HMAC-SHA256' || sig.kid !== CONSENT_KEY_ID || !/^[0-9a-f]{64}$/.test(sig.value)) return false;
  const expected = Buffer.from(signConsent(consentTerms(record), key).value, 'hex');
  return timingSafeEqual(expected, Buffer.from(sig.value, 'hex'));
}

/** The status as of `now`: a consent past its validity window is EXPIRED, whatever was stored. */
export function effectiveStatus(record: ConsentRecord, now: Date): ConsentStatus {
  if (record.status === 'ACTIVE' || record.status === 'PAUSED') {
    if (now.getTime() >= Date.parse(record.validUntil)) return 'EXPIRED';
  }
  return record.status;
}

/** The calendar period (UTC) a use at `now` counts in. */
export function periodKeyOf(period: UsePeriod, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  // ISO weeks start on Monday: the key is that Monday's date.
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return `week-of-${monday.toISOString().slice(0, 10)}`;
}

export interface ConsentQuestion {
  subjectHash: string;
  consumer: string;
  contract: string;
  major: number;
  purpose: string;
  categories: readonly string[];
  now: Date;
  /**
   * Are the record's terms the ones the platform signed? The router verifies the signature; the
   * adapter (which holds no key) compares the terms' digest with the one the router verified.
   */
  authentic: (consent: ConsentRecord) => boolean;
}

export type ConsentDenial = Extract<
  Code,
  'CONSENT_REQUIRED' | 'CONSENT_REVOKED' | 'CONSENT_EXPIRED' | 'CONSENT_PAUSED' | 'CONSENT_LIMIT_REACHED' | 'PURPOSE_NOT_ALLOWED'
>;

/**
 * Undefined when the consent covers the lookup, else the denial code. The order: a record must
 * exist and carry authentic terms, and belong to this subject, agency and contract major (else
 * CONSENT_REQUIRED, so a consent that belongs to someone else never reveals its state); then status
 * (REVOKED, PAUSED), then the validity window (EXPIRED past it; REQUIRED before it), then purpose and
 * data categories. Use limits are counted after this check, atomically, by the consent store.
 */
export function checkConsent(consent: ConsentRecord | undefined, q: ConsentQuestion): ConsentDenial | undefined {
  if (!consent) return 'CONSENT_REQUIRED';
  if (!q.authentic(consent)) return 'CONSENT_REQUIRED';
  if (consent.subjectHash !== q.subjectHash || consent.consumer !== q.consumer || consent.contract !== q.contract || consent.major !== q.major) {
    return 'CONSENT_REQUIRED';
  }
  if (consent.status === 'REVOKED') return 'CONSENT_REVOKED';
  if (consent.status === 'PAUSED') return 'CONSENT_PAUSED';
  const now = q.now.getTime();
  if (consent.status === 'EXPIRED' || now >= Date.parse(consent.validUntil)) return 'CONSENT_EXPIRED';
  if (now < Date.parse(consent.validFrom)) return 'CONSENT_REQUIRED';
  if (!consent.purposes.includes(q.purpose)) return 'PURPOSE_NOT_ALLOWED';
  if (!q.categories.every((c) => consent.categories.includes(c))) return 'CONSENT_REQUIRED';
  return undefined;
}
