/**
 * What the audit trail records, as schemas: lookups, consent changes, hides and security events, their
 * chained form, and their ids. The store (aws/audit-log.ts) writes and reads them; the rules that chain
 * and verify them are in chain.ts.
 */
import * as z from 'zod';
import type { Env } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import { ALL_CODES, Basis, STATUSES, type Code } from '../../contracts/protocol.ts';
import { SECURITY_REASONS } from '../lookup/forwarded.ts';
import { DEFAULT_AUDIT_SHARDS, type PartitionReport } from './chain.ts';
import { subjectMarkerKey } from './stored.ts';

const lookupShape = {
  at: z.iso.datetime(),
  consumer: z.string(),
  onBehalfOf: z.string().optional(),
  requestId: z.string().nullable(),
  receivedMessageId: z.string(),
  contract: z.string().optional(),
  version: z.string().optional(),
  purpose: z.string().optional(),
  basis: Basis.optional(),
  registry: z.string().optional(),
  subjectHash: z.string().optional(),
  fields: z.array(z.string()),
  /** The release of an indicator (no subject): its period, what was published and withheld, and the digest of what was sent. */
  release: z
    .strictObject({ period: z.string(), cells: z.number().int(), published: z.number().int(), withheld: z.number().int(), digest: z.string() })
    .optional(),
  status: z.enum(STATUSES),
  code: z.enum(ALL_CODES as [Code, ...Code[]]),
  recordedBy: z.enum(['router', 'adapter']),
  /**
   * The reply as it was sent: when, and its digest sealed with the platform's key (reply-seal.ts), so a
   * resend can be pointed at it (resend.ts) without the trail saying anything of what was released.
   */
  reply: z.strictObject({ at: z.iso.datetime(), seal: z.string() }).optional(),
};

export const CONSENT_CHANGES = ['GRANTED', 'PAUSED', 'RESUMED', 'REVOKED'] as const;

const consentChangeShape = {
  kind: z.literal('consent-change'),
  at: z.iso.datetime(),
  consentId: z.string(),
  change: z.enum(CONSENT_CHANGES),
  by: z.string(),
  reason: z.string().optional(),
  subjectHash: z.string(),
  consumer: z.string(),
  contract: z.string(),
  major: z.number().int(),
  purposes: z.array(z.string()),
};

const hideShape = {
  kind: z.literal('audit-hide'),
  at: z.iso.datetime(),
  /** The audit id of the record withheld from the citizen's view. */
  target: z.string(),
  hiddenUntil: z.iso.datetime(),
  reason: z.string().min(1),
  by: z.string(),
  subjectHash: z.string().optional(),
};

/**
 * A message refused before anything was read: on a registry queue, one that is not a forwarded lookup
 * the router signed, or one whose contract side does not hold (forwarded.ts). It names no subject:
 * nothing in such a message can be trusted, and the body is kept only as a keyed digest.
 */
const securityShape = {
  kind: z.literal('security'),
  at: z.iso.datetime(),
  stage: z.enum(['adapter']),
  registry: z.string(),
  reason: z.enum(SECURITY_REASONS),
  /** The SQS message refused (it waits in the queue's DLQ). */
  messageId: z.string(),
  /** HMAC-SHA256 of the message body with the platform pepper. */
  bodyDigest: z.string(),
};

/**
 * What the router and the adapters record for a lookup. Built on first use (`z.lazy`): the functions that record
 * lookups check what they append with AuditEvent, so this one is never built by them (test/unit/cold-start.test.ts).
 */
export const AuditEntry = z.lazy(() => z.strictObject(lookupShape));
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('lookup'), ...lookupShape }),
  z.strictObject(consentChangeShape),
  z.strictObject(hideShape),
  z.strictObject(securityShape),
]);
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * A record as stored in the chain: what the trail's readers check (aws/audit-log.ts AuditLog). Built on first use
 * (`z.lazy`), so the functions that only append to the trail (router, adapters, API) never build it.
 */
export const AuditRecord = z.lazy(() => {
  const chainShape = {
    auditId: z.string(),
    recordedAt: z.iso.datetime(),
    pk: z.string(),
    sk: z.string(),
    partition: z.string(),
    seq: z.number().int().positive(),
    prevHash: z.string(),
    hash: z.string(),
  };
  return z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('lookup'), ...lookupShape, ...chainShape }),
    z.object({ ...consentChangeShape, ...chainShape }),
    z.object({ ...hideShape, ...chainShape }),
    z.object({ ...securityShape, ...chainShape }),
  ]);
});
export type AuditRecord = z.infer<typeof AuditRecord>;
export type LookupAuditRecord = Extract<AuditRecord, { kind: 'lookup' }>;

/** The audit id of a lookup: stable across redeliveries of the same request. */
export function auditIdOf(consumer: string, requestId: string | null, receivedMessageId: string): string {
  return requestId ? `${consumer}/${requestId}` : `${consumer}/message/${receivedMessageId}`;
}

/** The audit id of a consent's n-th event (0 is the grant). */
export function consentAuditId(consentId: string, eventIndex: number): string {
  return `consent/${consentId}/${eventIndex}`;
}

/** The marker of an audit id (kept at the key the first, unchained audit records used for lookups). */
export function markerKey(kind: AuditEvent['kind'], auditId: string): { pk: string; sk: string } {
  return { pk: `${kind}#${auditId}`, sk: 'record' };
}

/**
 * Where an audit id's marker is kept: a lookup that names a subject in the subject's item collection
 * (stored.ts: the marker then also lists the record for the citizen's view), anything else at markerKey.
 * Every attempt at the same audit id passes the same subject, so it meets the same marker.
 */
export function markerKeyFor(kind: AuditEvent['kind'], auditId: string, subjectHash?: string): { pk: string; sk: string } {
  return kind === 'lookup' && subjectHash ? subjectMarkerKey(subjectHash, auditId) : markerKey(kind, auditId);
}

export const KINDS: readonly AuditEvent['kind'][] = ['lookup', 'consent-change', 'audit-hide', 'security'];

/** The number of shards per scope and day: NDX_AUDIT_SHARDS, default 16. */
export function auditShards(env: Env): number {
  const raw = env[ENV.auditShards];
  if (raw === undefined || raw === '') return DEFAULT_AUDIT_SHARDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new Error(`${ENV.auditShards} must be an integer from 1 to 1024, got "${raw}"`);
  return n;
}

/** NDX_AUDIT_LEGACY_MARKERS_UNTIL: the end (exclusive, 00:00 UTC of the day after) of the upgrade window, if any. */
export function auditLegacyMarkersUntil(env: Env): Date | undefined {
  const raw = env[ENV.auditLegacyMarkersUntil];
  if (raw === undefined || raw === '') return undefined;
  const day = new Date(`${raw}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(day.getTime()))
    throw new Error(`${ENV.auditLegacyMarkersUntil} must be a UTC day (YYYY-MM-DD), got "${raw}"`);
  return new Date(day.getTime() + 86_400_000);
}

/** The options of the stages that append lookups, from their environment: shards and the upgrade's window. */
export function auditLogOptions(env: Env): Pick<AuditLogOptions, 'shards' | 'legacyMarkersUntil'> {
  const until = auditLegacyMarkersUntil(env);
  return { shards: auditShards(env), ...(until ? { legacyMarkersUntil: until } : {}) };
}

export class AuditRecordNotFoundError extends Error {
  override readonly name = 'AuditRecordNotFoundError';
}

/** Records that were archived cannot be read: no archive store was given (README: Audit retention). */
export class ArchiveUnavailableError extends Error {
  override readonly name = 'ArchiveUnavailableError';
}

export class AuditContentionError extends Error {
  override readonly name = 'AuditContentionError';
}

export interface AuditLogOptions {
  /** Shards per scope and day (default 16). */
  shards?: number;
  /**
   * Where partitions past their retention in DynamoDB are archived (aws/audit-archive.ts): `verify`
   * walks them there, and the citizen's view and `find` read archived records back from it.
   */
  archive?: { get(key: string, range?: { start: number; length: number }): Promise<string | undefined>; readonly description: string };
  /**
   * Until when a lookup's append also looks for its marker where versions before subject-kept markers
   * put it (`<kind>#<auditId>`), so an attempt such a version started and did not finish is finished,
   * not recorded twice (auditLegacyMarkersUntil). @default never
   */
  legacyMarkersUntil?: Date;
  /** Attempts at linking a record before giving up (each conflict re-reads the head). */
  maxAttempts?: number;
  now?: () => Date;
}

export interface Appended {
  auditId: string;
  /** False when the record was already there (a redelivery): nothing was appended. */
  created: boolean;
  partition: string;
  seq?: number;
  /** When the record already there was made (`created` false), if known. */
  at?: string;
  /** The record already there (`created` false), as read back, when it was found. */
  record?: Readonly<Record<string, unknown>>;
}

export interface VerifyReport {
  ok: boolean;
  from?: string;
  to?: string;
  records: number;
  partitions: PartitionReport[];
  /** The anchor the walk was checked against: when it was taken and how many of its partitions fell in the range. */
  anchor?: { takenAt: string; partitions: number };
}

export type Head = { seq: number; hash: string };

/**
 * An audit id's marker, written: where its record goes, or the record already there. A marker written
 * with a lease (ReserveOptions) holds its lookup for the attempt that wrote it: another attempt meeting it
 * without its record is told `busy` while the lease runs and `orphaned` after it (the attempt that wrote
 * it stopped between marker and record; finishing it is for one attempt only, see answer.ts).
 */
export type Reservation =
  | {
      state: 'reserved';
      partition: string;
      head: Head | undefined;
      /** Keep the record whole (as earlier versions did, listed by the subject index): it finishes an earlier version's append. */
      whole?: true;
    }
  | { state: 'done'; appended: Appended }
  | { state: 'busy'; until: string }
  | { state: 'orphaned' };

/** How an attempt holds an audit id while it answers (the adapter's exactly-once, answer.ts). */
export interface ReserveOptions {
  /** Epoch ms until which a marker this attempt writes holds the lookup for it (its invocation's deadline). */
  leaseUntil?: number;
  /** Finish a marker found without its record whatever its lease (the caller holds the lookup exclusively). */
  takeover?: boolean;
}
