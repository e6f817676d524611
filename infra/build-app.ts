/**
 * Builds ndx's CDK app from its configuration: the platform stack, one stack per registry, one per
 * agency, checked by cdk-nag's AWS Solutions pack at synthesis.
 *
 * Used by infra/app.ts (the `cdk` CLI), by the infra tests, and by anything else that needs the
 * synthesized templates (e.g. the local engine, with `bundle: false`).
 */
import { readFileSync } from 'node:fs';
import { App, Tags, type Environment } from 'aws-cdk-lib';
import type { NdxConfig } from '../config/schema.ts';
import { asciiDescription, resolveDeployment, type Deployment } from './deployment.ts';
import { addNagChecks } from './constructs/nag.ts';
import { fromRoot } from './paths.ts';
import { AgencyStack } from './stacks/agency-stack.ts';
import { PlatformStack } from './stacks/platform-stack.ts';
import { RegistryStack } from './stacks/registry-stack.ts';

export interface BuildAppOptions {
  /**
   * Bundle the Lambda handlers with esbuild. `false` skips bundling for every stack (the context
   * `aws:cdk:bundling-stacks` is set to `[]` before any stack exists), for fast synthesis in tests
   * or when only the templates are needed.
   * @default true
   */
  readonly bundle?: boolean;
  /** Cloud assembly directory. @default the CLI's (cdk.out) or a temporary directory */
  readonly outdir?: string;
  /** Environment name, a key of `config.environments`. @default 'dev' */
  readonly environment?: string;
}

/** Stack names, fixed so that deployments, the local engine and operators can find them. */
export const stackNames = {
  platform: 'ndx-platform',
  registry: (registryId: string) => `ndx-registry-${registryId}`,
  agency: (agencyId: string) => `ndx-agency-${agencyId}`,
} as const;

/** The stacks of an app built by `buildApp`. */
export interface NdxStacks {
  readonly platform: PlatformStack;
  readonly registries: ReadonlyMap<string, RegistryStack>;
  readonly agencies: ReadonlyMap<string, AgencyStack>;
  readonly deployment: Deployment;
}

const built = new WeakMap<App, NdxStacks>();

/** The feature flags and other context of cdk.json, so that an app built outside the CLI behaves the same. */
export function cdkJsonContext(): Record<string, unknown> {
  try {
    const json = JSON.parse(readFileSync(fromRoot('cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
    return json.context ?? {};
  } catch {
    return {};
  }
}

export function buildApp(config: NdxConfig, options: BuildAppOptions = {}): App {
  const deployment = resolveDeployment(config, options.environment ?? 'dev');
  const app = new App({
    outdir: options.outdir,
    context: cdkJsonContext(),
    // postCliContext wins over the CLI's own `aws:cdk:bundling-stacks`.
    postCliContext: options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : undefined,
  });

  const { account, region } = deployment.settings;
  // No account in the configuration: account-agnostic stacks (the region stays the configured one).
  const env: Environment = account ? { account, region } : { region };
  const common = { env, terminationProtection: deployment.settings.production };

  const platform = new PlatformStack(app, stackNames.platform, {
    ...common,
    stackName: stackNames.platform,
    description: 'ndx platform: router, audit, consent and idempotency tables, keys',
    deployment,
  });

  const registries = new Map<string, RegistryStack>();
  for (const registry of config.registries) {
    const name = stackNames.registry(registry.id);
    registries.set(
      registry.id,
      new RegistryStack(app, name, {
        ...common,
        stackName: name,
        description: asciiDescription(`ndx registry ${registry.id}: ${registry.title} (${registry.operator})`),
        deployment,
        registry,
        platform,
      }),
    );
  }

  const adapterRoles = [...registries.values()].map((s) => s.registry.adapterRole);
  const agencies = new Map<string, AgencyStack>();
  for (const agency of config.agencies) {
    const name = stackNames.agency(agency.id);
    agencies.set(
      agency.id,
      new AgencyStack(app, name, {
        ...common,
        stackName: name,
        description: asciiDescription(`ndx agency ${agency.id}: ${agency.name}`),
        deployment,
        agency,
        router: platform.router.function,
        routerRole: platform.routerRole,
        adapterRoles,
        operatorRole: platform.operatorRole,
        redriveRole: platform.redriveRole,
        consoleRole: platform.console?.function.role,
        alarmTarget: platform.alarmTarget,
        webhook: platform.webhook ? { function: platform.webhook.function, role: platform.webhook.role } : undefined,
        apiRole: platform.api?.role,
      }),
    );
  }

  Tags.of(app).add('ndx:environment', deployment.environment);
  Tags.of(app).add('project', 'ndx');
  addNagChecks(app);
  built.set(app, { platform, registries, agencies, deployment });
  return app;
}

/** The stacks of an app made by `buildApp`. */
export function ndxStacks(app: App): NdxStacks {
  const stacks = built.get(app);
  if (!stacks) throw new Error('ndxStacks: this App was not built by buildApp');
  return stacks;
}
