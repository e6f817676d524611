/** Reading a handler's environment: every variable it needs, or one error naming all that are missing. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What a handler can be given besides its environment: seams for the local engine and tests. */
export interface HandlerDeps {
  /** The contract definitions (default: contracts/catalog.ts). */
  findContract?: (id: string) => import('../contracts/model.ts').ContractDefinition | undefined;
}

export function requireEnv<K extends string>(env: Env, keys: readonly K[]): Record<K, string> {
  const missing = keys.filter((k) => !env[k]);
  if (missing.length) throw new Error(`missing environment variables: ${missing.join(', ')}`);
  return Object.fromEntries(keys.map((k) => [k, env[k] as string])) as Record<K, string>;
}
