/**
 * What the router forwards to a registry's inbound queue once a lookup is admitted: the request,
 * who sent it (from the queue it arrived on, not from anything the sender wrote), the exact contract
 * version, and the basis the router accepted.
 */
import * as z from 'zod';
import { Basis, LookupRequest, Notice } from '../../contracts/protocol.ts';

export const ForwardedLookup = z.strictObject({
  kind: z.literal('ndx.forwarded-lookup.v1'),
  consumer: z.string(),
  request: LookupRequest,
  version: z.string(),
  basis: Basis,
  subjectHash: z.string(),
  /** For a consent basis: the digest of the consent terms whose signature the router verified. */
  consentTermsDigest: z.string().optional(),
  notice: Notice.optional(),
  receivedMessageId: z.string(),
  receivedAt: z.iso.datetime(),
});
export type ForwardedLookup = z.infer<typeof ForwardedLookup>;
