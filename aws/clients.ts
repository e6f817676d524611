/**
 * AWS SDK v3 clients, created once per process and reused across invocations. Endpoints, region and
 * credentials come from standard AWS configuration (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS,
 * AWS_REGION, profiles...), so the same code talks to real AWS, LocalStack or ndx's local engine.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

let dynamo: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;

export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({});
  return dynamo;
}

export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}

export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}
