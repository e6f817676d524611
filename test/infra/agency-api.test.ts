/** The agency HTTP API in the CDK app: API Gateway with its JWT authorizer, the function, the mailbox, access logs, alarms, nag. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../config/schema.ts';
import { ACCESS_LOG_FORMAT, API_LATENCY_ALARM_MS, API_ROUTES } from '../../infra/constructs/agency-api.ts';
import { build, synthesize, testConfig, validationFindings } from './helpers.ts';

const ISSUER = 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_ndxTest';
const withApi = defineConfig({
  ...testConfig,
  agencies: testConfig.agencies.map((a, i) => ({ ...a, api: { clientIds: [`client-${i}`] } })),
  environments: {
    ...testConfig.environments,
    dev: { region: 'ap-southeast-1', api: { issuer: ISSUER, throttle: { ratePerSecond: 20, burst: 40 } } },
    prod: { ...testConfig.environments.prod, api: { issuer: ISSUER } },
  },
});

describe('the agency HTTP API', () => {
  const s = synthesize(build(withApi));
  const platform = s.templates.get('ndx-platform') as Template;

  it('passes the three nag packs (dev and prod); only the public OpenAPI route is acknowledged as unauthorized', () => {
    expect(validationFindings(build(withApi))).toEqual([]);
    expect(validationFindings(build(withApi, { environment: 'prod' }))).toEqual([]);
    const acknowledged = JSON.stringify(platform.findResources('AWS::ApiGatewayV2::Route', { Metadata: Match.objectLike({}) }));
    expect(acknowledged.match(/AwsSolutions-APIG4/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('is an HTTP API whose routes need the agency token, verified by a JWT authorizer for the configured issuer and clients', () => {
    platform.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'ndx-agency-api', ProtocolType: 'HTTP' });
    platform.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: ISSUER, Audience: ['client-0', 'client-1', 'client-2'] },
    });
    const routes = Object.values(platform.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of routes) {
      expect(r.Properties.AuthorizationType, r.Properties.RouteKey).toBe(r.Properties.RouteKey === 'GET /v1/openapi.json' ? 'NONE' : 'JWT');
    }
    // No CORS unless configured.
    expect(JSON.stringify(platform.findResources('AWS::ApiGatewayV2::Api'))).not.toContain('CorsConfiguration');
  });

  it('throttles, logs access without bodies or query strings to an encrypted log group', () => {
    platform.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: ACCESS_LOG_FORMAT },
    });
    expect(ACCESS_LOG_FORMAT).not.toMatch(/body|querystring|\$input|\$request\.querystring/i);
    platform.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/apigateway/ndx-agency-api', KmsKeyId: Match.anyValue() });
  });

  it('alarms on any 5xx and on p90 latency, to the environment’s target', () => {
    platform.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ndx-agency-api-5xx',
      MetricName: '5xx',
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
    platform.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ndx-agency-api-latency',
      MetricName: 'Latency',
      ExtendedStatistic: 'p90',
      Threshold: API_LATENCY_ALARM_MS,
    });
  });

  it('runs the API function with the router’s records and a mailbox of ciphertext with a TTL', () => {
    platform.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'ndx-reply-mailbox',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    platform.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'ndx-api',
      Timeout: 29,
      Environment: {
        Variables: Match.objectLike({
          NDX_API_ISSUER: ISSUER,
          NDX_API_CLIENTS: JSON.stringify({ 'client-0': 'hanoi-land-office', 'client-1': 'hcmc-public-services', 'client-2': 'danang-tax-office' }),
        }),
      },
    });
  });

  it('lets registry queues take lookups from the API function, and adapters seal into the mailbox', () => {
    const population = s.templates.get('ndx-registry-population') as Template;
    population.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NDX_REPLY_MAILBOX_TABLE: 'ndx-reply-mailbox' }) },
    });
    const policies = JSON.stringify(population.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toContain('AgencyApiFunctionRole');
  });

  it('pushes replies of an agency with a webhook: ndx-webhook alone consumes its in-queue', () => {
    const hooked = defineConfig({
      ...withApi,
      agencies: withApi.agencies.map((a) =>
        a.id === 'hanoi-land-office' ? { ...a, api: { clientIds: ['client-0'], webhook: { url: 'https://land.example.gov.vn/ndx' } } } : a,
      ),
    });
    expect(validationFindings(build(hooked))).toEqual([]);
    const hs = synthesize(build(hooked));
    hs.templates.get('ndx-platform')?.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'ndx-webhook',
      Environment: { Variables: Match.objectLike({ NDX_WEBHOOKS: JSON.stringify({ 'hanoi-land-office': 'https://land.example.gov.vn/ndx' }) }) },
    });
    const land = hs.templates.get('ndx-agency-hanoi-land-office') as Template;
    land.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    expect(JSON.stringify(land.findResources('AWS::SQS::QueuePolicy'))).toContain('Webhook');
    // Another agency keeps reading its own replies.
    hs.templates.get('ndx-agency-danang-tax-office')?.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    expect(() => defineConfig({ ...hooked, agencies: [{ id: 'x-agency', name: 'x', api: { webhook: { url: 'http://example.gov.vn/hook' } } }] })).toThrow(
      /https/,
    );
  });

  it('is absent where the environment configures no api, and refused when no agency has a client', () => {
    expect(synthesize(build(testConfig)).templates.get('ndx-platform')?.findResources('AWS::ApiGatewayV2::Api')).toEqual({});
    const noClients = defineConfig({ ...testConfig, environments: { ...testConfig.environments, dev: { region: 'ap-southeast-1', api: { issuer: ISSUER } } } });
    expect(() => build(noClients)).toThrow(/api.clientIds/);
  });
});
