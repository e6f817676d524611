/** Every item a DynamoDB query returns, page after page (LastEvaluatedKey followed to the end). */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export async function* queryAll(doc: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield* out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Every item of a table's subject index (keyed by `subjectHash`; `bySubject` unless named) for one subject, newest first. */
export function querySubject(
  doc: DynamoDBDocumentClient,
  table: string,
  subjectHash: string,
  indexName = 'bySubject',
): AsyncGenerator<Record<string, unknown>> {
  return queryAll(doc, {
    TableName: table,
    IndexName: indexName,
    KeyConditionExpression: 'subjectHash = :s',
    ExpressionAttributeValues: { ':s': subjectHash },
    ScanIndexForward: false,
  });
}
