/**
 * The audit trail: one record per lookup whatever its outcome, one per consent change, one per
 * operator action on the trail itself. Records name the fields released, never their values, and
 * the subject only as a keyed hash.
 *
 * Records are chained by hash within partitions (see audit-chain.ts), so that an edit, deletion or
 * reordering is found by `verify`. The table (`ndx-audit`, keys pk/sk) holds three kinds of item:
 *
 * - `chain#<partition>` / `<seq, zero-padded>`: the chained records.
 * - `<kind>#<auditId>` / `record`: a marker per audit id, written (conditionally) before the chained
 *   record, so that a redelivered lookup never appends twice. It names the partition and the head
 *   seq seen before the append, which bounds the search when a retry finds the marker but not the
 *   record (a crash between the two): then the append is finished, once. A lookup that names a
 *   subject keeps its marker at `s#<subject>` / `l#<auditId>` instead (domain/audit/stored.ts): the
 *   same note, which also lists the record for the citizen's view, so the record needs no index entry.
 * - `partitions` / `<day>#<partition>`: the directory of partitions, written when a partition starts,
 *   so that `verify` finds every partition of a date range (and notices one that was emptied).
 *
 * Every write is a conditional single-item put (no transactions, no updates): the functions'
 * permission on the table is insert-only.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll, querySubject } from './query-all.ts';
import {
  ChainVerifier,
  chainPk,
  DEFAULT_AUDIT_SHARDS,
  DIRECTORY_PK,
  genesisHash,
  linkRecord,
  parsePartition,
  partitionOf,
  seqKey,
  type PartitionReport,
} from '../domain/audit/chain.ts';
import { anchoredHeads, type AuditAnchor } from '../domain/audit/anchor.ts';
import { citizenTrail, type CitizenTrail } from '../domain/audit/citizen-view.ts';

export * from '../domain/audit/records.ts';
import {
  AuditEvent,
  AuditRecord,
  auditIdOf,
  markerKeyFor,
  AuditRecordNotFoundError,
  AuditContentionError,
  ArchiveUnavailableError,
  type AuditEntry,
  type AuditLogOptions,
  type Appended,
  type VerifyReport,
  type Reservation,
  type ReserveOptions,
  type LookupAuditRecord,
  type Head,
  KINDS,
} from '../domain/audit/records.ts';
import { isConditionalFailure, sleep } from './dynamo-errors.ts';
import { archivedPartitions, fromArchive, verifyArchived } from './audit-archive.ts';
import { isStub } from '../domain/audit/archive.ts';
import { decodeRecord, encodeRecord, markerPlace, storedHash, SUBJECT_MARKER_PREFIX, subjectMarker, subjectMarkerPk } from '../domain/audit/stored.ts';
import { ENV } from '../config/names.ts';
import { AUDIT_SUBJECT_INDEX } from '../config/names.ts';

/** Items the first page of a search after a marker's noted head reads (each next page four times more, to 1,000). */
const FIND_AFTER_FIRST_PAGE = 8;

/** Records of a subject read by key at once (the citizen's view). */
const SUBJECT_READS_AT_ONCE = 16;

/** DynamoDB's answer to a query of an index the table does not have. */
function isMissingIndex(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException' && /specified index/i.test(error.message);
}

/**
 * An audit id's marker: its key names the audit id (markerKeyFor), so it holds only where the record
 * goes: the partition and the partition's head seq before the record was linked (the record is after
 * it). Kept small (about 130 bytes): one is stored per record, for good.
 */
function markerItem(
  kind: AuditEvent['kind'],
  auditId: string,
  subjectHash: string | undefined,
  partition: string,
  after: number,
  until?: number,
): Record<string, unknown> {
  if (kind === 'lookup' && subjectHash) return subjectMarker(subjectHash, auditId, partition, after, until);
  return { ...markerKeyFor(kind, auditId), partition, after, ...(until !== undefined ? { u: Math.ceil(until / 1000) } : {}) };
}

/**
 * Appending to the trail: all that the functions answering lookups and indicator requests use. The
 * readers (find, the citizen's trail, verification, archived records) are AuditLog's, which extends it:
 * in a class of their own, a bundle that only appends leaves their code (and its imports) out.
 */
export class AuditAppender {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;
  readonly shards: number;
  private readonly maxAttempts: number;
  protected readonly now: () => Date;
  protected readonly archive: AuditLogOptions['archive'];
  private readonly legacyMarkersUntil: Date | undefined;
  /** Counters for operators and tests: appends made, and head conflicts met (each one a retry). */
  readonly stats = { appended: 0, conflicts: 0, duplicates: 0, recovered: 0 };
  /**
   * The head this process last linked in each partition. A cached head saves the head query on the
   * next append; when another writer has moved the head meanwhile, the conditional put fails and the
   * head is read again, so a stale cache costs a retry, never a broken chain.
   */
  private readonly heads = new Map<string, { seq: number; hash: string }>();
  /** The tail of each partition's queue of appends in this process (see inLane). */
  private readonly lanes = new Map<string, Promise<void>>();

  constructor(doc: DynamoDBDocumentClient, table: string, options: AuditLogOptions = {}) {
    this.doc = doc;
    this.table = table;
    this.shards = options.shards ?? DEFAULT_AUDIT_SHARDS;
    this.maxAttempts = options.maxAttempts ?? 60;
    this.now = options.now ?? (() => new Date());
    this.archive = options.archive;
    this.legacyMarkersUntil = options.legacyMarkersUntil;
  }

  /**
   * Appends a lookup's record (the router's or the adapter's); a redelivery appends nothing.
   * `reserved`: the audit id's marker, written ahead by `reserve` while the lookup was still being
   * answered (its `at` must be the entry's).
   */
  async append(entry: AuditEntry, reserved?: Promise<Reservation>): Promise<{ auditId: string; created: boolean }> {
    const body = AuditEvent.parse({ kind: 'lookup', ...entry });
    const auditId = auditIdOf(entry.consumer, entry.requestId, entry.receivedMessageId);
    const { created } = await this.record(body, auditId, entry.registry ?? 'platform', reserved);
    return { auditId, created };
  }

  /**
   * Appends any audit event under its audit id, chained in `<scope>#<day of at>#<shard>`.
   * Idempotent per audit id: the second call for the same id appends nothing.
   */
  async record(event: AuditEvent, auditId: string, scope = 'platform', reserved?: Promise<Reservation>): Promise<Appended> {
    const body = AuditEvent.parse(event);
    const r = await (reserved ?? this.reserve(body.kind, auditId, scope, body.at, body.kind === 'lookup' ? body.subjectHash : undefined));
    if (r.state === 'done') return r.appended;
    // A lookup another attempt holds is not the caller's to record (answer.ts reserves and settles these first).
    if (r.state !== 'reserved') throw new AuditContentionError(`${auditId} is held by another attempt (${r.state})`);
    return this.inLane(r.partition, () => this.link(body, auditId, r.partition, r.head, r.whole));
  }

  /**
   * The first half of an append: writes the audit id's marker (conditionally), which says where its
   * record will be linked. A caller may start it early, beside other work, and hand the promise to
   * `append`/`record`: the record is linked only after the marker, as recovery requires.
   * Resolves `done` when the audit id already has its record (a redelivery). `subjectHash`: a lookup's
   * subject, whose item collection keeps the marker (markerKeyFor); the same on every attempt.
   * `options.leaseUntil`: the marker holds the lookup for this attempt until then; an attempt meeting a
   * leased marker without its record is told `busy` or `orphaned` (records.ts Reservation).
   */
  async reserve(
    kind: AuditEvent['kind'],
    auditId: string,
    scope: string,
    at: string,
    subjectHash?: string,
    options: ReserveOptions = {},
  ): Promise<Reservation> {
    // Held: another attempt's marker without its record is busy or orphaned, not this caller's to finish.
    const held = options.leaseUntil !== undefined && !options.takeover;
    if (kind === 'lookup' && subjectHash && this.legacyMarkersUntil && this.now() < this.legacyMarkersUntil) {
      // An upgrade's window: an earlier version may have started this lookup with its marker at <kind>#<auditId>.
      const legacy = await this.marker(kind, auditId);
      if (legacy) return this.resume(auditId, markerPlace(legacy), true, false, held);
    }
    const partition = partitionOf(scope, at, auditId, this.shards);
    const head: Head | undefined = this.heads.get(partition) ?? (await this.head(partition));
    const marker = markerItem(kind, auditId, subjectHash, partition, head?.seq ?? 0, options.takeover ? undefined : options.leaseUntil);
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: marker, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const existing = markerPlace((await this.marker(kind, auditId, subjectHash)) ?? {});
      return this.resume(auditId, existing.partition ? existing : { ...existing, partition }, false, !existing.partition, held);
    }
    return { state: 'reserved', partition, head };
  }

  /**
   * An audit id whose marker was already there: its record, or the append an earlier attempt stopped
   * between marker and record, finished in the partition the marker names. `whole`: the marker is where
   * earlier versions kept it, so the record is kept as they kept it (listed by the subject index).
   * `held`: the caller holds lookups by their markers' leases, so a marker without its record is
   * another attempt's (`busy` while its lease runs) or an abandoned one (`orphaned`), never finished here.
   */
  private async resume(
    auditId: string,
    marker: { partition?: string; after: number; until?: number },
    whole: boolean,
    unchained = false,
    held = false,
  ): Promise<Reservation> {
    // A marker without a partition is a record of the first, unchained format: already recorded.
    if (unchained || !marker.partition) {
      this.stats.duplicates++;
      return { state: 'done', appended: { auditId, created: false, partition: marker.partition ?? 'unknown' } };
    }
    const found = await this.findAfter(marker.partition, auditId, marker.after);
    if (found) {
      this.stats.duplicates++;
      const record = decodeRecord(found);
      const at = record.at;
      return {
        state: 'done',
        appended: { auditId, created: false, partition: marker.partition, seq: Number(found.sk), ...(typeof at === 'string' ? { at } : {}), record },
      };
    }
    if (held) {
      // Another attempt wrote the marker: it is still answering while its lease runs; after it, it stopped.
      if (marker.until !== undefined && this.now().getTime() < marker.until) return { state: 'busy', until: new Date(marker.until).toISOString() };
      return { state: 'orphaned' };
    }
    // The marker is there but not the record: an earlier attempt stopped in between. Finish it.
    this.stats.recovered++;
    return { state: 'reserved', partition: marker.partition, head: await this.head(marker.partition), ...(whole ? { whole: true as const } : {}) };
  }

  /**
   * Runs the appends of one partition one after another within this process: concurrent lookups in
   * one function instance then never race each other for the same seq (each links after the head the
   * previous one cached), and only other instances' appends can cost a retry.
   */
  private inLane<T>(partition: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.lanes.get(partition) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(partition, tail);
    void tail.then(() => {
      if (this.lanes.get(partition) === tail) this.lanes.delete(partition);
    });
    return run;
  }

  /** Links a record after the partition's head (the cached one when this process moved it last). */
  private async link(body: AuditEvent, auditId: string, partition: string, seen: Head | undefined, whole?: true): Promise<Appended> {
    const cached = this.heads.get(partition);
    let head = cached && cached.seq > (seen?.seq ?? 0) ? cached : seen;
    for (let attempt = 1; ; attempt++) {
      const seq = (head?.seq ?? 0) + 1;
      if (seq === 1) await this.registerPartition(partition);
      const item = linkRecord({ ...body, auditId, recordedAt: this.now().toISOString() }, { partition, seq, prevHash: head?.hash ?? genesisHash(partition) });
      try {
        await this.doc.send(
          new PutCommand({ TableName: this.table, Item: whole ? item : encodeRecord(item), ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        if (this.heads.size > 4096) this.heads.clear();
        this.heads.set(partition, { seq, hash: String(item.hash) });
        this.stats.appended++;
        return { auditId, created: true, partition, seq };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        // Another writer took this seq: back off (full jitter) and link after the new head.
        this.stats.conflicts++;
        if (attempt >= this.maxAttempts) throw new AuditContentionError(`could not link ${auditId} in ${partition} after ${attempt} attempts`);
        await sleep(Math.random() * Math.min(100, 4 * 2 ** Math.min(attempt, 5)));
        head = await this.head(partition);
      }
    }
  }

  /** The last record of a partition (by key: a tampered attribute cannot move the head). */
  protected async head(partition: string): Promise<{ seq: number; hash: string } | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': chainPk(partition) },
        ExpressionAttributeNames: { '#hash': 'hash', '#h': 'h' },
        ProjectionExpression: 'sk, #hash, #h',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const top = out.Items?.[0];
    return top ? { seq: Number(top.sk), hash: String(storedHash(top)) } : undefined;
  }

  protected async marker(kind: AuditEvent['kind'], auditId: string, subjectHash?: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: markerKeyFor(kind, auditId, subjectHash), ConsistentRead: true }));
    return out.Item;
  }

  /** The record of an audit id in a partition, searching only after the seq its marker noted. */
  protected async findAfter(partition: string, auditId: string, after = 0): Promise<Record<string, unknown> | undefined> {
    let start: Record<string, unknown> | undefined;
    // The record is usually a few links after the noted head: read a few items first, then more (a query
    // reads and bills up to 1 MB a page before its filter unless limited).
    let limit = FIND_AFTER_FIRST_PAGE;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          // A record names its audit id as `auditId`, or as `id` in the compact form (stored.ts).
          FilterExpression: '#auditId = :id OR #id = :id',
          ExpressionAttributeNames: { '#auditId': 'auditId', '#id': 'id' },
          ExpressionAttributeValues: { ':pk': chainPk(partition), ':after': seqKey(after), ':id': auditId },
          ConsistentRead: true,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      const hit = out.Items?.[0];
      if (hit) return hit;
      start = out.LastEvaluatedKey;
      limit = Math.min(limit * 4, 1000);
    } while (start);
    return undefined;
  }

  /** Lists a new partition in the directory (before its first record, so none goes unlisted). */
  private async registerPartition(partition: string): Promise<void> {
    const day = parsePartition(partition)?.day ?? 'unknown';
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: DIRECTORY_PK, sk: `${day}#${partition}`, partition, day, startedAt: this.now().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }
}

/** The whole trail: appending (AuditAppender) and reading it back, verifying it, the citizen's view. */
export class AuditLog extends AuditAppender {
  /**
   * Withholds a lookup's record from the citizen's view until a date (an investigation); itself audited.
   * `subjectHash`: the subject of the lookup, needed to find a record whose marker is in the subject's collection.
   */
  async hide(target: string, until: Date, reason: string, by: string, subjectHash?: string): Promise<Appended> {
    const record = await this.find(target, 'lookup', subjectHash);
    if (!record) {
      const other = await this.findAny(target, subjectHash);
      throw new AuditRecordNotFoundError(other ? `${target} is a ${other.kind} record; only lookups can be withheld` : `no audit record ${target}`);
    }
    const event: AuditEvent = {
      kind: 'audit-hide',
      at: this.now().toISOString(),
      target,
      hiddenUntil: until.toISOString(),
      reason,
      by,
      ...(record.subjectHash ? { subjectHash: record.subjectHash } : {}),
    };
    return this.record(event, `hide/${randomUUID()}`);
  }

  /**
   * The chained record of an audit id of one kind (a lookup's, by default), if any. A lookup that names
   * a subject is found by its subject (`subjectHash`; its marker is in the subject's collection); without
   * it, only lookups that name none, and those recorded before markers moved there, are found.
   */
  async find<K extends AuditRecord['kind'] = 'lookup'>(
    auditId: string,
    kind?: K,
    subjectHash?: string,
  ): Promise<Extract<AuditRecord, { kind: K }> | undefined> {
    const m = markerPlace((await this.marker(kind ?? 'lookup', auditId, subjectHash)) ?? {});
    if (!m.partition) return undefined;
    const found = await this.findAfter(m.partition, auditId, m.after);
    const item = found ? await this.whole(found) : undefined;
    return item ? (AuditRecord.parse(item) as Extract<AuditRecord, { kind: K }>) : undefined;
  }

  /** The chained record of an audit id, whatever its kind (a lookup naming a subject: given `subjectHash`, see find). */
  async findAny(auditId: string, subjectHash?: string): Promise<AuditRecord | undefined> {
    const found = await Promise.all([...KINDS.map((k) => this.find(auditId, k)), ...(subjectHash ? [this.find(auditId, 'lookup', subjectHash)] : [])]);
    return found.find((r) => r !== undefined);
  }

  /** Every lookup of a subject, newest first. */
  async bySubject(subjectHash: string): Promise<LookupAuditRecord[]> {
    return (await this.subjectRecords(subjectHash)).filter((r): r is LookupAuditRecord => r.kind === 'lookup');
  }

  /**
   * Every record naming a subject (lookups, consent changes, hides), newest first: the lookups listed by
   * their markers in the subject's collection (each found after the head its marker noted), and the
   * records the subject index lists (consent changes, hides, lookups kept before markers moved), each
   * read by key (GetItem, strongly consistent, 16 at a time). A table made before the index kept keys
   * only (a kept NDX_DATA_DIR) still has the first index, with whole records.
   */
  async subjectRecords(subjectHash: string): Promise<AuditRecord[]> {
    const items: AuditRecord[] = [];
    // A record kept in full (one the compact form could not give back) is listed by its marker and by the index: once here.
    const seen = new Set<string>();
    const add = (i: Record<string, unknown>) => {
      const key = `${String(i.pk)}\n${String(i.sk)}`;
      if (seen.has(key)) return;
      seen.add(key);
      const parsed = AuditRecord.safeParse(i);
      // Records of the first, unchained format (a kept NDX_DATA_DIR) are left out.
      if (parsed.success) items.push(parsed.data);
      else if (typeof i.pk === 'string' && i.pk.startsWith('chain#')) items.push(i as AuditRecord);
    };
    for await (const i of this.markedItems(subjectHash)) add(i);
    for await (const i of this.subjectItems(subjectHash)) add(i);
    // Newest first across both (the index gives its own in that order; a sort is stable).
    return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  /** The records of the lookups whose markers are in the subject's collection, a few at a time. */
  private async *markedItems(subjectHash: string): AsyncGenerator<Record<string, unknown>> {
    const markers: Array<Record<string, unknown>> = [];
    for await (const m of queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
      ExpressionAttributeValues: { ':pk': subjectMarkerPk(subjectHash), ':l': SUBJECT_MARKER_PREFIX },
      ConsistentRead: true,
    }))
      markers.push(m);
    for (let i = 0; i < markers.length; i += SUBJECT_READS_AT_ONCE) {
      const page = await Promise.all(
        markers.slice(i, i + SUBJECT_READS_AT_ONCE).map(async (m) => {
          const place = markerPlace(m);
          const auditId = String(m.sk).slice(SUBJECT_MARKER_PREFIX.length);
          // A marker whose record is not there (yet): an append in progress, or stopped before its record (a retry finishes it).
          return place.partition ? this.findAfter(place.partition, auditId, place.after) : undefined;
        }),
      );
      for (const item of page) if (item) yield await this.whole(item);
    }
  }

  private async *subjectItems(subjectHash: string): AsyncGenerator<Record<string, unknown>> {
    const keys: Array<{ pk: string; sk: string }> = [];
    try {
      for await (const k of querySubject(this.doc, this.table, subjectHash, AUDIT_SUBJECT_INDEX)) keys.push({ pk: String(k.pk), sk: String(k.sk) });
    } catch (error) {
      if (!isMissingIndex(error)) throw error;
      yield* querySubject(this.doc, this.table, subjectHash);
      return;
    }
    // GetItem, a few at a time: the readers of the trail (the CLI, the console) may read items by key, not in batches.
    for (let i = 0; i < keys.length; i += SUBJECT_READS_AT_ONCE) {
      const page = await Promise.all(
        keys
          .slice(i, i + SUBJECT_READS_AT_ONCE)
          .map(async (k) => (await this.doc.send(new GetCommand({ TableName: this.table, Key: k, ConsistentRead: true }))).Item),
      );
      for (const item of page) if (item) yield await this.whole(item);
    }
  }

  /** A record as read (stored.ts decodes its stored form), or, for the stub of an archived record, the record read back from the archive. */
  private async whole(item: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!isStub(item)) return decodeRecord(item);
    if (!this.archive) {
      throw new ArchiveUnavailableError(
        `record ${String(item.auditId ?? item.id ?? item.sk)} was archived (${item.archived.key}); give the archive: ${ENV.anchorBucket} on AWS, NDX_DATA_DIR locally`,
      );
    }
    const record = await fromArchive(this.archive, item);
    if (!record)
      throw new ArchiveUnavailableError(
        `record ${String(item.auditId ?? item.id ?? item.sk)} is missing from its archive ${item.archived.key} in ${this.archive.description}`,
      );
    return decodeRecord(record);
  }

  /** The citizen's view: every lookup of the subject, newest first, hidden ones withheld and counted. */
  async trail(subjectHash: string, now: Date = this.now()): Promise<CitizenTrail> {
    return citizenTrail(await this.subjectRecords(subjectHash), now);
  }

  /** Partitions started between two UTC days (inclusive; YYYY-MM-DD), or all. */
  async partitions(range: { from?: string; to?: string } = {}): Promise<string[]> {
    const names: string[] = [];
    let start: Record<string, unknown> | undefined;
    const bounded = range.from !== undefined || range.to !== undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: bounded ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': DIRECTORY_PK, ...(bounded ? { ':from': range.from ?? '0000', ':to': `${range.to ?? '9999'}#~` } : {}) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of out.Items ?? []) if (typeof i.partition === 'string') names.push(i.partition);
      start = out.LastEvaluatedKey;
    } while (start);
    return names;
  }

  /** Every lookup record in the partitions started between two UTC days (inclusive), partition by partition. */
  async *lookups(range: { from?: string; to?: string } = {}): AsyncGenerator<LookupAuditRecord> {
    for (const partition of await this.partitions(range)) {
      for await (const item of queryAll(this.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': chainPk(partition) },
      })) {
        const parsed = AuditRecord.safeParse(decodeRecord(item));
        if (parsed.success && parsed.data.kind === 'lookup') yield parsed.data;
      }
    }
  }

  /** Walks one partition's chain and reports its first broken link (checked against its anchored head, if given). */
  async verifyPartition(partition: string, anchored?: { seq: number; hash: string }): Promise<PartitionReport> {
    const verifier = new ChainVerifier(partition, anchored);
    let start: Record<string, unknown> | undefined;
    read: do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': chainPk(partition) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) if (!verifier.add(item)) break read;
      start = out.LastEvaluatedKey;
    } while (start);
    return verifier.report();
  }

  /**
   * Verifies every partition started in the range (all when none is given). With an anchor, each
   * anchored partition of the range is also checked against its anchored head, and walked even when
   * the directory no longer lists it.
   */
  async verify(range: { from?: string; to?: string } = {}, onPartition?: (report: PartitionReport) => void, anchor?: AuditAnchor): Promise<VerifyReport> {
    const reports: PartitionReport[] = [];
    const heads = anchor ? anchoredHeads(anchor, range) : new Map<string, { seq: number; hash: string }>();
    const names = [...new Set([...(await this.partitions(range)), ...heads.keys()])];
    // Partitions past their retention are walked in the archive (their stubs in DynamoDB hold no chain).
    const archived = await archivedPartitions(this.doc, this.table, range);
    const one = (p: string): Promise<PartitionReport> => {
      const a = archived.get(p);
      if (!a) return this.verifyPartition(p, heads.get(p));
      if (!this.archive)
        return Promise.resolve({
          partition: p,
          records: 0,
          broken: { seq: 1, kind: 'empty', message: `archived to ${a.key}: verifying it needs the archive (${ENV.anchorBucket} on AWS, NDX_DATA_DIR locally)` },
        });
      return verifyArchived(this.archive, a, heads.get(p));
    };
    // A few partitions at a time: each is an independent chain.
    for (let i = 0; i < names.length; i += 8) {
      const batch = await Promise.all(names.slice(i, i + 8).map(one));
      for (const r of batch) onPartition?.(r);
      reports.push(...batch);
    }
    return {
      ok: reports.every((r) => !r.broken),
      ...(range.from ? { from: range.from } : {}),
      ...(range.to ? { to: range.to } : {}),
      records: reports.reduce((n, r) => n + r.records, 0),
      partitions: reports,
      ...(anchor ? { anchor: { takenAt: anchor.takenAt, partitions: heads.size } } : {}),
    };
  }
}
