/** A registry source backed by the registry's DynamoDB table, keyed by the subject's key attribute. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { RegistryUnavailableError, type RegistrySource, type SourceRecord } from './types.ts';

export interface DynamoSourceOptions<S extends z.ZodType<{ updatedAt: string }>> {
  doc: DynamoDBDocumentClient;
  table: string;
  /** The subject key that is the table's partition key. */
  keyAttribute: string;
  schema: S;
}

export function dynamoSource<S extends z.ZodType<{ updatedAt: string }>>(options: DynamoSourceOptions<S>): RegistrySource {
  return {
    async get(subject): Promise<SourceRecord | undefined> {
      const key = subject[options.keyAttribute];
      if (key === undefined) return undefined;
      let item: Record<string, unknown> | undefined;
      try {
        const out = await options.doc.send(new GetCommand({ TableName: options.table, Key: { [options.keyAttribute]: key } }));
        item = out.Item;
      } catch (error) {
        throw new RegistryUnavailableError(`registry table ${options.table} did not answer: ${(error as Error).name}`, { cause: error });
      }
      if (!item) return undefined;
      const record = options.schema.parse(item);
      return { view: record as Record<string, unknown>, updatedAt: record.updatedAt };
    },
  };
}
