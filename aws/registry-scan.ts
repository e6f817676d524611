/**
 * Reading one segment of a registry table with DynamoDB's parallel Scan (Segment of TotalSegments),
 * page by page, projecting only the attributes asked for. Eventually consistent reads: half the read
 * units of strong ones, and an aggregate of a whole table has no single instant anyway.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export async function scanSegment(
  doc: DynamoDBDocumentClient,
  table: string,
  segment: number,
  totalSegments: number,
  attributes: readonly string[],
  onPage: (items: Record<string, unknown>[]) => void,
): Promise<void> {
  const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: table,
        Segment: segment,
        TotalSegments: totalSegments,
        ExclusiveStartKey: start,
        ...(attributes.length ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
      }),
    );
    onPage(out.Items ?? []);
    start = out.LastEvaluatedKey;
  } while (start);
}
