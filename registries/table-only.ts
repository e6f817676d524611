/** For registry modules that read only their DynamoDB table. */
import type * as z from 'zod';
import { documentClient } from '../aws/clients.ts';
import { requireEnv, type Env } from '../config/env.ts';
import { ENV } from '../config/names.ts';
import { dynamoSource } from './dynamo-source.ts';
import { httpSettings } from './source.ts';
import type { RegistryModule } from './types.ts';
import { REGISTRY_TABLES } from '../config/registry-tables.ts';

/** Refuses an HTTP source for a module that has none, at start-up rather than on the first lookup. */
export function assertTableSource(env: Env, registryId: string): void {
  if (httpSettings(env)) throw new Error(`registry ${registryId} has no HTTP source; remove its source setting from ndx.config.ts`);
}

/** A registry of one record per person in its own table, keyed by national ID (population, social insurance). */
export function tableByNationalId(id: 'population' | 'social-insurance', schema: z.ZodType<{ updatedAt: string }>): RegistryModule {
  const { key } = REGISTRY_TABLES[id];
  return {
    id,
    table: REGISTRY_TABLES[id],
    queries: [],
    http: false,
    createSource(env) {
      assertTableSource(env, id);
      const vars = requireEnv(env, [ENV.registryTable]);
      return dynamoSource({
        doc: documentClient(),
        table: vars[ENV.registryTable],
        key,
        keyOf: (s) => (s.nationalId ? { nationalId: s.nationalId } : undefined),
        schema,
      });
    },
  };
}
