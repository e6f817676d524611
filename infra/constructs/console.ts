/**
 * The web console (README: The console): server-rendered by its own function (functions/console/
 * handler.ts) on the agency HTTP API's endpoint under /console, with its sessions table, and, unless
 * another OpenID Connect provider is configured, a Cognito user pool: staff in the groups steward, dpo
 * and operator with MFA required; citizens through the national identity provider federated into it.
 *
 * Why rendered by a Lambda behind the existing HTTP API rather than static assets on S3 + CloudFront:
 * every page is personal (a citizen's trail, a steward's approvals) and needs the session and the
 * domain on the server anyway; there is no JavaScript to ship; one endpoint, one TLS certificate,
 * one access log and one WAF scope; and `npm start` serves the same handler on the same path.
 */
import { CfnOutput, type CfnResource, Duration, Fn, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ANCHOR_PREFIX, ARCHIVE_PREFIX, ENV, names, STAFF_GROUPS } from '../../config/names.ts';
import { opsTopology } from '../../config/ops-topology.ts';
import type { NdxConfig } from '../../config/schema.ts';
import { logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import type { AgencyApi } from './agency-api.ts';
import { commonEnvironment, functionNames, handlerEntries } from './environment.ts';
import type { AlarmTarget } from './monitoring.ts';
import { queueArnPattern, queuePatternFinding } from './fan-out.ts';
import { acknowledge, acknowledgeXRay, bucketObjectsFinding, kmsViaS3 } from './nag.ts';
import { AWS_ONLY_ENV_METADATA_KEY, NdxFunction } from './ndx-function.ts';
import { AUDIT_WRITER_ACTIONS, ITEM_READ_ACTIONS, SecureTable } from './secure-table.ts';

/**
 * SQS actions of the operators' desk on dead-letter queues: list (receive, then release) and follow the
 * move task ndx-redrive started. Unlike `ndx ops` (DLQ_OPERATOR_ACTIONS), no delete and no cancel.
 */
export const CONSOLE_DLQ_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ListMessageMoveTasks',
] as const;

export type ConsoleSettings = NonNullable<NdxConfig['environments'][string]['console']>;

/** The console's routes on the HTTP API: no API Gateway authorizer (the console signs people in itself, OpenID Connect, and keeps sessions). */
export const CONSOLE_ROUTES = ['/console', '/console/{proxy+}'] as const;

/** The console function's variables, without its OpenID Connect settings. */
export function consoleEnvironment(config: NdxConfig): Record<string, string> {
  return {
    ...commonEnvironment(config, functionNames.console),
    [ENV.contractTable]: names.contractTable,
    [ENV.consoleSessionsTable]: names.consoleSessionsTable,
    [ENV.agencyNames]: JSON.stringify(Object.fromEntries(config.agencies.map((a) => [a.id, a.name]))),
    // The operators' desk: the queues and registries it watches, and their age thresholds.
    [ENV.opsTopology]: JSON.stringify(opsTopology(config)),
    // The officials' dashboard: indicator releases as the reporting agency (aggregates, rate limits).
    [ENV.indicatorTable]: names.indicatorTable,
    [ENV.rateLimitTable]: names.rateLimitTable,
  };
}

export interface ConsoleProps {
  readonly deployment: Deployment;
  readonly console: ConsoleSettings;
  /** The HTTP API the console is served on. */
  readonly api: AgencyApi;
  readonly key: kms.Key;
  readonly alarmTarget: AlarmTarget;
  readonly tables: { audit: SecureTable; consents: SecureTable; contracts: SecureTable; indicators?: SecureTable; rateLimits?: SecureTable };
  readonly secretStatements: () => iam.PolicyStatement[];
  /**
   * The operators' desk: the ndx-redrive function it invokes to move dead letters back (the console,
   * like the `ndx-operator` role, never sends to a queue itself) and the anchor bucket whose latest
   * anchor it verifies against. Its queue and metric permissions mirror `ndx-operator`'s, minus
   * deleting dead letters and cancelling moves.
   * @default - no operators' desk permissions (its pages fail on AWS)
   */
  readonly operations?: { readonly redrive: lambda.IFunction; readonly anchors: s3.IBucket };
}

export class Console extends Construct {
  /** Sessions and sign-ins in progress: hashed tokens, principals (a subject hash or a staff e-mail), TTL. */
  readonly sessions: SecureTable;
  readonly function: NdxFunction;
  /** The user pool, when the console's identity is `cognito`. */
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  readonly userPoolDomain?: cognito.UserPoolDomain;
  /** Where the identity provider sends people back. */
  readonly redirectUri: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const d = props.deployment;
    const stack = Stack.of(this);
    const origin = props.console.url?.replace(/\/$/, '') ?? props.api.httpApi.apiEndpoint;
    this.redirectUri = `${origin}/console/callback`;

    this.sessions = new SecureTable(this, 'Sessions', {
      tableName: names.consoleSessionsTable,
      partitionKey: { name: 'key', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      encryptionKey: props.key,
      production: d.settings.production,
    });

    let oidc: Record<string, unknown>;
    const identity = props.console.identity;
    if (identity.kind === 'cognito') {
      const pool = new cognito.UserPool(this, 'Users', {
        userPoolName: 'ndx-console',
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        autoVerify: { email: true },
        mfa: cognito.Mfa.REQUIRED,
        mfaSecondFactor: { otp: true, sms: false },
        passwordPolicy: {
          minLength: 14,
          requireDigits: true,
          requireLowercase: true,
          requireUppercase: true,
          requireSymbols: true,
          tempPasswordValidity: Duration.days(3),
        },
        accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
        customAttributes: { national_id: new cognito.StringAttribute({ minLen: 12, maxLen: 12, mutable: true }) },
        featurePlan: cognito.FeaturePlan.PLUS,
        standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        deletionProtection: d.settings.production,
        removalPolicy: statefulRemovalPolicy(d),
      });
      for (const role of STAFF_GROUPS) {
        new cognito.UserPoolGroup(this, `Group-${role}`, { userPool: pool, groupName: role, description: `ndx console: ${role}` });
      }
      const providers: cognito.UserPoolClientIdentityProvider[] = [cognito.UserPoolClientIdentityProvider.COGNITO];
      let citizens: cognito.UserPoolIdentityProviderOidc | undefined;
      if (identity.citizens) {
        const c = identity.citizens;
        citizens = new cognito.UserPoolIdentityProviderOidc(this, 'Citizens', {
          userPool: pool,
          name: c.name,
          clientId: c.clientId,
          // A dynamic reference, resolved by CloudFormation at deployment: the secret never enters the template or the configuration.
          clientSecret: SecretValue.secretsManager(c.clientSecretName).unsafeUnwrap(),
          issuerUrl: c.issuer,
          scopes: ['openid'],
          attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
          attributeMapping: { custom: { 'custom:national_id': cognito.ProviderAttribute.other(c.nationalIdClaim) } },
        });
        providers.push(cognito.UserPoolClientIdentityProvider.custom(c.name));
      }
      const client = pool.addClient('Console', {
        userPoolClientName: 'ndx-console',
        generateSecret: false,
        authFlows: {},
        preventUserExistenceErrors: true,
        supportedIdentityProviders: providers,
        idTokenValidity: Duration.hours(1),
        accessTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.hours(8),
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
          callbackUrls: [this.redirectUri],
          logoutUrls: [`${origin}/console`],
        },
      });
      if (citizens) client.node.addDependency(citizens);
      const domain = pool.addDomain('Domain', { cognitoDomain: { domainPrefix: identity.domainPrefix } });
      const issuer = `https://cognito-idp.${stack.region}.amazonaws.com/${pool.userPoolId}`;
      oidc = {
        issuer,
        authorizeUrl: `${domain.baseUrl()}/oauth2/authorize`,
        tokenUrl: `${domain.baseUrl()}/oauth2/token`,
        logoutUrl: `${domain.baseUrl()}/logout`,
        jwksUrl: `${issuer}/.well-known/jwks.json`,
        clientId: client.userPoolClientId,
        redirectUri: this.redirectUri,
        providers: { staff: 'COGNITO', ...(identity.citizens ? { citizen: identity.citizens.name } : {}) },
      };
      this.userPool = pool;
      this.userPoolClient = client;
      this.userPoolDomain = domain;
      new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId, description: 'Console users: add staff here, in the groups steward, dpo, operator' });
    } else {
      oidc = {
        issuer: identity.issuer,
        authorizeUrl: identity.authorizeUrl,
        tokenUrl: identity.tokenUrl,
        jwksUrl: identity.jwksUrl,
        clientId: identity.clientId,
        redirectUri: this.redirectUri,
        groupsClaim: identity.groupsClaim,
        nationalIdClaim: identity.nationalIdClaim,
      };
    }

    this.function = new NdxFunction(this, 'Function', {
      functionName: functionNames.console,
      entry: handlerEntries.console,
      description: 'ndx console: citizens’ trail and consents, the stewards’ catalogue, the operators’ desk (server-rendered)',
      environment: { ...consoleEnvironment(d.config), [ENV.consoleOidc]: stack.toJsonString(oidc) },
      timeout: Duration.seconds(29),
      memorySize: d.config.functions.memoryMb,
      logRetention: logRetention(d.settings.logRetentionDays),
      logRemovalPolicy: statefulRemovalPolicy(d),
      logEncryptionKey: props.key,
      alarmTarget: props.alarmTarget,
    });
    const t = props.tables;
    this.function.addToRolePolicy(
      ...this.sessions.statements(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], true),
      // The citizen's trail (the by-subject index) and the audit records of consent changes and lifecycle actions.
      ...t.audit.statements(AUDIT_WRITER_ACTIONS, true),
      // A citizen's consents (by-subject index), and their pause, resume and revoke.
      ...t.consents.statements([...ITEM_READ_ACTIONS, 'dynamodb:Query', 'dynamodb:UpdateItem'], true),
      // The stewards' catalogue reads lifecycle records; their actions propose (PutItem) and move a version on (UpdateItem), as aws/contract-registry.ts does.
      ...t.contracts.statements(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], true, { indexes: false }),
      // The officials' dashboard: each figure is an indicator release (an aggregate read, the agency's rate limit taken).
      ...(t.indicators ? t.indicators.statements(['dynamodb:GetItem', 'dynamodb:Query'], false) : []),
      ...(t.rateLimits ? t.rateLimits.statements(['dynamodb:UpdateItem'], true) : []),
      ...props.secretStatements(),
    );
    acknowledgeXRay(this.function);
    if (props.operations) this.grantOperatorDesk(props.operations, props.key);

    const integration = new HttpLambdaIntegration('Integration', this.function.function, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 });
    for (const path of CONSOLE_ROUTES) {
      for (const route of props.api.httpApi.addRoutes({ path, methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST], integration }))
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'The console signs people in itself (OpenID Connect authorization code with PKCE against Cognito or the configured provider) and checks a server-side session and role on every page and form; public pages are the front page and the sign-in redirect.',
        });
    }
    new CfnOutput(this, 'Url', { value: `${origin}/console`, description: 'The ndx console' });
  }

  /**
   * The operators' desk (console/routes/operator.ts), as `ndx-operator` can (infra/constructs/
   * operations.ts), by ndx's naming convention so the policy keeps a constant size: queue attributes of
   * every ndx queue; receive and release dead letters to list them (never delete, never from a main
   * queue); follow a redrive's move task; start one only through ndx-redrive; registry tables' status;
   * CloudWatch metrics and the ndx metric alarms; the latest audit anchor. The queue keys let this role
   * decrypt dead letters in their key policies (infra/constructs/agency.ts, registry.ts).
   */
  private grantOperatorDesk(o: NonNullable<ConsoleProps['operations']>, key: kms.Key): void {
    const dlqs = names.deadLetterQueue('ndx-*');
    const policy = new iam.Policy(this, 'OperatorDesk', { roles: [this.function.role] });
    acknowledge(policy, 'NIST.800.53.R5-IAMNoInlinePolicy');
    policy.addStatements(
      new iam.PolicyStatement({ sid: 'InspectEveryQueue', actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [queueArnPattern('ndx-*')] }),
      new iam.PolicyStatement({ sid: 'ListDeadLetters', actions: [...CONSOLE_DLQ_ACTIONS], resources: [queueArnPattern(dlqs)] }),
      new iam.PolicyStatement({ sid: 'StartRedrive', actions: ['lambda:InvokeFunction'], resources: [o.redrive.functionArn] }),
      new iam.PolicyStatement({
        sid: 'DescribeRegistryTables',
        actions: ['dynamodb:DescribeTable'],
        resources: [Fn.sub(`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${names.registryTable('*')}`)],
      }),
      // GetMetricData has no resource-level permissions: `*` is the only resource it accepts.
      new iam.PolicyStatement({ sid: 'ReadMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'DescribeNdxAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [Fn.sub(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:ndx-*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ListAnchors',
        actions: ['s3:ListBucket'],
        resources: [o.anchors.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${ANCHOR_PREFIX}*`] } },
      }),
      new iam.PolicyStatement({ sid: 'ReadAnchors', actions: ['s3:GetObject'], resources: [o.anchors.arnForObjects(`${ANCHOR_PREFIX}*`)] }),
      // Records past the audit's DynamoDB retention are read back from the archive (a citizen's trail, verification).
      new iam.PolicyStatement({ sid: 'ReadAuditArchive', actions: ['s3:GetObject'], resources: [o.anchors.arnForObjects(`${ARCHIVE_PREFIX}*`)] }),
      kmsViaS3('AnchorDecryption', key, ['kms:Decrypt']),
    );
    this.function.function.addEnvironment(ENV.anchorBucket, o.anchors.bucketName);
    // Locally the anchors are under the data folder (NDX_DATA_DIR), which the engine gives the console.
    (this.function.function.node.defaultChild as CfnResource).addMetadata(AWS_ONLY_ENV_METADATA_KEY, [ENV.anchorBucket]);
    for (const pattern of ['ndx-*', dlqs]) {
      Validations.of(policy).acknowledge({
        id: queuePatternFinding(pattern),
        reason:
          `The operators' desk inspects every ndx queue and lists dead letters, addressed by naming convention (${pattern}) so the policy keeps a constant size; ` +
          'it reads attributes of main queues, receives only from dead-letter queues (and releases what it received), and sends to none.',
      });
    }
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${names.registryTable('*')}]`,
      reason: 'The desk checks that every registry table is ACTIVE (DescribeTable only: no item is readable), addressed by naming convention.',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:ndx-*]',
      reason: 'The desk shows the state of every ndx alarm (names `ndx-<resource>-<what>`, infra/constructs/monitoring.ts); DescribeAlarms only.',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:GetMetricData supports no resource-level permissions; the statement holds that one read-only action.',
    });
    Validations.of(policy).acknowledge({
      id: bucketObjectsFinding(o.anchors, ANCHOR_PREFIX),
      reason: `The desk reads the latest audit anchor under ${ANCHOR_PREFIX} (GetObject only; Object Lock keeps them).`,
    });
    Validations.of(policy).acknowledge({
      id: bucketObjectsFinding(o.anchors, ARCHIVE_PREFIX),
      reason: `A citizen's trail and the desk's verification read audit records past the DynamoDB retention back from ${ARCHIVE_PREFIX} (GetObject only; Object Lock keeps them).`,
    });
  }
}
