/**
 * Idempotency on a DynamoDB table with Powertools: a stage (router, adapter) processes a lookup once per
 * (agency, requestId). The stored result is the stage's StageOutcome (codes, ids and digests: no
 * personal data), and the request's keyed digest is validated, so a different request under a used id
 * is told apart (IdempotencyValidationError). A result read back from the store is marked `replayed`,
 * so the caller can apply the resend protocol (resend.ts) instead of staying silent.
 *
 * Two ways to be once, on the same records:
 * - `run`: Powertools' own (a record in progress, then completed: two writes), for a step whose effect
 *   must not happen twice (an answer: its audit record and reply);
 * - `record` (the router's forwards): an outcome decided before its effect is stored completed in one
 *   conditional write, then the effect is made. The effect must be safe to make again: a redelivery
 *   that finds the record makes it again (resend.ts `reforward`), since it cannot know whether the
 *   first attempt made it. Written through Powertools' persistence layer, so `run` reads it as its own.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient } from './clients.ts';
import type { KeyedRouteInput, OnceStep, Ran } from '../domain/lookup/intake.ts';
import { REQUEST_ID_WINDOW_SECONDS, StageOutcome } from '../domain/lookup/resend.ts';

export { IdempotencyAlreadyInProgressError, IdempotencyValidationError };
export type { Ran };

/** The domain's request-id window (resend.ts REQUEST_ID_WINDOW_SECONDS): 15 days. */
export const IDEMPOTENCY_TTL_SECONDS = REQUEST_ID_WINDOW_SECONDS;

/** The input of an idempotent step: `key` identifies it, `digest` (the request's keyed digest) must match on a resend. */
export interface KeyedInput {
  key: string;
  digest: string;
}

export interface Idempotent<I extends KeyedInput> {
  run: (input: I) => Promise<Ran>;
  registerContext: (context: Context) => void;
}

/** What the router's records are keyed on: the input (its `key` and `digest`), with the step that makes its outcome. */
interface StepData {
  input: KeyedRouteInput;
  step: () => Promise<StageOutcome>;
}

/** Powertools reads the key and digest out of the payload by JMESPath (`input.key`, `input.digest`): the rest is never serialized. */
const asPayload = (data: StepData) => data as unknown as Parameters<DynamoDBPersistenceLayer['getRecord']>[0];

/** Powertools' attribute names, stated so the one-write record below writes the very item Powertools reads. */
const ATTRIBUTES = {
  keyAttr: 'id',
  statusAttr: 'status',
  expiryAttr: 'expiration',
  inProgressExpiryAttr: 'in_progress_expiration',
  dataAttr: 'data',
  validationKeyAttr: 'validation',
} as const;

/**
 * Powertools' DynamoDB persistence layer (its documented extension point: a subclass overriding the
 * record writes), plus `saveCompleted`: a completed record written in one conditional put, with the
 * condition Powertools puts an in-progress record under (no record, or an expired one). Powertools
 * builds the record (hashed key, payload hash, expiry); only the write differs.
 */
class OnceRecordLayer extends DynamoDBPersistenceLayer {
  readonly #table: string;
  #exclusive = false;

  constructor(table: string) {
    super({ tableName: table, awsSdkV3Client: dynamoClient(), ...ATTRIBUTES });
    this.#table = table;
  }

  /** Stores `result` as the completed outcome of `data`'s key; throws IdempotencyItemAlreadyExistsError when the key is taken. */
  saveCompleted(data: StepData, result: StageOutcome): Promise<void> {
    // saveSuccess builds the record and hands it to _updateRecord in the same turn: the flag marks that one call.
    this.#exclusive = true;
    try {
      return this.saveSuccess(asPayload(data), result);
    } finally {
      this.#exclusive = false;
    }
  }

  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    if (!this.#exclusive) return super._updateRecord(record);
    const now = Date.now();
    const a = ATTRIBUTES;
    try {
      await dynamoClient().send(
        new PutItemCommand({
          TableName: this.#table,
          Item: marshall(
            {
              [a.keyAttr]: record.idempotencyKey,
              [a.statusAttr]: record.getStatus(),
              [a.expiryAttr]: record.expiryTimestamp,
              [a.dataAttr]: record.responseData,
              [a.validationKeyAttr]: record.payloadHash,
            },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#ipe) AND #ipe < :nowMs)',
          ExpressionAttributeNames: { '#id': a.keyAttr, '#expiry': a.expiryAttr, '#status': a.statusAttr, '#ipe': a.inProgressExpiryAttr },
          ExpressionAttributeValues: marshall({ ':now': now / 1000, ':nowMs': now, ':inprogress': 'INPROGRESS' }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new IdempotencyItemAlreadyExistsError(`idempotency key taken: ${record.idempotencyKey}`);
      throw error;
    }
  }
}

function configFor(eventKeyJmesPath: string, payloadValidationJmesPath: string): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath,
    payloadValidationJmesPath,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    // Only records read back pass through the hook: fresh results are not marked.
    responseHook: (response) => ({ ...StageOutcome.parse(response), replayed: true }),
  });
}

/** `keyPrefix` names the step (e.g. `ndx-router`): each function's records start with it (IAM scopes them by it). */
export function idempotent<I extends KeyedInput>(table: string, keyPrefix: string, fn: (input: I) => Promise<StageOutcome>): Idempotent<I> {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamoClient() });
  const config = configFor('key', 'digest');
  const run = makeIdempotent(fn, { persistenceStore, config, keyPrefix }) as (input: I) => Promise<Ran>;
  return { run, registerContext: (context) => config.registerLambdaContext(context) };
}

/**
 * The router's records (`keyPrefix` ndx-router), both ways (see above), under the keys and digests the
 * router's records have always had: a record either way is read by the other, and by an earlier version.
 */
export function onceRecords(table: string, keyPrefix: string): OnceStep & { registerContext(context: Context): void } {
  const layer = new OnceRecordLayer(table);
  // The step travels with its input; the key and digest are read from the input, as before.
  const config = configFor('input.key', 'input.digest');
  const stepped = makeIdempotent((x: StepData) => x.step(), { persistenceStore: layer, config, keyPrefix }) as (x: StepData) => Promise<Ran>;
  // The layer is configured by makeIdempotent on its first call: do it now, so `record` may come first.
  layer.configure({ config, keyPrefix });
  return {
    run: (input, step) => stepped({ input, step }),
    async record(input, outcome) {
      const data: StepData = { input, step: () => Promise.resolve(outcome) };
      try {
        await layer.saveCompleted(data, outcome);
        return undefined;
      } catch (error) {
        if (!(error instanceof IdempotencyItemAlreadyExistsError)) throw error;
      }
      // Taken: the record met, read consistently (validated against this request's digest: a different request throws IdempotencyValidationError).
      const met = await layer.getRecord(asPayload(data));
      if (met.getStatus() !== 'COMPLETED') throw new IdempotencyAlreadyInProgressError(`a request with this key is in progress: ${met.idempotencyKey}`, met);
      return { ...StageOutcome.parse(met.getResponse()), replayed: true };
    },
    isReused: (error) => error instanceof IdempotencyValidationError,
    isInProgress: (error) => error instanceof IdempotencyAlreadyInProgressError,
    registerContext: (context) => config.registerLambdaContext(context),
  };
}
