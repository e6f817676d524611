/**
 * The adapter's own check of a forwarded lookup, before it reads anything: is this a lookup the router
 * could have admitted? Pure. The MAC (forwarded.ts) proves the router wrote the message; this proves
 * the contract side still holds for it, so neither a forged nor a mistaken forward releases data.
 */
import type { z } from 'zod';
import { legalBasisFor, type ContractDefinition, type VersionDefinition } from '../../contracts/model.ts';
import type { ForwardedLookup, SecurityReason } from './forwarded.ts';
import { checkPage } from './page-rules.ts';

export interface ForwardCheckContext {
  registryId: string;
  findContract: (id: string) => ContractDefinition | undefined;
  /** The keyed subject hash, as the router computes it. */
  hashSubject: (subject: Readonly<Record<string, string>>) => string;
}

export type ForwardCheck = { ok: true; contract: ContractDefinition; version: VersionDefinition } | { ok: false; reason: SecurityReason };

export function checkForwarded(lookup: ForwardedLookup, ctx: ForwardCheckContext): ForwardCheck {
  const { request } = lookup;
  const contract = ctx.findContract(request.contract);
  if (!contract) return { ok: false, reason: 'UNKNOWN_VERSION' };
  if (contract.provider !== ctx.registryId) return { ok: false, reason: 'WRONG_REGISTRY' };
  const version = contract.versions.find((v) => v.version === lookup.version);
  if (!version) return { ok: false, reason: 'UNKNOWN_VERSION' };
  if (!version.consumers.includes(lookup.consumer)) return { ok: false, reason: 'NOT_A_CONSUMER' };
  if (!version.purposes.some((p) => p.code === request.purpose)) return { ok: false, reason: 'PURPOSE_NOT_ALLOWED' };
  if (!basisHolds(lookup, version)) return { ok: false, reason: 'BASIS_MISMATCH' };
  const subject = version.subject.safeParse(request.subject) as z.ZodSafeParseResult<Record<string, string>>;
  if (!subject.success) return { ok: false, reason: 'SUBJECT_INVALID' };
  if (ctx.hashSubject(subject.data) !== lookup.subjectHash) return { ok: false, reason: 'SUBJECT_HASH_MISMATCH' };
  if (checkPage(request, version)) return { ok: false, reason: 'PAGE_INVALID' };
  return { ok: true, contract, version };
}

/** The basis is the one the router must have chosen: the legal basis covering this consumer and purpose, else the request's consent. */
function basisHolds(lookup: ForwardedLookup, version: VersionDefinition): boolean {
  const legal = legalBasisFor(version, lookup.consumer, lookup.request.purpose);
  const basis = lookup.basis;
  if (legal) return basis.kind === 'legal' && basis.id === legal.id && basis.instrument === legal.instrument && basis.article === legal.article;
  return basis.kind === 'consent' && basis.consentId === lookup.request.consentId && lookup.consentTermsDigest !== undefined;
}
