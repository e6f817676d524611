/**
 * Reading the contract registry (DynamoDB table `ndx-contracts`): the lifecycle state of a contract's
 * versions, and the contract as the functions that answer lookups serve it. The lifecycle workflow's
 * writes are ContractRegistry's (contract-registry.ts), in a module of their own so that their code
 * (and the lifecycle rules) stays out of those functions' bundles.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { versionDigest } from '../contracts/digest.ts';
import { VersionRecord } from '../contracts/lifecycle.ts';
import { withLifecycle, type Contract, type ContractDefinition, type Lifecycle } from '../contracts/model.ts';

export class ContractRecords {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;

  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async records(contractId: string): Promise<VersionRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'contractId = :c',
        ExpressionAttributeValues: { ':c': contractId },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => VersionRecord.parse(i));
  }

  async record(contractId: string, version: string): Promise<VersionRecord | undefined> {
    return (await this.records(contractId)).find((r) => r.version === version);
  }

  /**
   * The contract as the router sees it. A version whose code no longer matches the digest it was
   * proposed and published with is served as a draft, i.e. not at all: published content never changes.
   */
  async contract(definition: ContractDefinition): Promise<{ contract: Contract; tampered: string[] }> {
    const records = await this.records(definition.id);
    const lifecycle = new Map<string, Lifecycle>();
    const tampered: string[] = [];
    for (const r of records) {
      const code = definition.versions.find((v) => v.version === r.version);
      if (!code) continue;
      if (r.status !== 'draft' && versionDigest(code) !== r.digest) {
        tampered.push(r.version);
        continue;
      }
      lifecycle.set(r.version, { status: r.status, ...(r.sunset ? { sunset: r.sunset } : {}) });
    }
    return { contract: withLifecycle(definition, lifecycle), tampered };
  }
}
