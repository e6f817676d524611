/**
 * The consent API for the portal side (and the `ndx consent` command): grant, pause, resume, revoke,
 * list and show, with every change written to the audit chain as a `consent-change` record.
 *
 * The consent store is the source of truth; the audit records follow it. Each event of a consent
 * has a fixed audit id (`consent/<id>/<n>`), and after every change the service appends the records
 * of all the consent's events: those already audited are skipped (appends are idempotent per audit
 * id), so a crash between the store write and the audit write is repaired by the next change, or
 * by `recordEvents` on demand.
 */
import { legalBasisFor, majorOf, releasedCategories, resolveVersion, type Contract, type ContractVersion } from '../../contracts/model.ts';
import { consentAuditId, type Appended, type AuditEvent } from '../audit/records.ts';
import type { ConsentRecord, UseLimits } from './consent.ts';
import { termsOf, type GrantPorts, type GrantRequest } from './grant.ts';

export interface ConsentScope {
  contract: Contract;
  version: ContractVersion;
  major: number;
  /** The personal-data categories the version releases: what the consent must cover. */
  categories: string[];
  /** Purposes that a legal basis already covers for this consumer (they need no consent). */
  coveredByLaw: string[];
}

/** `id` or `id@major` (e.g. population.residence@1). */
export function parseContractRef(ref: string): { id: string; major?: number } {
  const [id, pin, ...rest] = ref.split('@');
  if (!id || rest.length || (pin !== undefined && !/^\d+$/.test(pin))) {
    throw new ConsentTermsError(`--contract takes id or id@major, e.g. population.residence@1 (got "${ref}")`);
  }
  return pin === undefined ? { id } : { id, major: Number(pin) };
}

/**
 * What a consent for this contract (with its lifecycle state; `major` defaults to the newest major
 * with an active version), consumer and purposes covers, or a ConsentTermsError saying what is wrong.
 */
export function consentScope(contract: Contract, major: number | undefined, consumer: string, purposes: readonly string[]): ConsentScope {
  const id = contract.id;
  let m: number;
  if (major !== undefined) {
    m = major;
  } else {
    const newest = contract.versions
      .filter((v) => v.status === 'active')
      .map((v) => majorOf(v.version))
      .sort((a, b) => b - a)[0];
    if (newest === undefined) throw new ConsentTermsError(`${id} has no active version; name a major with ${id}@<major>`);
    m = newest;
  }
  const resolved = resolveVersion(contract, String(m));
  if (!resolved.ok) throw new ConsentTermsError(`${id}@${m} does not answer lookups (${resolved.code})`);
  const version = resolved.version;
  if (!version.consumers.includes(consumer)) {
    throw new ConsentTermsError(`${consumer} is not a consumer of ${id}@${version.version} (consumers: ${version.consumers.join(', ')})`);
  }
  if (purposes.length === 0) throw new ConsentTermsError('name at least one purpose');
  const allowed = version.purposes.map((p) => p.code);
  const unknown = purposes.filter((p) => !allowed.includes(p));
  if (unknown.length) throw new ConsentTermsError(`${id}@${version.version} allows no purpose ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return {
    contract,
    version,
    major: m,
    categories: releasedCategories(version),
    coveredByLaw: purposes.filter((p) => legalBasisFor(version, consumer, p)),
  };
}

export interface GrantInput {
  subjectHash: string;
  consumer: string;
  contract: string;
  major: number;
  purposes: string[];
  categories: string[];
  validFrom: Date;
  validUntil: Date;
  limits?: UseLimits;
  notice: ConsentRecord['notice'];
  collection: ConsentRecord['collection'];
  /** Who recorded the grant (the portal, an officer, the demo seed). */
  by: string;
  consentId?: string;
  replaces?: string;
}

export type ConsentChange = 'PAUSED' | 'RESUMED' | 'REVOKED';

export class ConsentNotFoundError extends Error {
  override readonly name = 'ConsentNotFoundError';
}

export class ConsentTransitionError extends Error {
  override readonly name = 'ConsentTransitionError';
}

export class ConsentTermsError extends Error {
  override readonly name = 'ConsentTermsError';
}

/** Where consents are kept (aws/consent-store.ts on DynamoDB). */
export interface ConsentRepository {
  get(consentId: string): Promise<ConsentRecord | undefined>;
  grant(input: GrantInput, now?: Date): Promise<ConsentRecord>;
  change(consentId: string, change: ConsentChange, by: string, reason?: string, now?: Date): Promise<ConsentRecord>;
  listBySubject(subjectHash: string): Promise<ConsentRecord[]>;
}

/** Where audit events are appended (aws/audit-log.ts). */
export interface AuditRecorder {
  record(event: AuditEvent, auditId: string, scope?: string): Promise<Appended>;
}

export class ConsentService {
  readonly store: ConsentRepository;
  readonly audit: AuditRecorder;
  private readonly grants: GrantPorts | undefined;

  /** `grants`: the contracts and the subject hasher that `grantFor` checks a request against. */
  constructor(deps: { store: ConsentRepository; audit: AuditRecorder; grants?: GrantPorts }) {
    this.store = deps.store;
    this.audit = deps.audit;
    this.grants = deps.grants;
  }

  /**
   * A grant as a front door asks for it: checked against the contract version (domain/consent/grant.ts:
   * consumer, purposes, subject schema, validity), then recorded and audited as `grant` does.
   */
  async grantFor(request: GrantRequest, now: Date = new Date()): Promise<{ record: ConsentRecord; scope: ConsentScope }> {
    if (!this.grants) throw new Error('ConsentService.grantFor needs the grants ports (contracts, subject hasher)');
    const { input, scope } = await termsOf(request, this.grants, now);
    return { record: await this.grant(input, now), scope };
  }

  /**
   * Records a new consent with signed terms and audits the grant. With `replaces`, the consent it
   * replaces (same subject, consumer and contract) is revoked once the new one is in place.
   */
  async grant(input: GrantInput, now: Date = new Date()): Promise<ConsentRecord> {
    let replaced: ConsentRecord | undefined;
    if (input.replaces) {
      replaced = await this.store.get(input.replaces);
      if (!replaced) throw new ConsentNotFoundError(`no consent ${input.replaces} to replace`);
      if (replaced.subjectHash !== input.subjectHash || replaced.consumer !== input.consumer || replaced.contract !== input.contract) {
        throw new ConsentTermsError(`${input.replaces} is a consent of another subject, agency or contract; it cannot be replaced by this one`);
      }
    }
    const record = await this.store.grant(input, now);
    await this.recordEvents(record);
    if (replaced && (replaced.status === 'ACTIVE' || replaced.status === 'PAUSED')) {
      await this.change(replaced.consentId, 'REVOKED', input.by, `replaced by ${record.consentId}`, now);
    }
    return record;
  }

  async change(consentId: string, change: ConsentChange, by: string, reason?: string, now: Date = new Date()): Promise<ConsentRecord> {
    const record = await this.store.change(consentId, change, by, reason, now);
    await this.recordEvents(record);
    return record;
  }

  pause(consentId: string, by: string, reason?: string): Promise<ConsentRecord> {
    return this.change(consentId, 'PAUSED', by, reason);
  }

  resume(consentId: string, by: string, reason?: string): Promise<ConsentRecord> {
    return this.change(consentId, 'RESUMED', by, reason);
  }

  revoke(consentId: string, by: string, reason?: string): Promise<ConsentRecord> {
    return this.change(consentId, 'REVOKED', by, reason);
  }

  async get(consentId: string): Promise<ConsentRecord> {
    const record = await this.store.get(consentId);
    if (!record) throw new ConsentNotFoundError(`no consent ${consentId}`);
    return record;
  }

  listBySubject(subjectHash: string): Promise<ConsentRecord[]> {
    return this.store.listBySubject(subjectHash);
  }

  /** Appends the audit record of every event of the consent that is not audited yet. */
  async recordEvents(record: ConsentRecord): Promise<number> {
    let appended = 0;
    for (const [i, event] of record.events.entries()) {
      const { created } = await this.audit.record(
        {
          kind: 'consent-change',
          at: event.at,
          consentId: record.consentId,
          change: event.type,
          by: event.by,
          ...(event.reason ? { reason: event.reason } : {}),
          subjectHash: record.subjectHash,
          consumer: record.consumer,
          contract: record.contract,
          major: record.major,
          purposes: record.purposes,
        },
        consentAuditId(record.consentId, i),
      );
      if (created) appended++;
    }
    return appended;
  }
}
