/**
 * What a registry module provides to the generic adapter: how to fetch a record for a subject
 * (its source), and how a record looks to contracts (its view). Adding a registry is a config entry
 * plus one module implementing this.
 */
import type { Env } from '../platform/env.ts';

/** A record as contracts see it: field names match contract response fields. */
export type RecordView = Readonly<Record<string, unknown>>;

export interface SourceRecord {
  view: RecordView;
  /** When the registry last changed the record (ISO datetime). */
  updatedAt: string;
}

/** Where a registry's records live: its DynamoDB table, or an agency's existing system. */
export interface RegistrySource {
  get(subject: Readonly<Record<string, string>>): Promise<SourceRecord | undefined>;
}

/** Thrown by a source when the registry cannot answer now; the adapter retries, then replies REGISTRY_UNAVAILABLE. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

export interface RegistryModule {
  id: string;
  createSource(env: Env): RegistrySource;
}
