/**
 * The citizen's view of the audit trail (after Estonia's Data Tracker): every lookup of a person's
 * data, newest first: when, which agency (and officer or case), which contract and version, for what
 * purpose, on which legal basis or consent, with which outcome, and the names of the fields released
 * (never their values). Records an operator has marked hidden until a date (an investigation that
 * must not be tipped off) are withheld until then, and counted, so the citizen knows something is
 * withheld. Pure: records in, view out.
 */
import type { Basis, Code, Status } from '../../contracts/protocol.ts';
import { isIntact } from './chain.ts';

export interface TrailEntry {
  auditId: string;
  at: string;
  consumer: string;
  onBehalfOf?: string;
  contract?: string;
  version?: string;
  purpose?: string;
  basis?: Basis;
  registry?: string;
  /** Names of the fields released; empty when nothing was released. */
  fields: string[];
  status: Status;
  code: Code;
  /** False when the record's content no longer matches its hash (it was edited after the fact). */
  intact: boolean;
}

export interface CitizenTrail {
  entries: TrailEntry[];
  /** Lookups withheld from this view until a later date. */
  withheld: number;
  /** How many of the shown lookups released data. */
  released: number;
}

/** The minimum the view reads of a stored record; extra attributes are ignored. */
export type TrailSource = Readonly<Record<string, unknown>> & { kind?: unknown; at?: unknown };

export function citizenTrail(records: readonly TrailSource[], now: Date): CitizenTrail {
  // The latest hide decision per record wins (a later one may extend, shorten or lift it).
  const hides = new Map<string, { at: string; until: string }>();
  for (const r of records) {
    if (r.kind !== 'audit-hide' || typeof r.target !== 'string' || typeof r.hiddenUntil !== 'string') continue;
    if (!isIntact(r)) continue; // an edited hide record hides nothing
    const at = String(r.at);
    const previous = hides.get(r.target);
    if (!previous || previous.at <= at) hides.set(r.target, { at, until: r.hiddenUntil });
  }
  const entries: TrailEntry[] = [];
  let withheld = 0;
  const seen = new Set<string>();
  for (const r of records) {
    if (r.kind !== 'lookup' || typeof r.auditId !== 'string' || seen.has(r.auditId)) continue;
    seen.add(r.auditId);
    const hide = hides.get(r.auditId);
    if (hide && Date.parse(hide.until) > now.getTime()) {
      withheld++;
      continue;
    }
    entries.push({
      auditId: r.auditId,
      at: String(r.at),
      consumer: String(r.consumer),
      ...(typeof r.onBehalfOf === 'string' ? { onBehalfOf: r.onBehalfOf } : {}),
      ...(typeof r.contract === 'string' ? { contract: r.contract } : {}),
      ...(typeof r.version === 'string' ? { version: r.version } : {}),
      ...(typeof r.purpose === 'string' ? { purpose: r.purpose } : {}),
      ...(r.basis && typeof r.basis === 'object' ? { basis: r.basis as Basis } : {}),
      ...(typeof r.registry === 'string' ? { registry: r.registry } : {}),
      fields: Array.isArray(r.fields) ? r.fields.map(String) : [],
      status: r.status as Status,
      code: r.code as Code,
      intact: isIntact(r),
    });
  }
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { entries, withheld, released: entries.filter((e) => e.status === 'OK' && e.fields.length > 0).length };
}
