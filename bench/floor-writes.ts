/**
 * The benchmark's second baseline, "the floor with the writes": the floor's calls plus the four conditional
 * writes a lookup's guarantees make, as ndx makes them, in the order it makes them, with items of the sizes
 * ndx stores:
 * - the rate-limit take: ndx's own update (aws/rate-limit.ts `takeUpdate`), under a limit never reached here, one item per window;
 * - the router's record of the request (about 650 bytes, stored for 15 days);
 * - the audit marker (about 225 bytes with DynamoDB's overhead) and the audit record (about 750): what the audit
 *   keeps of a lookup, about 980 bytes, each written only if not there yet.
 *
 * No second hop, no checks, no function: the least a lookup with ndx's guarantees can cost on the same engine,
 * so that its ratios to the floor show the part of ndx's that its own code does not make.
 * test/integration/budgets.test.ts checks that these writes weigh what ndx's do (write units and bytes).
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { takeUpdate } from '../aws/rate-limit.ts';

export const FLOOR_WRITES_TABLE = 'ndx-bench-floor-writes';

/** The rate-limit items' keys start so (one item per window, not per lookup). */
export const FLOOR_RATE_PREFIX = 'rate#';

/** Padding of each item, so that it stores what ndx's does (sizes from the budgets test's measurement). */
const PADDING = { routerRecord: 500, marker: 14, auditRecord: 603 } as const;

/** The table the writes go to (keys pk and sk, on demand, as ndx's tables). */
export async function createFloorWritesTable(client: DynamoDBClient): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: FLOOR_WRITES_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}

/** One lookup's four writes, one after another as ndx makes them (4 write units). */
export async function floorWrites(doc: DynamoDBDocumentClient, requestId: string, subjectHash: string, now: Date = new Date()): Promise<void> {
  const window = Math.floor(now.getTime() / 60_000);
  // ndx's take (aws/rate-limit.ts), under a limit never reached here.
  const key = { pk: `${FLOOR_RATE_PREFIX}hanoi-land-office#population.identity-verification#${window}`, sk: 'count' };
  await doc.send(new UpdateCommand(takeUpdate(FLOOR_WRITES_TABLE, key, 1, 1_000_000, (window + 2) * 60)));
  const put = (pk: string, sk: string, bytes: number) =>
    doc.send(
      new PutCommand({
        TableName: FLOOR_WRITES_TABLE,
        Item: { pk, sk, data: 'x'.repeat(bytes) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  await put(`router#${requestId}`, 'record', PADDING.routerRecord);
  await put(`s#${subjectHash}`, `l#${requestId}`, PADDING.marker);
  await put(`chain#${requestId.slice(0, 2)}`, requestId, PADDING.auditRecord);
}
