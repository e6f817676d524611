/**
 * Consent records in DynamoDB (`ndx-consents`, key consentId): the signed terms are written once;
 * only status, events and use counters change, each by one conditional update.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemReader } from './batch-get.ts';
import { querySubject } from './query-all.ts';
import { ConsentRecord, ConsentTerms, periodKeyOf, signConsent, type ConsentEvent } from '../domain/consent/consent.ts';
import {
  ConsentNotFoundError,
  ConsentTermsError,
  ConsentTransitionError,
  type ConsentChange,
  type ConsentRepository,
  type GrantInput,
} from '../domain/consent/service.ts';
import { isConditionalFailure } from './dynamo-errors.ts';

const NEXT: Record<ConsentChange, { from: ConsentRecord['status'][]; to: ConsentRecord['status'] }> = {
  PAUSED: { from: ['ACTIVE'], to: 'PAUSED' },
  RESUMED: { from: ['PAUSED'], to: 'ACTIVE' },
  REVOKED: { from: ['ACTIVE', 'PAUSED'], to: 'REVOKED' },
};

export class ConsentStore implements ConsentRepository {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly signingKey: Buffer | undefined;
  /** Strongly consistent reads; those made together (one batch of lookups) leave as one BatchGetItem. */
  private readonly read: ReturnType<typeof itemReader>;

  /** `signingKey` (see consentSigningKey) is needed only to grant; reading and changing status need none. */
  constructor(doc: DynamoDBDocumentClient, table: string, signingKey?: Buffer) {
    this.doc = doc;
    this.table = table;
    this.signingKey = signingKey;
    this.read = itemReader(doc, table, { consistentRead: true });
  }

  async get(consentId: string): Promise<ConsentRecord | undefined> {
    const item = await this.read({ consentId });
    if (!item) return undefined;
    // A record that no longer parses (edited by hand) is as good as no consent.
    const parsed = ConsentRecord.safeParse(item);
    return parsed.success ? parsed.data : undefined;
  }

  /** Writes new, signed terms (never over an existing id). */
  async grant(input: GrantInput, now: Date = new Date()): Promise<ConsentRecord> {
    if (!this.signingKey) throw new ConsentTermsError('granting a consent needs the platform signing key (ConsentStore constructed without one)');
    if (input.validUntil.getTime() <= input.validFrom.getTime()) throw new ConsentTermsError('validUntil must be after validFrom');
    const at = now.toISOString();
    const checked = ConsentTerms.safeParse({
      consentId: input.consentId ?? `cns-${randomUUID()}`,
      subjectHash: input.subjectHash,
      consumer: input.consumer,
      contract: input.contract,
      major: input.major,
      purposes: [...new Set(input.purposes)],
      categories: [...new Set(input.categories)].sort(),
      validFrom: input.validFrom.toISOString(),
      validUntil: input.validUntil.toISOString(),
      ...(input.limits ? { limits: input.limits } : {}),
      notice: input.notice,
      collection: input.collection,
      grantedAt: at,
      ...(input.replaces ? { replaces: input.replaces } : {}),
    });
    if (!checked.success) {
      throw new ConsentTermsError(`invalid consent terms: ${checked.error.issues.map((i) => `${i.path.join('.') || 'terms'}: ${i.message}`).join('; ')}`);
    }
    const terms = checked.data;
    const record: ConsentRecord = ConsentRecord.parse({
      ...terms,
      signature: signConsent(terms, this.signingKey),
      status: 'ACTIVE',
      events: [{ at, type: 'GRANTED', by: input.by }],
    });
    await this.doc.send(new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(consentId)' }));
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
    const event: ConsentEvent = { at: now.toISOString(), type: change, by, ...(reason ? { reason } : {}) };
    try {
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
    } catch (error) {
      if (isConditionalFailure(error)) throw new ConsentTransitionError(`consent ${consentId} changed meanwhile; read it again and retry`);
      throw error;
    }
  }

  /**
   * Counts one use of a consent that has use limits, for one request: one conditional update, so
   * concurrent lookups can never together exceed a limit. Counting the same request again (a retry
   * after a crash) is recognised by `lastUse` and allowed without counting twice. False when a
   * limit is reached.
   */
  async use(consent: ConsentRecord, useId: string, now: Date = new Date()): Promise<boolean> {
    const limits = consent.limits;
    if (!limits) return true;
    const names: Record<string, string> = { '#useCount': 'useCount', '#lastUse': 'lastUse' };
    const values: Record<string, unknown> = { ':one': 1, ':zero': 0, ':use': useId };
    const conditions = ['(attribute_not_exists(#lastUse) OR #lastUse <> :use)'];
    if (limits.maxUses !== undefined) {
      conditions.push('(attribute_not_exists(#useCount) OR #useCount < :maxUses)');
      values[':maxUses'] = limits.maxUses;
    }
    const set = ['#useCount = if_not_exists(#useCount, :zero) + :one', '#lastUse = :use'];
    const attempts: Array<{ set: string[]; condition: string[] }> = [];
    if (limits.perPeriod) {
      names['#periodKey'] = 'periodKey';
      names['#periodCount'] = 'periodCount';
      values[':period'] = periodKeyOf(limits.perPeriod.period, now);
      values[':perPeriod'] = limits.perPeriod.uses;
      // Either the current period continues (count below its limit) or a new period starts at 1.
      const same = { set: [...set, '#periodCount = #periodCount + :one'], condition: [...conditions, '#periodKey = :period', '#periodCount < :perPeriod'] };
      const fresh = {
        set: [...set, '#periodKey = :period', '#periodCount = :one'],
        condition: [...conditions, '(attribute_not_exists(#periodKey) OR #periodKey <> :period)'],
      };
      attempts.push(same, fresh, same);
    } else {
      attempts.push({ set, condition: conditions });
    }
    for (const attempt of attempts) {
      const expression = `${attempt.set.join(' ')} ${attempt.condition.join(' ')}`;
      // DynamoDB refuses names and values an expression does not use.
      const used = (k: string) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(expression);
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { consentId: consent.consentId },
            UpdateExpression: `SET ${attempt.set.join(', ')}`,
            ConditionExpression: `attribute_exists(consentId) AND ${attempt.condition.join(' AND ')}`,
            ExpressionAttributeNames: Object.fromEntries(Object.entries(names).filter(([k]) => used(k))),
            ExpressionAttributeValues: Object.fromEntries(Object.entries(values).filter(([k]) => used(k))),
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    // Every form was refused: either this request was already counted, or a limit is reached.
    const current = await this.get(consent.consentId);
    return current?.lastUse === useId;
  }

  async listBySubject(subjectHash: string): Promise<ConsentRecord[]> {
    const records: ConsentRecord[] = [];
    for await (const i of querySubject(this.doc, this.table, subjectHash)) {
      const parsed = ConsentRecord.safeParse(i);
      if (parsed.success) records.push(parsed.data);
    }
    return records;
  }
}
