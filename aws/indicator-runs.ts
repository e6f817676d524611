/**
 * The partials of indicator runs on DynamoDB (`ndx-indicator-runs`): per run and segment, the chunks
 * of each attempt and the commit naming the attempt that counts (domain/indicators/run.ts has the
 * protocol). Partition key `pk` = `<registry>#<run>#<segment>`, so a run's segments spread over
 * partitions and each function's grant can name its registry's keys (`<registry>#*`); sort key `sk` =
 * `commit` or `chunk#<attempt>#<index>`. Counts and codes only; items expire a week after they are
 * written (`expiresAt`, TTL).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PartialChunk, PartialCommit, type PartialPorts } from '../domain/indicators/run.ts';
import { queryAll } from './query-all.ts';

/** How long a run's partials are kept (for a look after a failed run), in seconds. */
export const RUN_ITEM_TTL_SECONDS = 7 * 24 * 3600;

/** The partition key of a segment's partial (also what grants match: `<registry>#*`). */
export function runPartitionKey(registry: string, run: string, segment: number): string {
  return `${registry}#${run}#${String(segment).padStart(7, '0')}`;
}

export class IndicatorRunStore implements PartialPorts {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly now: () => Date;

  constructor(doc: DynamoDBDocumentClient, table: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.table = table;
    this.now = now;
  }

  private expiresAt(): number {
    return Math.floor(this.now().getTime() / 1000) + RUN_ITEM_TTL_SECONDS;
  }

  async putChunk(registry: string, run: string, segment: number, attempt: string, index: number, chunk: PartialChunk): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: runPartitionKey(registry, run, segment), sk: `chunk#${attempt}#${String(index).padStart(5, '0')}`, ...chunk, expiresAt: this.expiresAt() },
      }),
    );
  }

  async commit(registry: string, run: string, segment: number, commit: PartialCommit): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: runPartitionKey(registry, run, segment), sk: 'commit', ...commit, expiresAt: this.expiresAt() } }),
    );
  }

  async getCommit(registry: string, run: string, segment: number): Promise<PartialCommit | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: runPartitionKey(registry, run, segment), sk: 'commit' }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _e, ...commit } = out.Item;
    return PartialCommit.parse(commit);
  }

  async getChunks(registry: string, run: string, segment: number, attempt: string): Promise<PartialChunk[]> {
    const chunks: PartialChunk[] = [];
    for await (const item of queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': runPartitionKey(registry, run, segment), ':prefix': `chunk#${attempt}#` },
      ConsistentRead: true,
    })) {
      const { pk: _pk, sk: _sk, expiresAt: _e, ...chunk } = item;
      chunks.push(PartialChunk.parse(chunk));
    }
    return chunks;
  }
}
