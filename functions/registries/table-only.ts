/** For registry modules that read only their DynamoDB table. */
import type { Env } from '../platform/env.ts';
import { httpSettings } from './source.ts';

/** Refuses an HTTP source for a module that has none, at start-up rather than on the first lookup. */
export function assertTableSource(env: Env, registryId: string): void {
  if (httpSettings(env)) throw new Error(`registry ${registryId} has no HTTP source; remove its source setting from ndx.config.ts`);
}
