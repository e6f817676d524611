/**
 * Idempotency on a DynamoDB table with Powertools: a stage (router, adapter) processes a lookup once per
 * (agency, requestId). The stored result is the stage's StageOutcome (codes, ids and digests: no
 * personal data), and the request's keyed digest is validated, so a different request under a used id
 * is told apart (IdempotencyValidationError). A result read back from the store is marked `replayed`,
 * so the caller can apply the resend protocol (resend.ts) instead of staying silent.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient } from './clients.ts';
import { REQUEST_ID_WINDOW_SECONDS, StageOutcome } from '../domain/lookup/resend.ts';

export { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';

/** The domain's request-id window (resend.ts REQUEST_ID_WINDOW_SECONDS): 15 days. */
export const IDEMPOTENCY_TTL_SECONDS = REQUEST_ID_WINDOW_SECONDS;

/** The input of an idempotent step: `key` identifies it, `digest` (the request's keyed digest) must match on a resend. */
export interface KeyedInput {
  key: string;
  digest: string;
}

/** A stage's outcome, and whether it was read back from the store (the request was handled before). */
export type Ran = StageOutcome & { replayed?: true };

export interface Idempotent<I extends KeyedInput> {
  run: (input: I) => Promise<Ran>;
  registerContext: (context: Context) => void;
}

/** `keyPrefix` names the step (e.g. `ndx-router`): each function's records start with it (IAM scopes them by it). */
export function idempotent<I extends KeyedInput>(table: string, keyPrefix: string, fn: (input: I) => Promise<StageOutcome>): Idempotent<I> {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamoClient() });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'digest',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    // Only records read back pass through the hook: fresh results are not marked.
    responseHook: (response) => ({ ...StageOutcome.parse(response), replayed: true }),
  });
  const run = makeIdempotent(fn, { persistenceStore, config, keyPrefix }) as (input: I) => Promise<Ran>;
  return { run, registerContext: (context) => config.registerLambdaContext(context) };
}
