/**
 * The contract registry (DynamoDB table `ndx-contracts`): the lifecycle state of every contract
 * version — who proposed and approved it, when it was published, deprecated or retired — and the
 * digest of its content at proposal. Version content (schemas, terms) is code in contracts/; the
 * registry makes a published version's content immutable by refusing any version whose code no
 * longer matches the digest it was published with.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { versionDigest } from '../contracts/digest.ts';
import { addApproval, assertTransition, LifecycleError, VersionRecord, type Action, type ApproverRole } from '../contracts/lifecycle.ts';
import type { ContractDefinition, VersionDefinition } from '../contracts/model.ts';
import { ConcurrentChangeError, type ContractRegistryPort } from '../domain/contracts/lifecycle-service.ts';
import { ContractRecords } from './contract-records.ts';
import { isConditionalFailure } from './dynamo-errors.ts';

export { VersionRecord };

/** The record changed between its read and its conditional write (someone else acted meanwhile). */
export class RegistryConflictError extends ConcurrentChangeError {
  override readonly name = 'RegistryConflictError';
}

/**
 * Stores lifecycle state; the rules (governance, sunset, who may act) are domain/contracts/lifecycle-service.ts's.
 * Reading is ContractRecords' (contract-records.ts), all that the functions answering lookups use.
 */
export class ContractRegistry extends ContractRecords implements ContractRegistryPort {
  async propose(definition: ContractDefinition, version: VersionDefinition, by: string, now = new Date()): Promise<VersionRecord> {
    const existing = await this.record(definition.id, version.version);
    const from = existing?.status ?? 'draft';
    assertTransition('propose', from);
    const at = now.toISOString();
    const item: VersionRecord = {
      contractId: definition.id,
      version: version.version,
      status: 'proposed',
      digest: versionDigest(version),
      approvals: [],
      events: [...(existing?.events ?? []), { at, action: 'propose', by, from, to: 'proposed' }],
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: existing ? '#status = :draft' : 'attribute_not_exists(contractId)',
          ...(existing ? { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':draft': 'draft' } } : {}),
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new RegistryConflictError(`${definition.id}@${version.version} changed meanwhile; try again`);
      throw error;
    }
    return item;
  }

  async approve(definition: ContractDefinition, version: VersionDefinition, role: ApproverRole, by: string, now = new Date()): Promise<VersionRecord> {
    const current = await this.require(definition.id, version.version);
    assertTransition('approve', current.status);
    this.assertUnchanged(current, version);
    const at = now.toISOString();
    const { approvals, complete } = addApproval(current.approvals, { role, by, at }, definition.stewards);
    const to = complete ? 'approved' : 'proposed';
    return this.update(current, 'approve', by, to, now, { approvals }, `as ${role}`, 'size(approvals) = :n', { ':n': current.approvals.length });
  }

  async withdraw(definition: ContractDefinition, version: string, by: string, now = new Date()): Promise<VersionRecord> {
    const current = await this.require(definition.id, version);
    return this.update(current, 'withdraw', by, assertTransition('withdraw', current.status), now, { approvals: [] });
  }

  /** Marks an approved version active. Governance (semver, compatibility) is checked by the caller before. */
  async publish(definition: ContractDefinition, version: VersionDefinition, by: string, now = new Date()): Promise<VersionRecord> {
    const current = await this.require(definition.id, version.version);
    const to = assertTransition('publish', current.status);
    this.assertUnchanged(current, version);
    return this.update(current, 'publish', by, to, now, { publishedAt: now.toISOString() });
  }

  async deprecate(definition: ContractDefinition, version: string, sunset: string, by: string, now = new Date()): Promise<VersionRecord> {
    const current = await this.require(definition.id, version);
    const to = assertTransition('deprecate', current.status);
    return this.update(current, 'deprecate', by, to, now, { sunset }, `sunset ${sunset}`);
  }

  async retire(definition: ContractDefinition, version: string, by: string, now = new Date(), note?: string): Promise<VersionRecord> {
    const current = await this.require(definition.id, version);
    return this.update(current, 'retire', by, assertTransition('retire', current.status), now, {}, note);
  }

  private async require(contractId: string, version: string): Promise<VersionRecord> {
    const r = await this.record(contractId, version);
    if (!r) throw new LifecycleError(`${contractId}@${version} is a draft (not in the registry): propose it first`);
    return r;
  }

  private assertUnchanged(record: VersionRecord, version: VersionDefinition): void {
    if (versionDigest(version) !== record.digest) {
      throw new LifecycleError(
        `${record.contractId}@${record.version} differs from what was proposed (${record.digest}); a published or proposed version is immutable: ` +
          (record.status === 'proposed' ? 'withdraw and propose it again' : 'make the change in a new version'),
      );
    }
  }

  private async update(
    current: VersionRecord,
    action: Action,
    by: string,
    to: VersionRecord['status'],
    now: Date,
    set: Partial<Pick<VersionRecord, 'approvals' | 'sunset' | 'publishedAt'>>,
    note?: string,
    extraCondition?: string,
    extraValues: Record<string, unknown> = {},
  ): Promise<VersionRecord> {
    const event = { at: now.toISOString(), action, by, from: current.status, to, ...(note ? { note } : {}) };
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':from': current.status, ':to': to, ':event': [event], ...extraValues };
    const sets = ['#status = :to', 'events = list_append(events, :event)'];
    for (const [k, v] of Object.entries(set)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { contractId: current.contractId, version: current.version },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: ['#status = :from', ...(extraCondition ? [extraCondition] : [])].join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return VersionRecord.parse(out.Attributes);
    } catch (error) {
      if (isConditionalFailure(error)) throw new RegistryConflictError(`${current.contractId}@${current.version} changed meanwhile; try again`);
      throw error;
    }
  }
}
