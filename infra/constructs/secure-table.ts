/**
 * SecureTable: a DynamoDB table with ndx's defaults: on-demand capacity, encryption with a
 * customer-managed KMS key, point-in-time recovery, and, in production, deletion protection and
 * retention on stack deletion.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface SecureTableIndex {
  readonly indexName: string;
  readonly partitionKey: dynamodb.Attribute;
  readonly sortKey?: dynamodb.Attribute;
  /**
   * What the index copies of each item: every attribute, or only the keys (readers then fetch the
   * items by key; each entry costs a fraction of the storage and a write unit whatever the item's size).
   * @default dynamodb.ProjectionType.ALL
   */
  readonly projectionType?: dynamodb.ProjectionType.ALL | dynamodb.ProjectionType.KEYS_ONLY;
}

export interface SecureTableProps {
  /** Physical table name (from config/names.ts). */
  readonly tableName: string;
  readonly partitionKey: dynamodb.Attribute;
  readonly sortKey?: dynamodb.Attribute;
  readonly encryptionKey: kms.IKey;
  readonly globalSecondaryIndexes?: readonly SecureTableIndex[];
  /** Attribute holding an expiry time in epoch seconds. */
  readonly timeToLiveAttribute?: string;
  /** Production: deletion protection on and the table retained on stack deletion. */
  readonly production: boolean;
  /**
   * Read and write units per second the table and each of its indexes serve from the start (DynamoDB
   * warm throughput), for a peak above what a new on-demand table serves (12,000 reads, 4,000 writes).
   * @default - none: the on-demand start, grown by use
   */
  readonly warmThroughput?: dynamodb.WarmThroughput;
}

/** DynamoDB actions, grouped by what ndx's functions really call (each handler's SDK commands). */
/** GetItem and BatchGetItem: point reads (aws/batch-get.ts coalesces them). */
export const ITEM_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] as const;
/**
 * The audit trail (aws/audit-log.ts): conditional PutItem for markers, records and the
 * partition directory; GetItem for a marker; Query for heads and records. No update, no delete: a
 * writer can add a record but never change one (a put over an existing key fails its condition).
 */
export const AUDIT_WRITER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'] as const;
/** Powertools idempotency's DynamoDB persistence layer: exactly the four commands it sends. */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
/** KMS actions DynamoDB needs from a caller for reads, and for writes, on a CMK-encrypted table. */
export const KMS_TABLE_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
export const KMS_TABLE_WRITE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] as const;

export interface TableGrant {
  /** Also name each index (for Query on an index). @default true */
  readonly indexes?: boolean;
  /**
   * Only items whose partition key matches one of these patterns (`dynamodb:LeadingKeys`, StringLike,
   * every key the request touches): e.g. `ndx-router#*` for the router's idempotency records.
   */
  readonly leadingKeys?: readonly string[];
}

export class SecureTable extends Construct {
  readonly table: dynamodb.Table;
  readonly tableName: string;
  readonly encryptionKey: kms.IKey;
  private readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: SecureTableProps) {
    super(scope, id);
    this.tableName = props.tableName;
    this.encryptionKey = props.encryptionKey;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: props.partitionKey,
      sortKey: props.sortKey,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      timeToLiveAttribute: props.timeToLiveAttribute,
      ...(props.warmThroughput ? { warmThroughput: props.warmThroughput } : {}),
    });
    acknowledge(this.table, 'NIST.800.53.R5-DynamoDBInBackupPlan');
    this.indexNames = [];
    for (const gsi of props.globalSecondaryIndexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: gsi.partitionKey,
        sortKey: gsi.sortKey,
        projectionType: gsi.projectionType ?? dynamodb.ProjectionType.ALL,
        ...(props.warmThroughput ? { warmThroughput: props.warmThroughput } : {}),
      });
      this.indexNames.push(gsi.indexName);
    }
  }

  get tableArn(): string {
    return this.table.tableArn;
  }

  /** The table's ARN and each index's ARN, named one by one (no `index/*` wildcard). */
  resourceArns(): string[] {
    return [this.table.tableArn, ...this.indexNames.map((n) => `${this.table.tableArn}/index/${n}`)];
  }

  /**
   * Identity-policy statements for the given item actions on this table (and, unless `indexes` is
   * false, each index), plus the KMS actions they need on the table's key.
   */
  statements(actions: readonly string[], write: boolean, grant: TableGrant = {}): iam.PolicyStatement[] {
    const leading = grant.leadingKeys?.length ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] } } : undefined;
    return [
      new iam.PolicyStatement({
        actions: [...actions],
        resources: grant.indexes === false ? [this.table.tableArn] : this.resourceArns(),
        ...(leading ? { conditions: leading } : {}),
      }),
      new iam.PolicyStatement({
        actions: [...(write ? KMS_TABLE_WRITE_ACTIONS : KMS_TABLE_READ_ACTIONS)],
        resources: [this.encryptionKey.keyArn],
      }),
    ];
  }
}
