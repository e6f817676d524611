/** What a registry module is: its table design, its list queries, and how it builds its source. */
import type { Env } from '../config/env.ts';
import type { RegistrySource } from '../domain/lookup/registry-source.ts';

/** The table a registry module reads: it must match the registry's entry in ndx.config.ts. */
export interface TableDesign {
  key: { partition: string; sort?: string };
  indexes: ReadonlyArray<{ name: string; partition: string; sort?: string }>;
}

export interface RegistryModule {
  id: string;
  /** The key and indexes the module's DynamoDB source expects. */
  table: TableDesign;
  /** The list queries the module answers (contracts name them in `list.query`). */
  queries: readonly string[];
  /** Whether the module can read from an agency system over HTTP (`source: { kind: 'http' }`). */
  http: boolean;
  createSource(env: Env): RegistrySource;
}
