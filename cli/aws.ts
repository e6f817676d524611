/**
 * How the CLI reaches ndx: the local engine by default, any endpoint with --endpoint or
 * AWS_ENDPOINT_URL, or real AWS with --aws (standard credential and region resolution).
 */
import { LOCAL_PEPPER } from '../config/local.ts';

export const DEFAULT_LOCAL_ENDPOINT = 'http://localhost:4566';

export interface Target {
  endpoint: string | undefined;
  local: boolean;
}

/** Sets standard AWS configuration in this process before any SDK client is created. */
export function useTarget(options: { endpoint?: string; aws?: boolean }): Target {
  if (options.aws) return { endpoint: undefined, local: false };
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL ?? process.env.AWS_ENDPOINT_URL_SQS ?? DEFAULT_LOCAL_ENDPOINT;
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= process.env.AWS_DEFAULT_REGION ?? 'ap-southeast-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const local = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?/.test(endpoint);
  if (local) process.env.NDX_PEPPER ??= LOCAL_PEPPER;
  return { endpoint, local };
}

/** A readable sentence for the errors people meet first. */
export function explainAwsError(error: unknown, target: Target): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED' || e.name === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message ?? '')) {
    return `cannot reach ${target.endpoint ?? 'AWS'}: is the local platform running? Start it with \`npm start\`, or pass --endpoint.`;
  }
  if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue') {
    return `${e.message ?? 'queue not found'}: check the agency id (see ndx.config.ts) and that the platform is deployed.`;
  }
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
}
