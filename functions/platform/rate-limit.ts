/**
 * Per-agency, per-contract rate limits: a fixed one-minute window counted in DynamoDB with one
 * conditional update per lookup (no read-modify-write race). A window allows at most the limit;
 * across a window boundary a burst of up to twice the limit is possible, a known property of fixed
 * windows that keeps the check to one write.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  /** Takes one lookup from the agency's allowance for the contract; false when the window is full. */
  async take(agency: string, contract: string, perMinute: number, now: Date = new Date()): Promise<boolean> {
    const window = Math.floor(now.getTime() / WINDOW_MS);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `${agency}#${contract}#${window}` },
          UpdateExpression: 'ADD #count :one SET #expires = if_not_exists(#expires, :expires)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expires': 'expiresAt' },
          ExpressionAttributeValues: { ':one': 1, ':limit': perMinute, ':expires': Math.ceil(((window + 2) * WINDOW_MS) / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
