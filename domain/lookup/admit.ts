/**
 * The router's decision, as pure functions: may this agency make this lookup, and on what basis?
 * `admit` checks the contract side (contract, version, consumer, purpose, subject, legal basis);
 * when the lookup rests on consent, the handler loads the consent and `checkConsent` decides.
 */
import type { z } from 'zod';
import { legalBasisFor, majorOf, releasedCategories, resolveVersion, type Contract, type ContractVersion } from '../../contracts/model.ts';
import type { Basis, Code, LookupRequest, Notice } from '../../contracts/protocol.ts';
import { fixedMessages, toIssues, type Issue } from './envelope.ts';
import { checkPage } from './page-rules.ts';

/** The basis an admitted lookup rests on: a law, or the citizen's consent (still to be checked against its record). */
export type AdmittedBasis =
  | { kind: 'legal'; basis: Extract<Basis, { kind: 'legal' }> }
  | { kind: 'consent'; consentId: string; major: number; categories: string[] };

export type Admission =
  | {
      ok: true;
      contract: Contract;
      version: ContractVersion;
      subject: Record<string, string>;
      basis: AdmittedBasis;
      notice?: Notice;
    }
  | { ok: false; code: Code; version?: string; issues?: Issue[] };

export function admit(request: LookupRequest, consumer: string, find: (id: string) => Contract | undefined): Admission {
  const contract = find(request.contract);
  if (!contract) return { ok: false, code: 'UNKNOWN_CONTRACT' };
  const resolved = resolveVersion(contract, request.version);
  if (!resolved.ok) return { ok: false, code: resolved.code };
  const version = resolved.version;
  const at = { version: version.version };
  if (!version.consumers.includes(consumer)) return { ok: false, code: 'NOT_A_CONSUMER', ...at };
  if (!version.purposes.some((p) => p.code === request.purpose)) return { ok: false, code: 'PURPOSE_NOT_ALLOWED', ...at };
  const subject = version.subject.safeParse(request.subject, { error: fixedMessages });
  if (!subject.success) {
    // Positions are taken within the request, so a subject key the contract does not define is `subject.#n`.
    const issues = toIssues(subject.error as z.ZodError, request.subject, version.subject);
    return { ok: false, code: 'SCHEMA_VIOLATION', issues: prefixed('subject', issues), ...at };
  }
  const pageIssue = checkPage(request, version);
  if (pageIssue) return { ok: false, code: 'SCHEMA_VIOLATION', issues: [pageIssue], ...at };
  const notice: Notice | undefined =
    version.status === 'deprecated' && version.sunset
      ? { kind: 'DEPRECATED', sunset: version.sunset, message: `${contract.id}@${version.version} is deprecated and stops answering on ${version.sunset}.` }
      : undefined;
  const basis = legalBasisFor(version, consumer, request.purpose);
  const common = { ok: true as const, contract, version, subject: subject.data as Record<string, string>, ...(notice ? { notice } : {}) };
  if (basis) {
    return { ...common, basis: { kind: 'legal', basis: { kind: 'legal', id: basis.id, instrument: basis.instrument, article: basis.article } } };
  }
  if (!request.consentId) return { ok: false, code: 'CONSENT_REQUIRED', ...at };
  return { ...common, basis: { kind: 'consent', consentId: request.consentId, major: majorOf(version.version), categories: releasedCategories(version) } };
}

function prefixed(root: string, issues: Issue[]): Issue[] {
  return issues.map((i) => ({ ...i, path: i.path === '(root)' ? root : `${root}.${i.path}` }));
}
