/**
 * What a registry module provides to the generic adapter: how to fetch a record for a subject, and
 * the pages of its named list queries (its source), and how records look to contracts (their views).
 * Adding a registry is a config entry plus one module implementing this.
 */

/** A record as contracts see it: field names match contract response (or list item) fields. */
export type RecordView = Readonly<Record<string, unknown>>;

export interface SourceRecord {
  view: RecordView;
  /** When the registry last changed the record (ISO datetime). */
  updatedAt: string;
}

/**
 * Where a list query resumes: opaque to the adapter, which seals it into a signed page token. A
 * DynamoDB source uses the last item's key; an HTTP source the upstream's cursor string.
 */
export type Cursor = string | Readonly<Record<string, string>>;

export interface PageQuery {
  /** Items wanted, at most the contract's maximum page size. */
  size: number;
  /** Where the previous page ended; absent for the first page. */
  after?: Cursor;
}

export interface SourcePage {
  items: SourceRecord[];
  /** Present only when more items follow. */
  next?: Cursor;
}

/** Where a registry's records live: its DynamoDB table, or an agency's existing system. */
export interface RegistrySource {
  /** The record the subject designates, or undefined when there is none. */
  get(subject: Readonly<Record<string, string>>): Promise<SourceRecord | undefined>;
  /**
   * One page of a named list query (a contract's `list.query`) for a subject, in a stable order. A
   * cursor the source did not issue for this subject is refused with `InvalidCursorError`.
   */
  query?(name: string, subject: Readonly<Record<string, string>>, page: PageQuery): Promise<SourcePage>;
}

/** Thrown by a source when the registry cannot answer now; the adapter retries, then replies REGISTRY_UNAVAILABLE. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/** A cursor that does not belong to the query and subject it came with (the adapter answers SCHEMA_VIOLATION). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}
