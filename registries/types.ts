/** What a registry module is: its table design, its list queries, and how it builds its source. */
import type { Env } from '../config/env.ts';
import type { TableDesign } from '../config/registry-tables.ts';
import type { RegistrySource } from '../domain/lookup/registry-source.ts';

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
