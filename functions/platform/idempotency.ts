/**
 * Idempotency on a DynamoDB table with Powertools: a lookup is processed once per
 * (agency, requestId); a redelivery returns the stored reply and has no second effect.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient } from './clients.ts';

/**
 * Longer than any queue's retention (4 days) plus a DLQ's (14 days), so a message redriven from a
 * DLQ at the last moment is still recognised.
 */
export const IDEMPOTENCY_TTL_SECONDS = 15 * 24 * 3600;

/** The input of an idempotent step: `key` identifies it, the rest is not part of the key. */
export interface KeyedInput {
  key: string;
}

export interface Idempotent<I extends KeyedInput, O> {
  run: (input: I) => Promise<O>;
  registerContext: (context: Context) => void;
}

/** `keyPrefix` names the step (e.g. `ndx-router`), so two functions sharing the table never collide. */
export function idempotent<I extends KeyedInput, O extends object>(table: string, keyPrefix: string, fn: (input: I) => Promise<O>): Idempotent<I, O> {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamoClient() });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS });
  const run = makeIdempotent(fn, { persistenceStore, config, keyPrefix }) as (input: I) => Promise<O>;
  return { run, registerContext: (context) => config.registerLambdaContext(context) };
}
