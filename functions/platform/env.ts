/** Reading a handler's environment: every variable it needs, or one error naming all that are missing. */
export type Env = Readonly<Record<string, string | undefined>>;

export function requireEnv<K extends string>(env: Env, keys: readonly K[]): Record<K, string> {
  const missing = keys.filter((k) => !env[k]);
  if (missing.length) throw new Error(`missing environment variables: ${missing.join(', ')}`);
  return Object.fromEntries(keys.map((k) => [k, env[k] as string])) as Record<K, string>;
}
