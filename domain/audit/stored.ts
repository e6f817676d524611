/**
 * How audit items are kept in the table, apart from what they mean: one place maps the records and
 * markers the rest of ndx reads (chain.ts, records.ts) to the items DynamoDB stores, and back.
 *
 * A lookup's record is kept compact (about 600 bytes instead of about 900; one is kept per lookup for
 * as long as the audit is): short attribute names, digests in base64url instead of hex, and nothing
 * that its keys or its other fields already say (its partition and seq are its keys, its consumer and
 * requestId are its audit id, its status follows from its code, its registry is its partition's
 * scope). Its hash is the hash of the record as read back (chain.ts `recordHash` over the decoded
 * record), so how it is stored changes nothing in the chain: records of both forms link and verify in
 * one partition. Other kinds (consent changes, hides, security events) are kept as they are.
 *
 * A lookup that names a subject has its marker (the exactly-once note written before its record, see
 * aws/audit-log.ts) in the subject's item collection, `s#<subject>` / `l#<auditId>`: the marker then
 * also lists the record for the citizen's view, and the record itself carries no index key (no second
 * write, no second copy). Records kept before this form (the `hash`, `subjectHash` attributes) still
 * read, verify and appear in the view through the subject index.
 */
import { statusOf, type Code } from '../../contracts/protocol.ts';
import { canonicalJson } from '../../contracts/canonical.ts';

/** Stored name → record field, for the fields kept as they are (under a short name). */
const SHORT: Readonly<Record<string, string>> = {
  a: 'at',
  m: 'receivedMessageId',
  id: 'auditId',
  c: 'contract',
  v: 'version',
  p: 'purpose',
  f: 'fields',
  r: 'release',
  x: 'code',
  y: 'recordedBy',
  o: 'onBehalfOf',
  t: 'recordedAt',
};
const LONG: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(SHORT).map(([s, l]) => [l, s]));

const HEX64 = /^[0-9a-f]{64}$/;
const B64_32 = /^[A-Za-z0-9_-]{43}$/;

/** A sha256 in hex as base64url (43 characters), and back. */
export function hexToB64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}
export function b64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64url').toString('hex');
}

/** Whether an item is a lookup record in the compact form. */
export function isCompact(item: Readonly<Record<string, unknown>>): boolean {
  return typeof item.h === 'string' && item.hash === undefined;
}

/** A legal basis as stored: `{ i, n, a }` (id, instrument, article); a consent basis `{ c }`. */
function basisOut(b: unknown): unknown {
  const basis = b as { kind?: string; id?: string; instrument?: string; article?: string; consentId?: string };
  if (basis.kind === 'legal' && Object.keys(basis).length === 4) return { i: basis.id, n: basis.instrument, a: basis.article };
  if (basis.kind === 'consent' && Object.keys(basis).length === 2) return { c: basis.consentId };
  return undefined;
}
function basisIn(b: unknown): unknown {
  const s = b as { i?: string; n?: string; a?: string; c?: string };
  return s.c !== undefined ? { kind: 'consent', consentId: s.c } : { kind: 'legal', id: s.i, instrument: s.n, article: s.a };
}

/**
 * A reply as stored: its sealed digest in base64url (`rs`) and when it was sent as milliseconds after
 * the record's `at` (`ra`): a few bytes instead of a second timestamp.
 */
function replyOut(r: unknown, at: unknown): Record<string, unknown> {
  const reply = r as { at?: unknown; seal?: unknown };
  const sent = typeof reply.at === 'string' ? Date.parse(reply.at) : Number.NaN;
  const start = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  const ok = Object.keys(reply).length === 2 && HEX64.test(String(reply.seal)) && Number.isFinite(sent - start);
  return ok ? { rs: hexToB64(String(reply.seal)), ra: sent - start } : { rs: undefined };
}
function replyIn(rs: unknown, ra: unknown, at: unknown): unknown {
  const start = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  const sent = typeof ra === 'number' ? start + ra : Number.NaN;
  return { at: Number.isFinite(sent) ? new Date(sent).toISOString() : String(ra), seal: b64ToHex(String(rs)) };
}

/** The consumer and requestId an audit id names (auditIdOf in records.ts), given the message it came in. */
function fromAuditId(auditId: string, receivedMessageId: unknown): { consumer: string; requestId: string | null } | undefined {
  const slash = auditId.indexOf('/');
  if (slash <= 0) return undefined;
  const consumer = auditId.slice(0, slash);
  const rest = auditId.slice(slash + 1);
  if (rest === `message/${String(receivedMessageId)}`) return { consumer, requestId: null };
  return { consumer, requestId: rest };
}

/**
 * The item to store for a chained record: a lookup's in the compact form, anything else as it is. A
 * record the compact form cannot give back exactly (a field it does not know, a digest that is not a
 * sha256) is stored as it is, so decoding always returns the record that was hashed.
 */
export function encodeRecord(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (record.kind !== 'lookup') return { ...record };
  const out: Record<string, unknown> = { pk: record.pk, sk: record.sk };
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined) continue;
    const short = LONG[k];
    if (short) out[short] = v;
    else if (k === 'basis') out.b = basisOut(v);
    else if (k === 'subjectHash') out.s = HEX64.test(String(v)) ? hexToB64(String(v)) : undefined;
    else if (k === 'prevHash') out.ph = HEX64.test(String(v)) ? hexToB64(String(v)) : undefined;
    else if (k === 'hash') out.h = HEX64.test(String(v)) ? hexToB64(String(v)) : undefined;
    else if (k === 'reply') Object.assign(out, replyOut(v, record.at));
    else if (!['pk', 'sk', 'kind', 'partition', 'seq', 'consumer', 'requestId', 'status', 'registry'].includes(k)) return { ...record };
  }
  if (Object.values(out).some((v) => v === undefined)) return { ...record };
  // Kept only when the compact form gives the very record back.
  return canonicalJson(decodeRecord(out)) === canonicalJson(record) ? out : { ...record };
}

/** The record an item holds (the compact form decoded; any other item as it is). */
export function decodeRecord(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!isCompact(item)) return { ...item };
  // The keys as chain.ts writes them: `chain#<scope>#<day>#<shard>` / zero-padded seq.
  const pk = String(item.pk);
  const partition = pk.startsWith('chain#') ? pk.slice('chain#'.length) : undefined;
  const scope = partition?.split('#')[0];
  const seq = /^\d{12}$/.test(String(item.sk)) ? Number(item.sk) : undefined;
  const out: Record<string, unknown> = { kind: 'lookup' };
  const other: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(item)) {
    const long = SHORT[k];
    if (long) out[long] = v;
    else if (k === 'b') out.basis = basisIn(v);
    else if (k === 's') out.subjectHash = b64ToHex(String(v));
    else if (k === 'ph') out.prevHash = b64ToHex(String(v));
    else if (k === 'h') out.hash = b64ToHex(String(v));
    else if (k === 'rs' || k === 'ra') continue;
    else other.push([k, v]);
  }
  const who = typeof out.auditId === 'string' ? fromAuditId(out.auditId, out.receivedMessageId) : undefined;
  if (who) {
    out.consumer = who.consumer;
    out.requestId = who.requestId;
  }
  if (typeof out.code === 'string') {
    try {
      out.status = statusOf(out.code as Code);
    } catch {
      // An unknown code: the record is left without a status (it will not parse as a record).
    }
  }
  if (item.rs !== undefined || item.ra !== undefined) out.reply = replyIn(item.rs, item.ra, out.at);
  if (scope && scope !== 'platform') out.registry = scope;
  if (partition !== undefined) out.partition = partition;
  if (seq !== undefined) out.seq = seq;
  // Anything the compact form does not define (pk and sk among them) is read as it is, last: an
  // attribute added to a stored item, even under a field's long name, is part of the record read and
  // breaks its hash; it can never be masked by the field it names.
  for (const [k, v] of other) out[k] = v;
  return out;
}

/** The hash an item holds (hex), in either form. */
export function storedHash(item: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof item.hash === 'string') return item.hash;
  return typeof item.h === 'string' && B64_32.test(item.h) ? b64ToHex(item.h) : undefined;
}

/** The marker of a lookup naming a subject: in the subject's item collection, so it lists the record for the citizen's view. */
export function subjectMarkerKey(subjectHash: string, auditId: string): { pk: string; sk: string } {
  return { pk: subjectMarkerPk(subjectHash), sk: `${SUBJECT_MARKER_PREFIX}${auditId}` };
}

/** The item collection of a subject's lookup markers. */
export function subjectMarkerPk(subjectHash: string): string {
  return `s#${HEX64.test(subjectHash) ? hexToB64(subjectHash) : subjectHash}`;
}

/** Sort keys of lookup markers in a subject's collection start with this; the audit id follows. */
export const SUBJECT_MARKER_PREFIX = 'l#';

/**
 * Where a marker says its record goes, in either form (`partition`/`after`, or `p`/`n` in a subject's
 * collection), and until when (epoch ms; stored as epoch seconds, rounded up, in `u`) the attempt that
 * wrote it holds its lookup, if it said.
 */
export function markerPlace(item: Readonly<Record<string, unknown>>): { partition?: string; after: number; until?: number } {
  const partition = item.partition ?? item.p;
  const after = item.after ?? item.n;
  return {
    ...(typeof partition === 'string' ? { partition } : {}),
    after: typeof after === 'number' ? after : 0,
    ...(typeof item.u === 'number' ? { until: item.u * 1000 } : {}),
  };
}

/**
 * A marker in a subject's collection: keys, the partition (`p`), the head seq seen before the append
 * (`n`) and, when the attempt writing it holds the lookup, the end of its lease (`until`, epoch ms, kept
 * as `u` in epoch seconds rounded up: a lease never ends early).
 */
export function subjectMarker(subjectHash: string, auditId: string, partition: string, after: number, until?: number): Record<string, unknown> {
  return { ...subjectMarkerKey(subjectHash, auditId), p: partition, n: after, ...(until !== undefined ? { u: Math.ceil(until / 1000) } : {}) };
}
