/** Customer-managed KMS keys with ndx's defaults, and key-policy grants for other stacks' roles. */
import { Fn, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface NdxKeyProps {
  readonly alias: string;
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
}

/** A symmetric customer-managed key with yearly automatic rotation. */
export function ndxKey(scope: Construct, id: string, props: NdxKeyProps): kms.Key {
  return new kms.Key(scope, id, {
    alias: props.alias,
    description: props.description,
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy,
  });
}

/**
 * Lets roles of other stacks use a queue key through SQS only, by naming them in the key policy (in
 * the key's own stack, so the roles' stacks need not reference this one: no cyclic dependencies, and
 * their identity policies keep a constant size).
 */
export function allowQueueKeyUse(key: kms.Key, sid: string, roleArns: readonly string[], actions: readonly string[]): void {
  if (roleArns.length === 0) return;
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: roleArns.map((arn) => new iam.ArnPrincipal(arn)),
      actions: [...actions],
      resources: ['*'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, resolved at deploy time by CloudFormation, not a JavaScript template
      conditions: { StringEquals: { 'kms:ViaService': Fn.sub('sqs.${AWS::Region}.amazonaws.com') } },
    }),
  );
}
