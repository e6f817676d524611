/**
 * Structured logging with Powertools. Handlers log identifiers of the exchange (request ids,
 * contract, purpose, agency, outcome), never personal data: no subjects, names or record values.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
