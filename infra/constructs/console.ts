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
import { CfnOutput, Duration, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ENV, names, STAFF_GROUPS } from '../../config/names.ts';
import { opsTopology } from '../../config/ops-topology.ts';
import type { NdxConfig } from '../../config/schema.ts';
import { logRetention, statefulRemovalPolicy, type Deployment } from '../deployment.ts';
import type { AgencyApi } from './agency-api.ts';
import { commonEnvironment, functionNames, handlerEntries } from './environment.ts';
import type { AlarmTarget } from './monitoring.ts';
import { acknowledgeXRay } from './nag.ts';
import { NdxFunction } from './ndx-function.ts';
import { AUDIT_WRITER_ACTIONS, ITEM_READ_ACTIONS, SecureTable } from './secure-table.ts';

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
  };
}

export interface ConsoleProps {
  readonly deployment: Deployment;
  readonly console: ConsoleSettings;
  /** The HTTP API the console is served on. */
  readonly api: AgencyApi;
  readonly key: kms.Key;
  readonly alarmTarget: AlarmTarget;
  readonly tables: { audit: SecureTable; consents: SecureTable; contracts: SecureTable };
  readonly secretStatements: () => iam.PolicyStatement[];
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
      ...props.secretStatements(),
    );
    acknowledgeXRay(this.function);

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
}
