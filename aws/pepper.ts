/** The pepper (the key of subject hashes and request digests): from the environment locally, else from Secrets Manager. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Env } from '../config/env.ts';
import { ENV } from '../config/names.ts';

const cache = new Map<string, Promise<string>>();

/** The pepper: NDX_PEPPER when set (local runs), else the Secrets Manager secret NDX_PEPPER_SECRET_ID. */
export function loadPepper(env: Env): Promise<string> {
  const direct = env[ENV.pepper];
  if (direct) return Promise.resolve(direct);
  const secretId = env[ENV.pepperSecretId];
  if (!secretId) return Promise.reject(new Error(`set ${ENV.pepper} or ${ENV.pepperSecretId}`));
  let pending = cache.get(secretId);
  if (!pending) {
    pending = new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
      if (!out.SecretString) throw new Error(`secret ${secretId} has no string value`);
      return out.SecretString;
    });
    pending.catch(() => cache.delete(secretId));
    cache.set(secretId, pending);
  }
  return pending;
}
