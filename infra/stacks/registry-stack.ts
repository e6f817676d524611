/** ndx-registry-<id>: one registry (see RegistryConstruct). Depends on ndx-platform. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { NdxConfig } from '../../config/schema.ts';
import type { Deployment } from '../deployment.ts';
import { RegistryConstruct, type PlatformAccess } from '../constructs/registry.ts';

export interface RegistryStackProps extends StackProps {
  readonly deployment: Deployment;
  readonly registry: NdxConfig['registries'][number];
  readonly platform: PlatformAccess;
}

export class RegistryStack extends Stack {
  readonly registry: RegistryConstruct;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    this.registry = new RegistryConstruct(this, 'Registry', {
      registry: props.registry,
      deployment: props.deployment,
      platform: props.platform,
    });
    new CfnOutput(this, 'InboundQueueUrl', { value: this.registry.inbound.queue.queueUrl });
    new CfnOutput(this, 'TableName', { value: this.registry.table.tableName });
    new CfnOutput(this, 'AdapterFunctionName', { value: this.registry.adapter.function.functionName });
  }
}
