/**
 * A consent grant as a front door asks for it (the portal, `ndx consent grant`), turned into signed
 * terms by the rules: the contract and major exist and answer, the agency is a consumer, the purposes
 * are the version's, the subject is exactly the version's subject with valid identifiers, the
 * validity lies ahead (one year by default), and the categories are those the version releases.
 */
import { canonicalJson, sha256Hex } from '../../contracts/canonical.ts';
import { findContract } from '../../contracts/catalog.ts';
import type { ContractDefinition } from '../../contracts/model.ts';
import type { Actor } from '../actor.ts';
import type { LifecycleSource } from '../contracts/catalog.ts';
import type { SubjectHasher } from '../subject-hash.ts';
import { subjectFor, type Subject } from '../subject.ts';
import type { ConsentRecord, UseLimits } from './consent.ts';
import { consentScope, ConsentTermsError, parseContractRef, type ConsentScope, type GrantInput } from './service.ts';

const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface GrantRequest {
  subject: Subject;
  consumer: string;
  /** `id` or `id@major`; the major defaults to the newest with an active version. */
  contract: string;
  purposes: string[];
  validFrom?: Date;
  validUntil?: Date;
  limits?: UseLimits;
  /** The notice shown to the citizen; uri and hash default to the portal's notice for the contract. */
  notice: { uri?: string; version: string; language: string; hash?: string };
  collection: ConsentRecord['collection'];
  by: Actor;
  consentId?: string;
  replaces?: string;
}

export interface GrantPorts {
  contracts: LifecycleSource;
  hashSubject: SubjectHasher;
  find?: (id: string) => ContractDefinition | undefined;
}

/** The terms of a grant and its scope (which purposes a legal basis already covers), or a ConsentTermsError saying what is wrong. */
export async function termsOf(request: GrantRequest, ports: GrantPorts, now: Date): Promise<{ input: GrantInput; scope: ConsentScope }> {
  const { id, major } = parseContractRef(request.contract);
  const definition = (ports.find ?? findContract)(id);
  if (!definition) throw new ConsentTermsError(`no contract "${id}"; \`ndx contract list\` shows the catalogue`);
  const { contract } = await ports.contracts.contract(definition);
  const scope = consentScope(contract, major, request.consumer, request.purposes);
  const subject = subjectFor(scope.version, id, request.subject);
  const validFrom = request.validFrom ?? now;
  const validUntil = request.validUntil ?? new Date(validFrom.getTime() + YEAR_MS);
  if (validUntil.getTime() <= now.getTime()) throw new ConsentTermsError('the consent ends in the past; it must be valid for some time to come');
  if (validUntil.getTime() <= validFrom.getTime()) throw new ConsentTermsError('the consent ends before it starts');
  const uri = request.notice.uri ?? `https://dichvucong.gov.vn/consent/${id}`;
  const hash = request.notice.hash ?? `sha256:${sha256Hex(canonicalJson({ uri, version: request.notice.version, language: request.notice.language }))}`;
  return {
    scope,
    input: {
      subjectHash: ports.hashSubject(subject),
      consumer: request.consumer,
      contract: id,
      major: scope.major,
      purposes: request.purposes,
      categories: scope.categories,
      validFrom,
      validUntil,
      ...(request.limits ? { limits: request.limits } : {}),
      notice: { uri, version: request.notice.version, hash, language: request.notice.language },
      collection: request.collection,
      by: request.by,
      ...(request.consentId ? { consentId: request.consentId } : {}),
      ...(request.replaces ? { replaces: request.replaces } : {}),
    },
  };
}
