/**
 * The Lambda shape every ndx SQS consumer shares: middy with the Powertools logger, Powertools batch
 * processing that reports partial failures (one bad record never fails or repeats its neighbours),
 * the idempotency config told about each invocation's deadline, and metrics flushed once per batch.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LookupMetrics } from '../../aws/metrics.ts';

export interface SqsBatchHandlerParts {
  logger: Logger;
  metrics: LookupMetrics;
  /** Registers each invocation's context with the idempotency config. */
  registerContext: (context: Context) => void;
  recordHandler: (record: SQSRecord) => Promise<unknown>;
}

export function sqsBatchHandler(parts: SqsBatchHandlerParts) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(parts.logger))
    .handler(async (event, context) => {
      parts.registerContext(context);
      // A processor per invocation: it holds the batch's state.
      const processor = new BatchProcessor(EventType.SQS);
      try {
        const response = await processPartialResponse(event, parts.recordHandler, processor, { context, throwOnFullBatchFailure: false });
        parts.metrics.recordFailures(response.batchItemFailures.length);
        return response;
      } finally {
        parts.metrics.flush();
      }
    });
}

/** A Lambda entry point built on first use (from the function's environment), then reused. */
export function lazyHandler(create: () => (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) {
  let instance: ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) | undefined;
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    instance ??= create();
    return instance(event, context);
  };
}

/** How many times SQS has delivered this record, from its system attributes. */
export function receiveCount(record: { attributes: { ApproximateReceiveCount?: string } }): number {
  return Number(record.attributes.ApproximateReceiveCount ?? '1') || 1;
}
