/**
 * Consent records and the pure check of a lookup against one (PDPL 91/2025/QH15: specific to a
 * purpose, recorded verifiably, withdrawable). Shaped after ISO/IEC TS 27560 consent records.
 */
import { z } from 'zod';
import type { Code } from '../../contracts/protocol.ts';

export const CONSENT_STATUSES = ['ACTIVE', 'PAUSED', 'REVOKED', 'EXPIRED'] as const;

export const ConsentEvent = z.strictObject({
  at: z.iso.datetime(),
  type: z.enum(['GRANTED', 'PAUSED', 'RESUMED', 'REVOKED']),
  by: z.string(),
  reason: z.string().optional(),
});

export const ConsentRecord = z.strictObject({
  consentId: z.string(),
  subjectHash: z.string(),
  consumer: z.string(),
  contract: z.string(),
  major: z.number().int().nonnegative(),
  purposes: z.array(z.string()).min(1),
  categories: z.array(z.string()),
  validFrom: z.iso.datetime(),
  validUntil: z.iso.datetime(),
  notice: z.strictObject({ uri: z.string(), version: z.string(), hash: z.string(), language: z.string() }),
  collection: z.strictObject({ method: z.string(), evidence: z.string() }),
  status: z.enum(CONSENT_STATUSES),
  grantedAt: z.iso.datetime(),
  events: z.array(ConsentEvent),
});
export type ConsentRecord = z.infer<typeof ConsentRecord>;

export interface ConsentQuestion {
  subjectHash: string;
  consumer: string;
  contract: string;
  major: number;
  purpose: string;
  categories: readonly string[];
  now: Date;
}

export type ConsentDenial = Extract<Code, 'CONSENT_REQUIRED' | 'CONSENT_REVOKED' | 'CONSENT_EXPIRED' | 'CONSENT_PAUSED' | 'PURPOSE_NOT_ALLOWED'>;

/**
 * Undefined when the consent covers the lookup, else the denial code. A consent that belongs to
 * another subject, agency or contract is answered as missing, so its state is never revealed.
 */
export function checkConsent(consent: ConsentRecord | undefined, q: ConsentQuestion): ConsentDenial | undefined {
  if (!consent) return 'CONSENT_REQUIRED';
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
