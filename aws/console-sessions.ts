/**
 * Console sessions in DynamoDB (`ndx-console-sessions`, key `key`): the SHA-256 of each session token
 * and of each sign-in's state, never a token itself; items expire by TTL (`expiresAt`), and the domain
 * checks the deadline too (domain/console/session.ts).
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord, SessionStore, SignInRecord } from '../domain/console/session.ts';

export class ConsoleSessionTable implements SessionStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async put(record: SessionRecord | SignInRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': 'key' } }),
    );
  }

  async get(key: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { key }, ConsistentRead: true }));
    return out.Item;
  }

  async take(key: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { key }, ReturnValues: 'ALL_OLD' }));
    return out.Attributes;
  }

  async delete(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { key } }));
  }
}
