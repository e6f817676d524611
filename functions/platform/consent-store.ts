/** Consent records in DynamoDB: granted terms are written once; only status and events change. */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConsentRecord, type ConsentEvent } from './consent.ts';
import type { z } from 'zod';

export interface GrantInput {
  subjectHash: string;
  consumer: string;
  contract: string;
  major: number;
  purposes: string[];
  categories: string[];
  validFrom: Date;
  validUntil: Date;
  notice: ConsentRecord['notice'];
  collection: ConsentRecord['collection'];
  by: string;
  consentId?: string;
}

export type ConsentChange = 'PAUSED' | 'RESUMED' | 'REVOKED';

export class ConsentNotFoundError extends Error {
  override readonly name = 'ConsentNotFoundError';
}

export class ConsentTransitionError extends Error {
  override readonly name = 'ConsentTransitionError';
}

const NEXT: Record<ConsentChange, { from: ConsentRecord['status'][]; to: ConsentRecord['status'] }> = {
  PAUSED: { from: ['ACTIVE'], to: 'PAUSED' },
  RESUMED: { from: ['PAUSED'], to: 'ACTIVE' },
  REVOKED: { from: ['ACTIVE', 'PAUSED'], to: 'REVOKED' },
};

export class ConsentStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async get(consentId: string): Promise<ConsentRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { consentId }, ConsistentRead: true }));
    return out.Item ? ConsentRecord.parse(out.Item) : undefined;
  }

  async grant(input: GrantInput, now: Date = new Date()): Promise<ConsentRecord> {
    const at = now.toISOString();
    const record: ConsentRecord = ConsentRecord.parse({
      consentId: input.consentId ?? `cns-${randomUUID()}`,
      subjectHash: input.subjectHash,
      consumer: input.consumer,
      contract: input.contract,
      major: input.major,
      purposes: input.purposes,
      categories: input.categories,
      validFrom: input.validFrom.toISOString(),
      validUntil: input.validUntil.toISOString(),
      notice: input.notice,
      collection: input.collection,
      status: 'ACTIVE',
      grantedAt: at,
      events: [{ at, type: 'GRANTED', by: input.by }],
    });
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(consentId)' }),
    );
    return record;
  }

  /** Pauses, resumes or revokes; refuses transitions the lifecycle does not allow. */
  async change(consentId: string, change: ConsentChange, by: string, reason?: string, now: Date = new Date()): Promise<ConsentRecord> {
    const current = await this.get(consentId);
    if (!current) throw new ConsentNotFoundError(`no consent ${consentId}`);
    const rule = NEXT[change];
    if (!rule.from.includes(current.status)) {
      throw new ConsentTransitionError(`a ${current.status} consent cannot be ${change.toLowerCase()}`);
    }
    const event: z.infer<typeof ConsentEvent> = { at: now.toISOString(), type: change, by, ...(reason ? { reason } : {}) };
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { consentId },
        UpdateExpression: 'SET #status = :to, events = list_append(events, :event)',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': rule.to, ':from': current.status, ':event': [event] },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return ConsentRecord.parse(out.Attributes);
  }

  async listBySubject(subjectHash: string): Promise<ConsentRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'bySubject',
        KeyConditionExpression: 'subjectHash = :s',
        ExpressionAttributeValues: { ':s': subjectHash },
        ScanIndexForward: false,
      }),
    );
    return (out.Items ?? []).map((i) => ConsentRecord.parse(i));
  }
}
