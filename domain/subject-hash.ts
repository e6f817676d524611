/**
 * Subjects are stored and audited as keyed hashes (HMAC-SHA256 with a platform secret, the
 * "pepper"), never as clear identifiers. The same person hashes the same way in every table, so a
 * citizen's view can find every access, while a leaked table reveals no identifier.
 */
import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV } from '../config/names.ts';
import type { Env } from '../config/env.ts';

export type SubjectHasher = (subject: Readonly<Record<string, string>>) => string;

export function subjectHasher(pepper: string): SubjectHasher {
  return (subject) => {
    const canonical = Object.keys(subject)
      .sort()
      .map((k) => `${k}=${subject[k]}`)
      .join('&');
    return createHmac('sha256', pepper).update(canonical).digest('hex');
  };
}

const cache = new Map<string, Promise<string>>();

/** The pepper: NDX_PEPPER when set (local runs), else the Secrets Manager secret NDX_PEPPER_SECRET_ID. */
export function loadPepper(env: Env): Promise<string> {
  const direct = env[ENV.pepper];
  if (direct) return Promise.resolve(direct);
  const secretId = env[ENV.pepperSecretId];
  if (!secretId) return Promise.reject(new Error(`set ${ENV.pepper} or ${ENV.pepperSecretId}`));
  let pending = cache.get(secretId);
  if (!pending) {
    pending = new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((out) => {
        if (!out.SecretString) throw new Error(`secret ${secretId} has no string value`);
        return out.SecretString;
      });
    pending.catch(() => cache.delete(secretId));
    cache.set(secretId, pending);
  }
  return pending;
}
