/** What the DynamoDB adapters share: telling a failed condition from a fault, and waiting between retries. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write that lost (the item was there, or not as expected): an expected outcome, not a fault. */
export function isConditionalFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/** Waits `ms` milliseconds (a retry's backoff). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
