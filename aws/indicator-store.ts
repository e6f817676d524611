/**
 * The indicator aggregates on DynamoDB (`ndx-indicators`): one item per indicator (partition key) and
 * period (sort key), holding counts by cell and when they were computed. Counts and codes only.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Aggregate } from '../domain/indicators/aggregate.ts';
import { writeAll } from './batch-write.ts';
import { queryAll } from './query-all.ts';

/** Reading the aggregates: what the functions that answer indicator requests need. */
export class IndicatorAggregates {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async get(indicator: string, period: string): Promise<Aggregate | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { indicator, period } }));
    return out.Item ? Aggregate.parse(out.Item) : undefined;
  }

  /** Every period of an indicator, oldest first (the trend). */
  async periods(indicator: string): Promise<Aggregate[]> {
    const items: Aggregate[] = [];
    for await (const item of queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: '#i = :i',
      ExpressionAttributeNames: { '#i': 'indicator' },
      ExpressionAttributeValues: { ':i': indicator },
    }))
      items.push(Aggregate.parse(item));
    return items;
  }
}

/** Reading and writing the aggregates (the indicators job). */
export class IndicatorStore extends IndicatorAggregates {
  /** Writes aggregates, each replacing the item of its indicator and period. */
  async write(aggregates: readonly Aggregate[]): Promise<void> {
    await writeAll(
      this.doc,
      this.table,
      aggregates.map((a) => Aggregate.parse(a)),
      { concurrency: 4 },
    );
  }
}
