/**
 * Structured logging with Powertools. Handlers log identifiers of the exchange (request ids,
 * contract, purpose, agency, outcome), never personal data: no subjects, names or record values.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Env } from '../config/env.ts';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
type Level = (typeof LEVELS)[number];

/** A logger configured from the handler's environment (not the process's: the local engine runs several handlers in one process). */
export function createLogger(serviceName: string, env: Env = process.env): Logger {
  const level = env.POWERTOOLS_LOG_LEVEL?.toUpperCase();
  return new Logger({ serviceName, ...(level && (LEVELS as readonly string[]).includes(level) ? { logLevel: level as Level } : {}) });
}
