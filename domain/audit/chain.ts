/**
 * The tamper-evident audit chain, as pure functions: where a record goes (its partition), how it is
 * linked (seq, prevHash, hash) and how a partition's chain is verified.
 *
 * Records are chained within partitions `<scope>#<UTC day>#<shard>`, where the scope is the
 * registry a lookup went to (or `platform` for records no registry is involved in) and the shard is
 * a hash of the audit id modulo N (default 16). Each partition has its own head, so appends
 * contend only with appends to the same registry, day and shard: there is no global chain head
 * that every lookup would queue behind (X-Road's single message-log timestamping is the pitfall).
 *
 * Each record holds `seq` (1, 2, ... within its partition), `prevHash` (the previous record's
 * `hash`; for seq 1 a genesis value derived from the partition name) and its own
 * `hash = sha256(prevHash + canonical JSON of the record without hash)`. Editing a record breaks
 * its hash, deleting one leaves a gap in seq, reordering breaks the prevHash links.
 */
import { canonicalJson, sha256Hex } from '../../contracts/canonical.ts';
import { decodeRecord } from './stored.ts';

export const DEFAULT_AUDIT_SHARDS = 16;
/** Sort keys are zero-padded so that DynamoDB orders them numerically. */
export const SEQ_WIDTH = 12;
/** The partition key prefix of chained records. */
export const CHAIN_PREFIX = 'chain#';
/** The item collection that lists every partition ever started (one item per partition). */
export const DIRECTORY_PK = 'partitions';

const SCOPE = /^[a-z0-9][a-z0-9-]*$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day (YYYY-MM-DD) of an ISO timestamp. */
export function utcDay(at: string | Date): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) throw new Error(`not a timestamp: ${String(at)}`);
  return d.toISOString().slice(0, 10);
}

/** The shard of an audit id: a stable hash of the id, modulo the number of shards. */
export function shardOf(auditId: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a positive integer, got ${shards}`);
  return Number.parseInt(sha256Hex(auditId).slice(0, 8), 16) % shards;
}

export interface PartitionName {
  scope: string;
  day: string;
  shard: number;
}

export function partitionName(p: PartitionName): string {
  if (!SCOPE.test(p.scope)) throw new Error(`audit scope must be lower-case letters, digits and dashes: ${p.scope}`);
  return `${p.scope}#${p.day}#${p.shard}`;
}

export function parsePartition(partition: string): PartitionName | undefined {
  const [scope, day, shard, ...rest] = partition.split('#');
  if (rest.length || !scope || !SCOPE.test(scope) || !day || !DAY.test(day) || !shard || !/^\d+$/.test(shard)) return undefined;
  return { scope, day, shard: Number(shard) };
}

/** Where a record with this audit id, written at `at` for `scope`, is chained. */
export function partitionOf(scope: string, at: string, auditId: string, shards: number): string {
  return partitionName({ scope, day: utcDay(at), shard: shardOf(auditId, shards) });
}

export function chainPk(partition: string): string {
  return `${CHAIN_PREFIX}${partition}`;
}

export function seqKey(seq: number): string {
  return String(seq).padStart(SEQ_WIDTH, '0');
}

/** The prevHash of a partition's first record: binds the chain to its partition's name. */
export function genesisHash(partition: string): string {
  return sha256Hex(`ndx-audit-genesis:${partition}`);
}

/** sha256(prevHash + canonical JSON of the record without its `hash`), hex. */
export function recordHash(record: Readonly<Record<string, unknown>>): string {
  const { hash: _ignored, ...rest } = record;
  return sha256Hex(`${String(record.prevHash ?? '')}${canonicalJson(rest)}`);
}

export interface ChainPosition {
  partition: string;
  seq: number;
  prevHash: string;
}

/** The record to store: the body at its position in the chain, with its hash. */
export function linkRecord<T extends Record<string, unknown>>(body: T, at: ChainPosition): T & ChainFields {
  const unhashed = { ...body, pk: chainPk(at.partition), sk: seqKey(at.seq), partition: at.partition, seq: at.seq, prevHash: at.prevHash };
  return { ...unhashed, hash: recordHash(unhashed) };
}

// A type alias (not an interface) so records stay assignable to Record<string, unknown>.
export type ChainFields = {
  pk: string;
  sk: string;
  partition: string;
  seq: number;
  prevHash: string;
  hash: string;
};

/** Does the record's own hash match its content? (Says nothing of its neighbours.) */
export function isIntact(record: Readonly<Record<string, unknown>>): boolean {
  return typeof record.hash === 'string' && recordHash(record) === record.hash;
}

export type BreakKind = 'empty' | 'seq-gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'misplaced' | 'truncated' | 'rewritten';

export interface ChainBreak {
  /** The position (seq) where the chain first stops holding. */
  seq: number;
  kind: BreakKind;
  message: string;
}

export interface PartitionReport {
  partition: string;
  /** Records read. */
  records: number;
  /** The last record that still verifies (for anchoring: keep it, and a later rewrite shows). */
  head?: { seq: number; hash: string };
  broken?: ChainBreak;
  /** The anchored head this walk was checked against, when an anchor names the partition. */
  anchored?: { seq: number; hash: string };
}

/** The report of a partition that fails verification. */
export type BrokenPartition = PartitionReport & { broken: ChainBreak };

export function isBroken(report: PartitionReport): report is BrokenPartition {
  return report.broken !== undefined;
}

/**
 * Verifies one partition, record by record in seq order (as DynamoDB returns them, ascending by
 * sort key). Reports the first broken link: a gap in seq (a deleted record), a prevHash that is not
 * the previous record's hash (a reordered or replaced record), a hash that does not match the
 * record's content (an edited record), or a record whose key disagrees with its content.
 *
 * Given an anchor (a head kept elsewhere earlier, see audit-anchor.ts), it also reports what the
 * chain alone cannot show: the anchored record gone with everything after it (`truncated`), or a
 * different record at the anchored seq in a chain rebuilt with fresh hashes (`rewritten`).
 */
export class ChainVerifier {
  readonly partition: string;
  private readonly anchor: { seq: number; hash: string } | undefined;
  private expected = 1;
  private prevHash: string;
  private count = 0;
  private last: { seq: number; hash: string } | undefined;
  private failure: ChainBreak | undefined;

  constructor(partition: string, anchor?: { seq: number; hash: string }) {
    this.partition = partition;
    this.anchor = anchor;
    this.prevHash = genesisHash(partition);
  }

  get broken(): ChainBreak | undefined {
    return this.failure;
  }

  /** Feeds the next stored item (in either stored form, stored.ts); false once the chain is broken (later items need not be read). */
  add(stored: Readonly<Record<string, unknown>>): boolean {
    if (this.failure) return false;
    const item = decodeRecord(stored);
    this.count++;
    const seq = /^\d+$/.test(String(item.sk)) ? Number(item.sk) : Number.NaN;
    const at = this.expected;
    if (seq !== at) {
      return this.fail(
        at,
        'seq-gap',
        Number.isNaN(seq)
          ? `expected seq ${at}, found a record with sort key "${String(item.sk)}"`
          : `expected seq ${at}, found ${seq}: ${seq - at === 1 ? 'a record is' : `${seq - at} records are`} missing (deleted)`,
      );
    }
    if (item.prevHash !== this.prevHash) {
      return this.fail(at, 'prev-hash-mismatch', `it does not link to seq ${at - 1}: its prevHash is not that record's hash (reordered or replaced)`);
    }
    if (!isIntact(item)) {
      return this.fail(at, 'hash-mismatch', 'the content does not match its hash (edited)');
    }
    if (item.seq !== at || item.pk !== chainPk(this.partition) || item.partition !== this.partition) {
      return this.fail(at, 'misplaced', `the record says it belongs at ${String(item.partition)} seq ${String(item.seq)}`);
    }
    if (this.anchor && at === this.anchor.seq && item.hash !== this.anchor.hash) {
      return this.fail(at, 'rewritten', `the record at seq ${at} is not the one anchored (hash ${this.anchor.hash.slice(0, 16)}…): the chain was rebuilt`);
    }
    this.prevHash = item.hash as string;
    this.last = { seq: at, hash: item.hash as string };
    this.expected++;
    return true;
  }

  report(): PartitionReport {
    const reached = this.last?.seq ?? 0;
    const broken =
      this.failure ??
      (this.anchor && reached < this.anchor.seq
        ? {
            seq: reached + 1,
            kind: 'truncated' as const,
            message: `the chain ends at seq ${reached} but was anchored at seq ${this.anchor.seq}: ${this.anchor.seq - reached} or more records are gone from its end`,
          }
        : undefined) ??
      (this.count === 0 ? { seq: 1, kind: 'empty' as const, message: 'the partition is listed but holds no record (deleted)' } : undefined);
    return {
      partition: this.partition,
      records: this.count,
      ...(this.last ? { head: this.last } : {}),
      ...(broken ? { broken } : {}),
      ...(this.anchor ? { anchored: this.anchor } : {}),
    };
  }

  private fail(seq: number, kind: BreakKind, message: string): false {
    this.failure = { seq, kind, message };
    return false;
  }
}

/** Verifies a whole partition held in memory (tests, small partitions). */
export function verifyChain(partition: string, items: Iterable<Readonly<Record<string, unknown>>>, anchor?: { seq: number; hash: string }): PartitionReport {
  const v = new ChainVerifier(partition, anchor);
  for (const item of items) if (!v.add(item)) break;
  return v.report();
}
