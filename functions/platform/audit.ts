/**
 * The audit trail: one record per lookup, whatever its outcome. Records name the fields released,
 * never their values, and the subject only as a keyed hash. Writes are conditional on the record's
 * key, so a redelivered message never produces a second record.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Basis, STATUSES, ALL_CODES, type Code } from '../../contracts/protocol.ts';

export const AuditRecord = z.strictObject({
  pk: z.string(),
  sk: z.string(),
  auditId: z.string(),
  at: z.iso.datetime(),
  consumer: z.string(),
  onBehalfOf: z.string().optional(),
  requestId: z.string().nullable(),
  receivedMessageId: z.string(),
  contract: z.string().optional(),
  version: z.string().optional(),
  purpose: z.string().optional(),
  basis: Basis.optional(),
  registry: z.string().optional(),
  subjectHash: z.string().optional(),
  fields: z.array(z.string()),
  status: z.enum(STATUSES),
  code: z.enum(ALL_CODES as [Code, ...Code[]]),
  recordedBy: z.enum(['router', 'adapter']),
});
export type AuditRecord = z.infer<typeof AuditRecord>;
export type AuditEntry = Omit<AuditRecord, 'pk' | 'sk' | 'auditId'>;

/** The audit id of a lookup: stable across redeliveries of the same request. */
export function auditIdOf(consumer: string, requestId: string | null, receivedMessageId: string): string {
  return requestId ? `${consumer}/${requestId}` : `${consumer}/message/${receivedMessageId}`;
}

export class AuditLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  /** Appends the record; returns false when it was already there (a redelivery). */
  async append(entry: AuditEntry): Promise<{ auditId: string; created: boolean }> {
    const auditId = auditIdOf(entry.consumer, entry.requestId, entry.receivedMessageId);
    const item: AuditRecord = AuditRecord.parse({ ...entry, pk: `lookup#${auditId}`, sk: 'record', auditId });
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { auditId, created: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
        return { auditId, created: false };
      }
      throw error;
    }
  }

  /** Every access to a subject, newest first. */
  async bySubject(subjectHash: string): Promise<AuditRecord[]> {
    const items: AuditRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'bySubject',
          KeyConditionExpression: 'subjectHash = :s',
          ExpressionAttributeValues: { ':s': subjectHash },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map((i) => AuditRecord.parse(i)));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
