/**
 * How the CLI reaches ndx (config/endpoint.ts: --endpoint, NDX_PORT, standard AWS configuration,
 * the local default), and whether what answers there is ndx's local engine: it says so on
 * `GET /_ndx/health`, whatever its host name. Only then are the local engine's keys used, and only
 * then does `ndx seed` write synthetic data without --force.
 */
import { LOCAL_ENGINE_MARK, LOCAL_PEPPER } from '../config/local.ts';
import { DEFAULT_PORT } from '../config/local.ts';
import { resolveEndpoint, type EndpointSource } from '../config/endpoint.ts';

export const DEFAULT_LOCAL_ENDPOINT = `http://localhost:${DEFAULT_PORT}`;

export interface Target {
  endpoint: string | undefined;
  source: EndpointSource;
  /** The endpoint is ndx's local engine (it said so). */
  local: boolean;
}

/** Whether `url` is ndx's local engine: its health check names it. Unreachable or anything else: no. */
export async function isLocalEngine(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/_ndx/health', url), { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { engine?: unknown };
    return body.engine === LOCAL_ENGINE_MARK;
  } catch {
    return false;
  }
}

/** Resolves the target and sets standard AWS configuration in this process before any SDK client is created. */
export async function useTarget(options: { endpoint?: string; aws?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const { url, source } = resolveEndpoint(options, env);
  if (url === undefined) return { endpoint: undefined, source, local: false };
  env.AWS_ENDPOINT_URL = url;
  env.AWS_REGION ??= env.AWS_DEFAULT_REGION ?? 'ap-southeast-1';
  env.AWS_ACCESS_KEY_ID ??= 'test';
  env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const local = await isLocalEngine(url);
  if (local) env.NDX_PEPPER ??= LOCAL_PEPPER;
  return { endpoint: url, source, local };
}

/** A readable sentence for the errors people meet first. */
export function explainAwsError(error: unknown, target: Target): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED' || e.name === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message ?? '')) {
    return `cannot reach ${target.endpoint ?? 'AWS'} (endpoint from ${target.source}): is the local platform running? Start it with \`npm start\`, or pass --endpoint.`;
  }
  if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue') {
    return `${e.message ?? 'queue not found'}: check the agency id (see ndx.config.ts) and that the platform is deployed.`;
  }
  if (e.name === 'CredentialsProviderError' || /credential/i.test(e.message ?? '')) {
    return `no AWS credentials for ${target.endpoint ?? 'AWS'}: configure a profile (AWS_PROFILE) or keys, or use the local platform (npm start).`;
  }
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
}
