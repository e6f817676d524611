/**
 * Where ndx is, one rule for `npm start` and the CLI, in this order:
 *   1. `--endpoint URL` (the CLI's option);
 *   2. NDX_PORT: the local engine at http://localhost:$NDX_PORT (the port `npm start` listens on);
 *   3. standard AWS configuration: AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_SQS / _DYNAMODB), or a
 *      profile (AWS_PROFILE), resolved by the AWS SDK;
 *   4. the local engine's default, http://localhost:4566.
 * `--aws` skips 1, 2 and 4: real AWS with the standard credentials and region.
 */
import { DEFAULT_PORT } from './local.ts';

export type EndpointSource = '--endpoint' | 'NDX_PORT' | 'AWS_ENDPOINT_URL' | 'AWS_PROFILE' | '--aws' | 'default';

export interface Endpoint {
  /** undefined: the AWS SDK resolves it from standard configuration (a profile, or real AWS). */
  url: string | undefined;
  source: EndpointSource;
}

export class EndpointConfigError extends Error {
  override readonly name = 'EndpointConfigError';
}

/** The port of the local engine: NDX_PORT, else 4566; 0 lets `npm start` take any free port (tests). */
export function localPort(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.NDX_PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new EndpointConfigError(`NDX_PORT must be a port number from 1 to 65535, got "${raw}"`);
  return port;
}

export function resolveEndpoint(options: { endpoint?: string; aws?: boolean }, env: Readonly<Record<string, string | undefined>>): Endpoint {
  if (options.aws) {
    if (options.endpoint) throw new EndpointConfigError('give --endpoint or --aws, not both');
    return { url: undefined, source: '--aws' };
  }
  if (options.endpoint !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(options.endpoint))
      throw new EndpointConfigError(`--endpoint takes a URL such as http://localhost:4566, got "${options.endpoint}"`);
    return { url: options.endpoint, source: '--endpoint' };
  }
  if (env.NDX_PORT) {
    const port = localPort(env);
    if (port === 0) throw new EndpointConfigError('NDX_PORT=0 lets npm start take any free port; give ndx the port it printed (NDX_PORT=<port> or --endpoint)');
    return { url: `http://localhost:${port}`, source: 'NDX_PORT' };
  }
  const standard = env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL_DYNAMODB;
  if (standard) return { url: standard, source: 'AWS_ENDPOINT_URL' };
  if (env.AWS_PROFILE) return { url: undefined, source: 'AWS_PROFILE' };
  return { url: `http://localhost:${DEFAULT_PORT}`, source: 'default' };
}
