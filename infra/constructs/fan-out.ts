/**
 * Fan-out permissions: the router and the adapters talk to every agency's queues, and there can be
 * hundreds of agencies. One statement per queue on their roles would outgrow IAM's 10,240-character
 * limit on a role's inline policies (and the 10 managed policies a role may have), so their identity
 * policies name the queues by ndx's naming convention instead (`ndx-agency-*-in`, ...), a constant
 * size. Each queue's own policy then pins the principals that may really use it (SecureQueue.restrict),
 * and each queue's KMS key policy names them, so a pattern never grants more than the design allows.
 */
import { Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';
import { CONSUME_ACTIONS, SEND_ACTIONS } from './secure-queue.ts';

/** ARN of the SQS queues in this account and region whose names match `namePattern` (`*` wildcard). */
export function queueArnPattern(namePattern: string): string {
  return Fn.sub(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${namePattern}`);
}

/** The finding id cdk-nag's AwsSolutions-IAM5 reports for a `queueArnPattern` resource. */
export function queuePatternFinding(namePattern: string): string {
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:${namePattern}]`;
}

export interface FanOutGrants {
  /** Name patterns of queues the role may send to. */
  readonly sendTo?: readonly string[];
  /** Name patterns of queues the role may consume. */
  readonly consumeFrom?: readonly string[];
}

/**
 * Creates an identity policy (in `scope`'s stack, which must be the role's stack) granting the
 * pattern-based queue permissions, and acknowledges exactly those wildcard findings on it.
 */
export function grantFanOut(scope: Construct, id: string, role: iam.IRole, grants: FanOutGrants): iam.Policy {
  const statements: iam.PolicyStatement[] = [];
  if (grants.sendTo?.length) {
    statements.push(new iam.PolicyStatement({ sid: 'SendByNamingConvention', actions: [...SEND_ACTIONS], resources: grants.sendTo.map(queueArnPattern) }));
  }
  if (grants.consumeFrom?.length) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ConsumeByNamingConvention',
        actions: [...CONSUME_ACTIONS],
        resources: grants.consumeFrom.map(queueArnPattern),
      }),
    );
  }
  const policy = new iam.Policy(scope, id, { roles: [role], statements });
  acknowledge(policy, 'NIST.800.53.R5-IAMNoInlinePolicy');
  for (const pattern of [...(grants.sendTo ?? []), ...(grants.consumeFrom ?? [])]) {
    Validations.of(policy).acknowledge({
      id: queuePatternFinding(pattern),
      reason:
        `Queues are addressed by ndx's naming convention (${pattern}) so the policy keeps a constant size however many agencies join; ` +
        'every matching queue denies all principals but its intended producers and consumers in its own queue policy, and its KMS key policy names them.',
    });
  }
  return policy;
}
