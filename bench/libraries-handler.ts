/**
 * A second baseline for Lambda cost: a handler that loads and sets up the libraries a lookup function
 * stands on, as the router and the adapter do, with none of ndx's own code. It imports the AWS SDK clients
 * the router imports (DynamoDB with lib-dynamodb, SQS, Secrets Manager), builds a Powertools logger, a
 * metrics emitter, an idempotent step over the DynamoDB persistence layer and an SQS batch processor
 * behind middy, and builds one zod object schema (zod readies its internals on the first one).
 *
 * Its cold import against the minimal handler's is what these libraries cost before ndx adds anything
 * (bench/lambda-cost.ts): the part of the router's and the adapter's ratio that no change to ndx's code
 * can remove while the functions use them.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';

const dynamo = new DynamoDBClient({});
const doc = DynamoDBDocumentClient.from(dynamo);
const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});
const logger = new Logger({ serviceName: 'libraries-baseline' });
const metrics = new Metrics({ namespace: 'ndx', serviceName: 'libraries-baseline' });
const Message = z.strictObject({ requestId: z.uuid(), contract: z.string() });
const step = makeIdempotent(async (input: { requestId: string }) => ({ ok: input.requestId }), {
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'idempotency', awsSdkV3Client: dynamo }),
  config: new IdempotencyConfig({ eventKeyJmesPath: 'requestId' }),
});
const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  await step(Message.parse(JSON.parse(record.body)));
}

export const handler = middy(
  (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false }),
).use(injectLambdaContext(logger));

/** What the handler sets up and does not call, exported so that it is used (esbuild keeps what is constructed either way). */
export const parts = { doc, sqs, secrets, metrics };
