/** Choosing a registry's source from the adapter's environment: its table, or its agency's system. */
import type { Env } from '../config/env.ts';
import { ENV } from '../config/names.ts';

export interface HttpSettings {
  baseUrl: string;
  timeoutMs: number;
  attempts: number;
}

/** The HTTP source settings when NDX_REGISTRY_SOURCE_URL is set (the CDK app sets all three). */
export function httpSettings(env: Env): HttpSettings | undefined {
  const baseUrl = env[ENV.registrySourceUrl];
  if (!baseUrl) return undefined;
  const timeoutMs = Number(env[ENV.registrySourceTimeoutMs] ?? 2000);
  const attempts = Number(env[ENV.registrySourceAttempts] ?? 3);
  if (!(timeoutMs > 0) || !(Number.isInteger(attempts) && attempts >= 1)) {
    throw new Error(`${ENV.registrySourceTimeoutMs} and ${ENV.registrySourceAttempts} must be positive numbers`);
  }
  return { baseUrl, timeoutMs, attempts };
}
