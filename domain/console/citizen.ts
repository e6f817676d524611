/**
 * The citizen's side of the console: "who looked at my data" and "my consents", always for the
 * signed-in citizen only. The subject is the session's, never a parameter: there is no URL or form
 * field that names another person. A consent id that is not the citizen's is answered exactly as one
 * that does not exist, so ids cannot be probed.
 */
import type { ContractDefinition, DataCategory } from '../../contracts/model.ts';
import type { CitizenTrail, TrailEntry } from '../audit/citizen-view.ts';
import { type ConsentRecord, type ConsentStatus, effectiveStatus } from '../consent/consent.ts';
import { type ConsentChange, ConsentNotFoundError, type ConsentRepository } from '../consent/service.ts';
import type { Principal } from './principal.ts';

export interface CitizenPorts {
  /** The citizen's trail (aws/audit-log.ts `trail`). */
  trail(subjectHash: string, now: Date): Promise<CitizenTrail>;
  consents: Pick<ConsentRepository, 'get' | 'listBySubject'>;
  /** Changes a consent and audits it (domain/consent/service.ts `change`). */
  change(consentId: string, change: ConsentChange, by: string, reason?: string): Promise<ConsentRecord>;
  findContract(id: string): ContractDefinition | undefined;
  agencyName(id: string): string | undefined;
  clock?: () => Date;
}

/** One access as the citizen reads it: names and descriptions instead of ids, fields with their data categories. */
export interface AccessView {
  auditId: string;
  at: string;
  agency: { id: string; name: string };
  onBehalfOf?: string;
  contract?: { id: string; title: string; version?: string };
  purpose?: { code: string; description?: string };
  basis?: { kind: 'legal'; instrument: string; article: string } | { kind: 'consent'; consentId: string };
  fields: { name: string; category?: DataCategory; description?: string }[];
  outcome: TrailEntry['status'];
  code: TrailEntry['code'];
  intact: boolean;
}

export interface TrailView {
  accesses: AccessView[];
  withheld: number;
  released: number;
}

export interface ConsentView {
  record: ConsentRecord;
  status: ConsentStatus;
  agencyName: string;
  contractTitle: string;
  purposes: { code: string; description?: string }[];
  /** What the citizen may do now. */
  actions: ConsentChange[];
}

/** The changes a citizen may make to a consent in a status. */
export function allowedChanges(status: ConsentStatus): ConsentChange[] {
  if (status === 'ACTIVE') return ['PAUSED', 'REVOKED'];
  if (status === 'PAUSED') return ['RESUMED', 'REVOKED'];
  return [];
}

/** The actor recorded for a citizen's own change (the audit record carries the subject hash beside it). */
export const CITIZEN_ACTOR = 'citizen (ndx console, national identity sign-in)';

export class NotYoursError extends ConsentNotFoundError {}

function requireCitizen(p: Principal): string {
  if (p.kind !== 'citizen') throw new NotYoursError('only a citizen has consents and a trail here');
  return p.subjectHash;
}

export class CitizenDesk {
  private readonly ports: CitizenPorts;
  private readonly clock: () => Date;

  constructor(ports: CitizenPorts) {
    this.ports = ports;
    this.clock = ports.clock ?? (() => new Date());
  }

  async trail(p: Principal): Promise<TrailView> {
    const trail = await this.ports.trail(requireCitizen(p), this.clock());
    return { accesses: trail.entries.map((e) => this.access(e)), withheld: trail.withheld, released: trail.released };
  }

  async consents(p: Principal): Promise<ConsentView[]> {
    const records = await this.ports.consents.listBySubject(requireCitizen(p));
    return records.map((r) => this.consentView(r)).sort((a, b) => b.record.validFrom.localeCompare(a.record.validFrom));
  }

  /** One of the citizen's consents; another person's is "not found". */
  async consent(p: Principal, consentId: string): Promise<ConsentView> {
    const subjectHash = requireCitizen(p);
    const record = /^[\w:-]{1,100}$/.test(consentId) ? await this.ports.consents.get(consentId) : undefined;
    if (!record || record.subjectHash !== subjectHash) throw new NotYoursError(`no consent ${consentId}`);
    return this.consentView(record);
  }

  /** Pauses, resumes or revokes one of the citizen's own consents; recorded and audited as the citizen's. */
  async change(p: Principal, consentId: string, change: ConsentChange): Promise<ConsentView> {
    const current = await this.consent(p, consentId);
    const record = await this.ports.change(current.record.consentId, change, CITIZEN_ACTOR, 'by the citizen in the ndx console');
    return this.consentView(record);
  }

  private consentView(record: ConsentRecord): ConsentView {
    const status = effectiveStatus(record, this.clock());
    const contract = this.ports.findContract(record.contract);
    const version = contract?.versions.filter((v) => Number(v.version.split('.')[0]) === record.major).at(-1);
    return {
      record,
      status,
      agencyName: this.ports.agencyName(record.consumer) ?? record.consumer,
      contractTitle: contract?.title ?? record.contract,
      purposes: record.purposes.map((code) => ({ code, ...describe(version?.purposes.find((x) => x.code === code)?.description) })),
      actions: allowedChanges(status),
    };
  }

  private access(e: TrailEntry): AccessView {
    const contract = e.contract ? this.ports.findContract(e.contract) : undefined;
    const version = contract?.versions.find((v) => v.version === e.version);
    const basis: AccessView['basis'] =
      e.basis?.kind === 'legal'
        ? { kind: 'legal', instrument: e.basis.instrument, article: e.basis.article }
        : e.basis?.kind === 'consent'
          ? { kind: 'consent', consentId: e.basis.consentId }
          : undefined;
    return {
      auditId: e.auditId,
      at: e.at,
      agency: { id: e.consumer, name: this.ports.agencyName(e.consumer) ?? e.consumer },
      ...(e.onBehalfOf ? { onBehalfOf: e.onBehalfOf } : {}),
      ...(e.contract ? { contract: { id: e.contract, title: contract?.title ?? e.contract, ...(e.version ? { version: e.version } : {}) } } : {}),
      ...(e.purpose ? { purpose: { code: e.purpose, ...describe(version?.purposes.find((x) => x.code === e.purpose)?.description) } } : {}),
      ...(basis ? { basis } : {}),
      fields: e.fields.map((name) => {
        const spec = version?.fields[name];
        return { name, ...(spec ? { category: spec.category, description: spec.description } : {}) };
      }),
      outcome: e.status,
      code: e.code,
      intact: e.intact,
    };
  }
}

const describe = (description: string | undefined) => (description ? { description } : {});
