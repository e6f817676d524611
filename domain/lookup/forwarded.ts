/**
 * What the router forwards to a registry's inbound queue once a lookup is admitted: the request,
 * who sent it (from the queue it arrived on, not from anything the sender wrote), the exact contract
 * version, the basis the router accepted, and a MAC over all of it.
 *
 * Zero trust between stages: the adapter answers only a forwarded lookup whose MAC verifies with the
 * forwarding key (HMAC-SHA256 over the canonical JSON of everything but the MAC; see forwarding-key.ts),
 * then re-checks the contract side itself (forward-check.ts). A message that any other principal put on
 * a registry queue, or one altered on the way, is never answered.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { Basis, LookupRequest, Notice } from '../../contracts/protocol.ts';
import { canonicalJson } from '../../contracts/canonical.ts';
import { ReplyRoute } from './mailbox.ts';

/** What the router decided for a lookup, apart from the request itself: no personal data (the subject only as its keyed hash). */
export const ForwardTerms = z.strictObject({
  version: z.string(),
  basis: Basis,
  subjectHash: z.string(),
  /** Keyed digest of the canonical request: a resend must carry the same request (see resend.ts). */
  requestDigest: z.string(),
  /** For a consent basis: the digest of the consent terms whose signature the router verified. */
  consentTermsDigest: z.string().optional(),
  notice: Notice.optional(),
});
export type ForwardTerms = z.infer<typeof ForwardTerms>;

export const ForwardedLookup = z.strictObject({
  kind: z.literal('ndx.forwarded-lookup.v1'),
  consumer: z.string(),
  request: LookupRequest,
  ...ForwardTerms.shape,
  receivedMessageId: z.string(),
  receivedAt: z.iso.datetime(),
  /** Where the reply goes when not to the agency's in-queue: a caller waiting over HTTP (mailbox.ts). Under the MAC like the rest. */
  replyTo: ReplyRoute.optional(),
});
export type ForwardedLookup = z.infer<typeof ForwardedLookup>;

export const Mac = z.strictObject({
  /** Which version of the forwarding key signed (a Secrets Manager VersionId; `local` for local runs). */
  keyVersion: z.string().min(1).max(64),
  value: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Mac = z.infer<typeof Mac>;

export const SignedForwardedLookup = z.strictObject({ ...ForwardedLookup.shape, mac: Mac });
export type SignedForwardedLookup = z.infer<typeof SignedForwardedLookup>;

/** Why a message on a registry queue was refused (a security event; stable codes for operators). */
export const SECURITY_REASONS = [
  'NOT_A_FORWARDED_LOOKUP',
  'UNKNOWN_KEY',
  'BAD_MAC',
  'WRONG_REGISTRY',
  'UNKNOWN_VERSION',
  'NOT_A_CONSUMER',
  'PURPOSE_NOT_ALLOWED',
  'BASIS_MISMATCH',
  'SUBJECT_INVALID',
  'SUBJECT_HASH_MISMATCH',
  'PAGE_INVALID',
] as const;
export type SecurityReason = (typeof SECURITY_REASONS)[number];

export interface ForwardingKey {
  version: string;
  secret: string;
}

const DOMAIN = 'ndx.forwarded-lookup.v1\n';

function macOf(lookup: ForwardedLookup, secret: string): string {
  return createHmac('sha256', secret).update(DOMAIN).update(canonicalJson(lookup)).digest('hex');
}

export function signForwarded(lookup: ForwardedLookup, key: ForwardingKey): SignedForwardedLookup {
  return { ...lookup, mac: { keyVersion: key.version, value: macOf(lookup, key.secret) } };
}

/** The lookup without its MAC, if the MAC is the key's over exactly this content. */
export function verifyForwarded(signed: SignedForwardedLookup, key: ForwardingKey): ForwardedLookup | undefined {
  const { mac, ...lookup } = signed;
  if (mac.keyVersion !== key.version) return undefined;
  const expected = Buffer.from(macOf(lookup, key.secret), 'hex');
  const given = Buffer.from(mac.value, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given) ? lookup : undefined;
}
