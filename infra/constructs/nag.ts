/** cdk-nag wiring and the acknowledgements ndx's constructs share. */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { NdxFunction } from './ndx-function.ts';

/** Registers the AWS Solutions rule pack: synthesis then fails on any unacknowledged finding. */
export function addNagChecks(app: App): AwsSolutionsChecks {
  const pack = new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true });
  Validations.of(app).addPlugins(pack);
  return pack;
}

/**
 * Active tracing makes CDK grant `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*` in the
 * function role's default policy. Those actions have no resource-level permissions, so `*` is the only
 * possible resource. Acknowledged on that policy alone (tests check it holds nothing else on `*`).
 */
export function acknowledgeXRay(fn: NdxFunction): void {
  const policy = fn.defaultPolicy;
  if (!policy) throw new Error(`${fn.node.path}: expected the role's default policy to exist`);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; the statement is only those two actions.',
  });
}
