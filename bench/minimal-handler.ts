/** The baseline for Lambda cost: a handler that only imports the DynamoDB and SQS clients. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

const ddb = new DynamoDBClient({});
const sqs = new SQSClient({});

export const handler = async (): Promise<{ ok: boolean }> => ({ ok: Boolean(ddb && sqs) });
