/** The web console in the CDK app: served on the HTTP API under /console, its function, sessions table and Cognito user pool; nag-clean. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../config/schema.ts';
import { CONSOLE_ROUTES } from '../../infra/constructs/console.ts';
import { build, synthesize, testConfig, validationFindings } from './helpers.ts';

const ISSUER = 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_ndxTest';
const withConsole = defineConfig({
  ...testConfig,
  agencies: testConfig.agencies.map((a, i) => ({ ...a, api: { clientIds: [`client-${i}`] } })),
  environments: {
    ...testConfig.environments,
    dev: {
      region: 'ap-southeast-1',
      api: { issuer: ISSUER },
      console: {
        identity: {
          kind: 'cognito',
          domainPrefix: 'ndx-dev-test',
          citizens: { issuer: 'https://vneid.example.gov.vn', clientId: 'ndx', clientSecretName: 'ndx/vneid-client-secret', nationalIdClaim: 'pid' },
        },
        url: 'https://ndx.gov.vn',
      },
    },
    prod: { ...testConfig.environments.prod, api: { issuer: ISSUER }, console: { identity: { kind: 'cognito', domainPrefix: 'ndx-prod-test' } } },
  },
});

describe('the console', () => {
  const s = synthesize(build(withConsole));
  const platform = s.templates.get('ndx-platform') as Template;

  it('passes the three nag packs in dev and prod, acknowledging only that its routes sign people in themselves', () => {
    expect(validationFindings(build(withConsole))).toEqual([]);
    expect(validationFindings(build(withConsole, { environment: 'prod' }))).toEqual([]);
  });

  it('is served on the HTTP API under /console, without the agency token authorizer', () => {
    const routes = Object.values(platform.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const consoleRoutes = routes.filter((r) => String(r.RouteKey).includes('/console'));
    expect(consoleRoutes.map((r) => r.RouteKey).sort()).toEqual(CONSOLE_ROUTES.flatMap((p) => [`GET ${p}`, `POST ${p}`]).sort());
    for (const r of consoleRoutes) expect(r.AuthorizationType ?? 'NONE').toBe('NONE');
  });

  it('signs staff in with a Cognito user pool: no self sign-up, MFA required, strong passwords, threat protection, the four groups', () => {
    platform.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'ndx-console',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      UserPoolTier: 'PLUS',
    });
    const groups = Object.values(platform.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['dpo', 'official', 'operator', 'steward']);
  });

  it('federates citizens from the national identity provider, mapping its national ID claim, with the secret by reference only', () => {
    platform.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'VNeID',
      ProviderType: 'OIDC',
      AttributeMapping: { 'custom:national_id': 'pid' },
      ProviderDetails: Match.objectLike({ oidc_issuer: 'https://vneid.example.gov.vn', client_id: 'ndx' }),
    });
    const json = JSON.stringify(platform.toJSON());
    expect(json).toContain('{{resolve:secretsmanager:ndx/vneid-client-secret:SecretString:::}}');
  });

  it('has one public app client: authorization code only, no secret, back to the console’s callback', () => {
    platform.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'ndx-console',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://ndx.gov.vn/console/callback'],
      SupportedIdentityProviders: ['COGNITO', 'VNeID'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    platform.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'ndx-dev-test' });
  });

  it('keeps sessions in an encrypted table with a TTL, and gives the function what it reads and writes', () => {
    platform.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-console-sessions',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
    });
    platform.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'ndx-console',
      Runtime: 'nodejs24.x',
      Environment: { Variables: Match.objectLike({ NDX_CONSOLE_SESSIONS_TABLE: 'ndx-console-sessions', NDX_CONSOLE_OIDC: Match.anyValue() }) },
    });
  });

  it('refuses a console without the HTTP API it is served on', () => {
    expect(() => defineConfig({ ...testConfig, environments: { dev: { console: { identity: { kind: 'cognito', domainPrefix: 'ndx-x' } } } } })).toThrow(
      /served on the HTTP API/,
    );
  });
});
