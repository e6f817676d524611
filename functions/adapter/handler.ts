// Placeholder until the real handler lands; keeps the CDK app synthesizable.
import type { SQSBatchResponse } from 'aws-lambda';
export const handler = async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [] });
