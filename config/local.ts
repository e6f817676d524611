/** Defaults of the local engine, importable without loading the engine itself. */

/** The key that hashes subjects in local runs. Real deployments keep theirs in Secrets Manager. */
export const LOCAL_PEPPER = 'ndx-local-development-pepper-not-for-production';
/** The key the router signs forwarded lookups with in local runs (version `local`). Real deployments keep it in Secrets Manager. */
export const LOCAL_FORWARDING_KEY = 'ndx-local-development-forwarding-key-not-for-production';
export const DEFAULT_PORT = 4566;
export const DEFAULT_REGION = 'ap-southeast-1';
/** The account id in local queue URLs and ARNs (as LocalStack uses). */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** What the local engine's `GET /_ndx/health` says it is, so a client knows it talks to ndx's engine and not another service on the port. */
export const LOCAL_ENGINE_MARK = 'ndx-local-engine';
