/**
 * The forwarding key: the router signs each forwarded lookup with it, the adapters verify (forwarded.ts).
 *
 * On AWS it is the Secrets Manager secret NDX_FORWARDING_KEY_SECRET_ID. Rotation adds a version: the
 * router signs with the version staged AWSCURRENT and names it in the MAC; an adapter fetches exactly
 * that version and accepts it while it is AWSCURRENT or AWSPREVIOUS, so lookups signed just before a
 * rotation still verify, and a key rotated out twice verifies nothing. Locally, NDX_FORWARDING_KEY
 * holds the key itself (version `local`).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Env } from '../config/env.ts';
import type { ForwardingKey } from '../domain/lookup/forwarded.ts';
import { ENV } from '../config/names.ts';

/** How long a fetched key version is trusted before its stage is read again. */
const CACHE_MS = 5 * 60_000;
const ACCEPTED_STAGES = ['AWSCURRENT', 'AWSPREVIOUS'];
const NO_SUCH_VERSION = ['ResourceNotFoundException', 'InvalidParameterException', 'ValidationException'];

export class ForwardingKeyError extends Error {
  override readonly name = 'ForwardingKeyError';
}

export interface ForwardingKeys {
  /** The key to sign with now. */
  current(): Promise<ForwardingKey>;
  /** The key of a version a MAC names, if that version may still verify; undefined otherwise. */
  version(id: string): Promise<ForwardingKey | undefined>;
}

export function forwardingKeys(env: Env, client: () => SecretsManagerClient = () => new SecretsManagerClient({})): ForwardingKeys {
  const direct = env[ENV.forwardingKey];
  if (direct) {
    const key: ForwardingKey = { version: 'local', secret: direct };
    return { current: async () => key, version: async (id) => (id === key.version ? key : undefined) };
  }
  const secretId = env[ENV.forwardingKeySecretId];
  if (!secretId) {
    const missing = () => Promise.reject(new ForwardingKeyError(`set ${ENV.forwardingKey} or ${ENV.forwardingKeySecretId}`));
    return { current: missing, version: missing };
  }
  const cache = new Map<string, { at: number; key: Promise<ForwardingKey | undefined> }>();
  let sm: SecretsManagerClient | undefined;
  const fetch = (selector: { VersionId?: string; VersionStage?: string }): Promise<ForwardingKey | undefined> => {
    sm ??= client();
    return sm.send(new GetSecretValueCommand({ SecretId: secretId, ...selector })).then(
      (out) => {
        if (!out.SecretString || !out.VersionId) throw new ForwardingKeyError(`secret ${secretId} has no string value`);
        const stages = out.VersionStages ?? [];
        return stages.some((s) => ACCEPTED_STAGES.includes(s)) ? { version: out.VersionId, secret: out.SecretString } : undefined;
      },
      (error: unknown) => {
        // A version the secret never had (or a malformed id, as a forger might write): no key, not a fault.
        if (selector.VersionId && NO_SUCH_VERSION.includes((error as Error)?.name)) return undefined;
        throw error;
      },
    );
  };
  const cached = (cacheKey: string, load: () => Promise<ForwardingKey | undefined>) => {
    const hit = cache.get(cacheKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.key;
    const key = load();
    key.catch(() => cache.delete(cacheKey));
    if (cache.size > 16) cache.clear();
    cache.set(cacheKey, { at: Date.now(), key });
    return key;
  };
  return {
    current: async () => {
      const key = await cached('AWSCURRENT', () => fetch({ VersionStage: 'AWSCURRENT' }));
      if (!key) throw new ForwardingKeyError(`secret ${secretId} has no AWSCURRENT version`);
      return key;
    },
    version: (id) => cached(`v:${id}`, () => fetch({ VersionId: id })),
  };
}
