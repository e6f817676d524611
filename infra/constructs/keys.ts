/** Customer-managed KMS keys with ndx's defaults, and key-policy grants for other stacks' roles. */
import { ArnFormat, Fn, type RemovalPolicy, Stack } from 'aws-cdk-lib';
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

/**
 * Lets CloudWatch Logs use `key` for one log group only (the key policy names the group's ARN in the
 * encryption context), so an encrypted log group can be created with it. `sid` names the statement.
 */
export function allowLogsToEncrypt(key: kms.IKey, scope: Construct, logGroupName: string, sid: string): void {
  const stack = Stack.of(scope);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: logGroupName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}
