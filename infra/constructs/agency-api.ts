/**
 * The agency HTTP API: the reply mailbox table, the API function (functions/api/handler.ts: the
 * router's pipeline behind OAuth 2.0 client-credentials tokens) and its permissions. Created in the
 * platform stack when the environment configures `api` (ndx.config.ts).
 */
import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { names } from '../../config/names.ts';
import type { NdxConfig } from '../../config/schema.ts';
import { logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import { apiEnvironment, auditUpgradeEnvironment, functionNames, handlerEntries, idempotencyKeyPattern, webhookUrls } from './environment.ts';
import { grantFanOut } from './fan-out.ts';
import { ALARM_PERIOD, ndxAlarm, type AlarmTarget } from './monitoring.ts';
import { acknowledgeXRay } from './nag.ts';
import { NdxFunction } from './ndx-function.ts';
import { AUDIT_WRITER_ACTIONS, IDEMPOTENCY_ACTIONS, ITEM_READ_ACTIONS, SecureTable } from './secure-table.ts';
import { allowLogsToEncrypt } from './keys.ts';

export type ApiSettings = NonNullable<NdxConfig['environments'][string]['api']>;

/** The API function's timeout: the longest wait (contracts/http-api.ts) plus routing, under API Gateway's 30 s. */
export const API_FUNCTION_TIMEOUT = Duration.seconds(29);

/** p90 latency (ms) over five minutes that alarms: a sync lookup normally takes well under a second. */
export const API_LATENCY_ALARM_MS = 5000;

/**
 * Access log lines: who (the token's client id), which route, status, sizes and times; never a body,
 * a query string (the `wait` only, and the reply key travels in a header) or a subject.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  route: '$context.routeKey',
  status: '$context.status',
  client: '$context.authorizer.claims.client_id',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  error: '$context.error.responseType',
  sourceIp: '$context.identity.sourceIp',
});

/** The routes of the API (domain/api/app.ts) and whether each needs an agency's token. */
export const API_ROUTES: readonly { path: string; method: apigw.HttpMethod; authorized: boolean }[] = [
  { path: '/v1/lookups', method: apigw.HttpMethod.POST, authorized: true },
  { path: '/v1/lookups/{requestId}', method: apigw.HttpMethod.GET, authorized: true },
  { path: '/v1/lookups/batch', method: apigw.HttpMethod.POST, authorized: true },
  { path: '/v1/indicators', method: apigw.HttpMethod.POST, authorized: true },
  { path: '/v1/contracts', method: apigw.HttpMethod.GET, authorized: true },
  { path: '/v1/contracts/{id}/versions/{version}', method: apigw.HttpMethod.GET, authorized: true },
  { path: '/v1/me', method: apigw.HttpMethod.GET, authorized: true },
  { path: '/v1/openapi.json', method: apigw.HttpMethod.GET, authorized: false },
];

export interface AgencyApiProps {
  readonly deployment: Deployment;
  readonly api: ApiSettings;
  readonly key: kms.Key;
  readonly alarmTarget: AlarmTarget;
  readonly tables: {
    audit: SecureTable;
    consents: SecureTable;
    idempotency: SecureTable;
    rateLimits: SecureTable;
    contracts: SecureTable;
    indicators: SecureTable;
  };
  readonly secretStatements: () => iam.PolicyStatement[];
}

export class AgencyApi extends Construct {
  /** Sealed replies waiting for HTTP callers (ciphertext only; TTL). */
  readonly mailbox: SecureTable;
  readonly function: NdxFunction;
  readonly httpApi: apigw.HttpApi;
  readonly serverErrorAlarm: cloudwatch.Alarm;
  readonly latencyAlarm: cloudwatch.Alarm;

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
      environment: { ...apiEnvironment(d.config, props.api, d.capacity.auditShards), ...auditUpgradeEnvironment(d.settings) },
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
      // Indicator requests (POST /v1/indicators): one aggregate by indicator and period.
      ...t.indicators.statements(['dynamodb:GetItem'], false),
      ...t.idempotency.statements(IDEMPOTENCY_ACTIONS, true, { leadingKeys: [idempotencyKeyPattern(functionNames.router)] }),
      // Opens slots, reads them, seals router answers into them.
      ...this.mailbox.statements(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'], true),
      ...props.secretStatements(),
    );
    acknowledgeXRay(this.function);
    // Admitted lookups go to their registry's queue (each registry queue names this role as a sender).
    // Replies of requests pushed by webhook go to their agency's in-queue (which names this role only then).
    const pushed = Object.keys(webhookUrls(d.config)).length > 0;
    grantFanOut(this, 'ApiQueues', this.function.role, { sendTo: [names.registryInQueue('*'), ...(pushed ? [names.agencyInQueue('*')] : [])] });

    // An HTTP API (not a REST API): a native JWT authorizer for OAuth 2.0 access tokens, lower latency
    // and cost; API Gateway verifies the token before the function runs, and the function verifies it
    // again with the same code as the local engine (domain/api/identity.ts).
    const clientIds = d.config.agencies.flatMap((a) => a.api?.clientIds ?? []);
    if (clientIds.length === 0) throw new Error('ndx: the agency HTTP API is configured but no agency has api.clientIds (ndx.config.ts)');
    const authorizer = new HttpJwtAuthorizer('AgencyToken', props.api.issuer, { jwtAudience: clientIds, authorizerName: 'ndx-agency-token' });
    const integration = new HttpLambdaIntegration('Integration', this.function.function, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'ndx-agency-api',
      description: 'ndx agency HTTP API: lookups and directory for agency systems',
      createDefaultStage: false,
      ...(props.api.corsOrigins.length
        ? {
            corsPreflight: {
              allowOrigins: [...props.api.corsOrigins],
              allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST],
              allowHeaders: ['authorization', 'content-type', 'prefer', 'ndx-reply-key'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    for (const route of API_ROUTES) {
      const [added] = this.httpApi.addRoutes({ path: route.path, methods: [route.method], integration, ...(route.authorized ? { authorizer } : {}) });
      if (!route.authorized && added) {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'GET /v1/openapi.json is the public description of the API (generated from the code, no data); every other route requires an agency access token.',
        });
      }
    }
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: '/aws/apigateway/ndx-agency-api',
      retention: logRetention(d.settings.logRetentionDays),
      encryptionKey: props.key,
      removalPolicy: statefulRemovalPolicy(d),
    });
    allowLogsToEncrypt(props.key, this, '/aws/apigateway/ndx-agency-api', 'LogsEncryptApiAccessLogs');
    const stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.api.throttle.ratePerSecond, burstLimit: props.api.throttle.burst },
      detailedMetricsEnabled: true,
    });
    (stage.node.defaultChild as apigw.CfnStage).accessLogSettings = { destinationArn: accessLogs.logGroupArn, format: ACCESS_LOG_FORMAT };

    this.serverErrorAlarm = ndxAlarm(this, 'ServerErrorAlarm', props.alarmTarget, {
      alarmName: 'ndx-agency-api-5xx',
      description: 'ndx-agency-api answered 5xx: see the ndx-api function logs (a 503 tells the caller to resend; a 502/504 is the integration).',
      metric: this.httpApi.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
    });
    this.latencyAlarm = ndxAlarm(this, 'LatencyAlarm', props.alarmTarget, {
      alarmName: 'ndx-agency-api-latency',
      description: `ndx-agency-api: p90 latency at or above ${API_LATENCY_ALARM_MS} ms for five minutes (registries slow, or lookups waiting on queues).`,
      metric: this.httpApi.metricLatency({ period: Duration.minutes(5), statistic: 'p90' }),
      threshold: API_LATENCY_ALARM_MS,
    });
    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint, description: 'The agency HTTP API (GET /v1/openapi.json)' });
  }

  get role(): iam.IRole {
    return this.function.role;
  }
}
