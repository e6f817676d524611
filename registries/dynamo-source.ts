/**
 * A registry source backed by the registry's DynamoDB table: a record by its key (a subject key is
 * the partition key, with a fixed sort key value when the table has one), and named list queries on
 * the table's global secondary indexes, a page at a time.
 *
 * Pages are exact: the source asks for one item more than the page holds, so it knows whether more
 * follow and never hands out a token to an empty page. The cursor is the key of the page's last item
 * (table key and index key), which is what DynamoDB's `ExclusiveStartKey` takes.
 *
 * Reads by key made together (the records of one batch) are coalesced into one BatchGetItem.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemReader } from '../aws/batch-get.ts';
import type { z } from 'zod';
import {
  InvalidCursorError,
  RegistryUnavailableError,
  type Cursor,
  type RecordView,
  type RegistrySource,
  type SourcePage,
  type SourceRecord,
} from '../domain/lookup/registry-source.ts';

type Subject = Readonly<Record<string, string>>;
type Item = Record<string, unknown>;

export interface DynamoQuerySpec {
  /** The global secondary index the query reads. */
  index: string;
  indexKey: { partition: string; sort: string };
  /** The index partition value for a subject; undefined when the subject has none (an empty list). */
  partitionOf: (subject: Subject) => string | undefined;
  /** Each item, parsed (a row that does not fit is a fault of the registry, not of the caller). */
  schema: z.ZodType<{ updatedAt: string }>;
  view?: (item: never) => RecordView;
}

export interface DynamoSourceOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  /** Attribute names of the table key. */
  key: { partition: string; sort?: string };
  /** The key of the record a subject designates, or undefined when it designates none. */
  keyOf: (subject: Subject) => Record<string, string> | undefined;
  schema: z.ZodType<{ updatedAt: string }>;
  view?: (record: never) => RecordView;
  queries?: Readonly<Record<string, DynamoQuerySpec>>;
}

const unavailable = (table: string, error: unknown) =>
  new RegistryUnavailableError(`registry table ${table} did not answer: ${(error as Error).name}`, { cause: error });

export function dynamoSource(options: DynamoSourceOptions): RegistrySource {
  const { doc, table } = options;
  const tableKeyNames = [options.key.partition, ...(options.key.sort ? [options.key.sort] : [])];
  // Records read together (one batch of lookups) leave as one BatchGetItem.
  const read = itemReader(doc, table);

  function record(schema: z.ZodType<{ updatedAt: string }>, view: ((r: never) => RecordView) | undefined, item: Item): SourceRecord {
    const parsed = schema.parse(item);
    return { view: view ? view(parsed as never) : (parsed as RecordView), updatedAt: parsed.updatedAt };
  }

  return {
    async get(subject) {
      const key = options.keyOf(subject);
      if (!key) return undefined;
      let item: Item | undefined;
      try {
        item = await read(key);
      } catch (error) {
        throw unavailable(table, error);
      }
      return item ? record(options.schema, options.view, item) : undefined;
    },

    async query(name, subject, page): Promise<SourcePage> {
      const spec = options.queries?.[name];
      if (!spec) throw new Error(`registry table ${table} has no query ${name}`);
      const partition = spec.partitionOf(subject);
      if (partition === undefined) return { items: [] };
      const cursorKeys = [...new Set([...tableKeyNames, spec.indexKey.partition, spec.indexKey.sort])].sort();
      let start: Record<string, string> | undefined;
      if (page.after !== undefined) start = checkCursor(page.after, cursorKeys, spec.indexKey.partition, partition);
      let items: Item[];
      let more: boolean;
      try {
        const out = await doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: spec.index,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': spec.indexKey.partition },
            ExpressionAttributeValues: { ':pk': partition },
            Limit: page.size + 1,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items = out.Items ?? [];
        // More follow when the extra item came back, or when DynamoDB stopped early (1 MB per call).
        more = items.length > page.size || out.LastEvaluatedKey !== undefined;
      } catch (error) {
        throw unavailable(table, error);
      }
      const pageItems = items.slice(0, page.size);
      const last = pageItems.at(-1);
      const next: Cursor | undefined = more && last ? Object.fromEntries(cursorKeys.map((k) => [k, String(last[k])])) : undefined;
      return { items: pageItems.map((i) => record(spec.schema, spec.view, i)), ...(next ? { next } : {}) };
    },
  };
}

/** A cursor must be exactly the key of an item of this query's partition. */
function checkCursor(cursor: Cursor, keys: readonly string[], partitionAttribute: string, partition: string): Record<string, string> {
  if (typeof cursor !== 'object' || cursor === null) throw new InvalidCursorError('not a table cursor');
  const names = Object.keys(cursor).sort();
  if (names.join('\u0000') !== keys.join('\u0000')) throw new InvalidCursorError('cursor has other attributes than the query key');
  for (const k of names) {
    const v = cursor[k];
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw new InvalidCursorError(`cursor attribute ${k} is not a key value`);
  }
  if (cursor[partitionAttribute] !== partition) throw new InvalidCursorError('cursor belongs to another subject');
  return { ...cursor };
}
