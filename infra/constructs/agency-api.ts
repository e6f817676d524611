/**
 * The agency HTTP API: the reply mailbox table, the API function (functions/api/handler.ts: the
 * router's pipeline behind OAuth 2.0 client-credentials tokens) and its permissions. Created in the
 * platform stack when the environment configures `api` (ndx.config.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { names } from '../../config/names.ts';
import type { NdxConfig } from '../../config/schema.ts';
import { logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { apiEnvironment, functionNames, handlerEntries, idempotencyKeyPattern } from './environment.ts';
import { grantFanOut } from './fan-out.ts';
import type { AlarmTarget } from './monitoring.ts';
import { acknowledgeXRay } from './nag.ts';
import { NdxFunction } from './ndx-function.ts';
import { AUDIT_WRITER_ACTIONS, IDEMPOTENCY_ACTIONS, ITEM_READ_ACTIONS, SecureTable } from './secure-table.ts';
import type * as iam from 'aws-cdk-lib/aws-iam';

export type ApiSettings = NonNullable<NdxConfig['environments'][string]['api']>;

/** The API function's timeout: the longest wait (contracts/http-api.ts) plus routing, under API Gateway's 30 s. */
export const API_FUNCTION_TIMEOUT = Duration.seconds(29);

export interface AgencyApiProps {
  readonly deployment: Deployment;
  readonly api: ApiSettings;
  readonly key: kms.Key;
  readonly alarmTarget: AlarmTarget;
  readonly tables: { audit: SecureTable; consents: SecureTable; idempotency: SecureTable; rateLimits: SecureTable; contracts: SecureTable };
  readonly secretStatements: () => iam.PolicyStatement[];
}

export class AgencyApi extends Construct {
  /** Sealed replies waiting for HTTP callers (ciphertext only; TTL). */
  readonly mailbox: SecureTable;
  readonly function: NdxFunction;

  constructor(scope: Construct, id: string, props: AgencyApiProps) {
    super(scope, id);
    const d = props.deployment;
    this.mailbox = new SecureTable(this, 'ReplyMailbox', {
      tableName: names.replyMailboxTable,
      partitionKey: { name: 'slot', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      encryptionKey: props.key,
      production: d.settings.production,
    });
    this.function = new NdxFunction(this, 'Function', {
      functionName: functionNames.api,
      entry: handlerEntries.api,
      description: 'ndx agency HTTP API: lookups through the router pipeline, the directory, OpenAPI',
      environment: apiEnvironment(d.config, props.api),
      timeout: API_FUNCTION_TIMEOUT,
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: statefulRemovalPolicy(d),
      logEncryptionKey: props.key,
      alarmTarget: props.alarmTarget,
    });
    const t = props.tables;
    this.function.addToRolePolicy(
      // What the router's pipeline does (aws/router-ports.ts), with the router's idempotency records.
      ...t.audit.statements(AUDIT_WRITER_ACTIONS, true, { indexes: false }),
      ...t.consents.statements([...ITEM_READ_ACTIONS, 'dynamodb:UpdateItem'], true, { indexes: false }),
      ...t.rateLimits.statements(['dynamodb:UpdateItem'], true),
      ...t.contracts.statements(['dynamodb:Query'], false),
      ...t.idempotency.statements(IDEMPOTENCY_ACTIONS, true, { leadingKeys: [idempotencyKeyPattern(functionNames.router)] }),
      // Opens slots, reads them, seals router answers into them.
      ...this.mailbox.statements(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'], true),
      ...props.secretStatements(),
    );
    acknowledgeXRay(this.function);
    // Admitted lookups go to their registry's queue (each registry queue names this role as a sender).
    grantFanOut(this, 'ApiQueues', this.function.role, { sendTo: [names.registryInQueue('*')] });
  }

  get role(): iam.IRole {
    return this.function.role;
  }
}
