/** Shared fixtures for the infra tests: a configuration, a synthesized app, and template queries. */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { defineConfig, type NdxConfig } from '../../config/schema.ts';
import { buildApp, ndxStacks, stackNames, type BuildAppOptions } from '../../infra/build-app.ts';

/**
 * Two registries (one with a sort key) and three agencies, so that cross-agency and multi-adapter
 * properties are visible; independent of edits to ndx.config.ts.
 */
export const testConfig: NdxConfig = defineConfig({
  registries: [
    { id: 'population', title: 'National Population Database', operator: 'Ministry of Public Security', key: { partition: 'nationalId' } },
    { id: 'land', title: 'Land Register', operator: 'Ministry of Agriculture and Environment', key: { partition: 'parcelId', sort: 'version' } },
  ],
  agencies: [
    { id: 'hanoi-land-office', name: 'Hà Nội Land Registration Office' },
    { id: 'hcmc-public-services', name: 'Hồ Chí Minh City Public Administrative Service Centre' },
    { id: 'danang-tax-office', name: 'Đà Nẵng Tax Department' },
  ],
  environments: {
    dev: { region: 'ap-southeast-1' },
    prod: {
      region: 'ap-southeast-1',
      production: true,
      logRetentionDays: 365,
      account: '123456789012',
      alarms: { email: ['ndx-oncall@ndx.gov.vn'] },
      reservedConcurrency: { router: 50, adapter: 20 },
      operators: ['arn:aws:iam::123456789012:role/ndx-oncall'],
    },
  },
  queues: { maxReceiveCount: 4, retentionDays: 4, batchSize: 5 },
  functions: { timeoutSeconds: 12, memoryMb: 1024 },
});

export function tempOutdir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ndx-infra-'));
}

/** Builds the app without bundling, into a fresh temporary directory. */
export function build(config: NdxConfig = testConfig, options: BuildAppOptions = {}): App {
  return buildApp(config, { bundle: false, outdir: tempOutdir(), ...options });
}

export interface Synthesized {
  app: App;
  templates: Map<string, Template>;
  json: Map<string, CfnTemplate>;
}

export interface CfnResource {
  Type: string;
  // CloudFormation properties are free-form JSON; tests navigate them by hand, so `any` is deliberate here.
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DependsOn?: string | string[];
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

/** Synthesizes every stack of an app built by buildApp. */
export function synthesize(app: App): Synthesized {
  const { platform, registries, agencies } = ndxStacks(app);
  const templates = new Map<string, Template>();
  const json = new Map<string, CfnTemplate>();
  for (const stack of [platform, ...registries.values(), ...agencies.values()]) {
    const t = Template.fromStack(stack);
    templates.set(stack.stackName, t);
    json.set(stack.stackName, t.toJSON() as CfnTemplate);
  }
  return { app, templates, json };
}

let cached: Synthesized | undefined;
/** The test configuration's dev app, synthesized once per test file. */
export function devApp(): Synthesized {
  cached ??= synthesize(build());
  return cached;
}

/** All resources of a type across templates, with their stack and logical id. */
export function resourcesOfType(s: Synthesized, type: string): Array<{ stack: string; id: string; resource: CfnResource }> {
  const out: Array<{ stack: string; id: string; resource: CfnResource }> = [];
  for (const [stack, t] of s.json) {
    for (const [id, resource] of Object.entries(t.Resources)) if (resource.Type === type) out.push({ stack, id, resource });
  }
  return out;
}

/** A finding of a validation plugin (cdk-nag or CloudFormation's own rules), as reported at synthesis. */
export interface Finding {
  plugin: string;
  rule: string;
  severity: string;
  paths: string[];
}

/**
 * Synthesizes the whole app (validation plugins run at synthesis) and returns every unacknowledged
 * finding of every validation plugin, errors and warnings alike, from the cloud assembly's
 * validation report. Synthesis that fails for any other reason throws.
 */
export function validationFindings(app: App): Finding[] {
  let failure: unknown;
  try {
    app.synth();
  } catch (error) {
    failure = error;
  }
  const reportFile = path.join(app.outdir, 'validation-report.json');
  if (!existsSync(reportFile)) {
    if (failure) throw failure;
    return [];
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    pluginReports: Array<{
      pluginName: string;
      violations: Array<{ ruleName: string; severity: string; violatingConstructs?: Array<{ constructPath: string }> }>;
    }>;
  };
  const findings: Finding[] = report.pluginReports.flatMap((p) =>
    p.violations.map((v) => ({
      plugin: p.pluginName,
      rule: v.ruleName,
      severity: v.severity,
      paths: (v.violatingConstructs ?? []).map((c) => c.constructPath),
    })),
  );
  if (failure && findings.length === 0) throw failure;
  return findings;
}

/** The statements of the queue policy attached to the queue with this logical id. */
export function queuePolicyStatements(t: CfnTemplate, queueId: string): any[] {
  const policy = Object.values(t.Resources).find(
    (r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties!.Queues) === JSON.stringify([{ Ref: queueId }]),
  );
  return policy?.Properties?.PolicyDocument.Statement ?? [];
}

/** Logical id of the resource of `type` whose property `prop` equals `value`. */
export function logicalId(t: CfnTemplate, type: string, prop: string, value: unknown): string {
  const hit = Object.entries(t.Resources).find(([, r]) => r.Type === type && JSON.stringify(r.Properties?.[prop]) === JSON.stringify(value));
  if (!hit) throw new Error(`no ${type} with ${prop}=${JSON.stringify(value)}`);
  return hit[0];
}

export { stackNames };

/** The test configuration with the agency HTTP API and the console (a Cognito user pool) in dev. */
export const consoleTestConfig: NdxConfig = defineConfig({
  ...testConfig,
  agencies: testConfig.agencies.map((a, i) => ({ ...a, api: { clientIds: [`client-${i}`] } })),
  environments: {
    ...testConfig.environments,
    dev: {
      region: 'ap-southeast-1',
      api: { issuer: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_ndxTest' },
      console: { identity: { kind: 'cognito', domainPrefix: 'ndx-test-console' } },
    },
  },
});

export const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** The statements of the inline policies attached to a role (by its logical id). */
export function roleStatements(t: CfnTemplate, roleId: string): any[] {
  return Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((r) => r.Properties!.PolicyDocument.Statement);
}
