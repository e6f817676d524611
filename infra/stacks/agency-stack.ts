/** ndx-agency-<id>: one consuming agency (see AgencyConstruct). Depends on the platform and registry stacks. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { NdxConfig } from '../../config/schema.ts';
import type { Deployment } from '../deployment.ts';
import { AgencyConstruct } from '../constructs/agency.ts';
import type { AlarmTarget } from '../constructs/monitoring.ts';

export interface AgencyStackProps extends StackProps {
  readonly deployment: Deployment;
  readonly agency: NdxConfig['agencies'][number];
  readonly router: lambda.IFunction;
  readonly routerRole: iam.IRole;
  readonly adapterRoles: readonly iam.IRole[];
  readonly operatorRole: iam.IRole;
  readonly redriveRole: iam.IRole;
  /** The console function's role, when there is a console (its operators' desk lists dead letters). */
  readonly consoleRole?: iam.IRole | undefined;
  readonly alarmTarget: AlarmTarget;
  readonly webhook?: { readonly function: lambda.IFunction; readonly role: iam.IRole } | undefined;
  readonly apiRole?: iam.IRole | undefined;
}

export class AgencyStack extends Stack {
  readonly agency: AgencyConstruct;

  constructor(scope: Construct, id: string, props: AgencyStackProps) {
    super(scope, id, props);
    this.agency = new AgencyConstruct(this, 'Agency', {
      agency: props.agency,
      deployment: props.deployment,
      router: props.router,
      routerRole: props.routerRole,
      adapterRoles: props.adapterRoles,
      operatorRole: props.operatorRole,
      redriveRole: props.redriveRole,
      consoleRole: props.consoleRole,
      alarmTarget: props.alarmTarget,
      webhook: props.webhook,
      apiRole: props.apiRole,
    });
    new CfnOutput(this, 'RoleArn', { value: this.agency.role.roleArn, description: 'Role the agency assumes to use ndx' });
    new CfnOutput(this, 'OutboundQueueUrl', { value: this.agency.outbound.queue.queueUrl, description: 'Send LookupRequests here' });
    new CfnOutput(this, 'InboundQueueUrl', { value: this.agency.inbound.queue.queueUrl, description: 'Receive LookupReplies here' });
  }
}
