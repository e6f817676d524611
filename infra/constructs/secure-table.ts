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
}

export interface SecureTableProps {
  /** Physical table name (from functions/platform/names.ts). */
  readonly tableName: string;
  readonly partitionKey: dynamodb.Attribute;
  readonly sortKey?: dynamodb.Attribute;
  readonly encryptionKey: kms.IKey;
  readonly globalSecondaryIndexes?: readonly SecureTableIndex[];
  /** Attribute holding an expiry time in epoch seconds. */
  readonly timeToLiveAttribute?: string;
  /** Production: deletion protection on and the table retained on stack deletion. */
  readonly production: boolean;
}

/** DynamoDB item actions, grouped by what a principal may do. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'] as const;
/** Append and conditional update, but no delete: for the audit log. */
export const TABLE_APPEND_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'] as const;
/** Insert only (conditional puts), no update or delete: for the append-only audit trail. */
export const TABLE_INSERT_ACTIONS = ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'] as const;
export const TABLE_DELETE_ACTIONS = ['dynamodb:DeleteItem'] as const;
/** KMS actions DynamoDB needs from a caller for reads, and for writes, on a CMK-encrypted table. */
export const KMS_TABLE_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
export const KMS_TABLE_WRITE_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] as const;

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
    });
    acknowledge(this.table, 'NIST.800.53.R5-DynamoDBInBackupPlan');
    this.indexNames = [];
    for (const gsi of props.globalSecondaryIndexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: gsi.partitionKey,
        sortKey: gsi.sortKey,
        projectionType: dynamodb.ProjectionType.ALL,
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
   * Identity-policy statements for the given item actions on this table and its indexes, plus the
   * KMS actions they need on the table's key.
   */
  statements(actions: readonly string[], write: boolean): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ actions: [...actions], resources: this.resourceArns() }),
      new iam.PolicyStatement({
        actions: [...(write ? KMS_TABLE_WRITE_ACTIONS : KMS_TABLE_READ_ACTIONS)],
        resources: [this.encryptionKey.keyArn],
      }),
    ];
  }
}
