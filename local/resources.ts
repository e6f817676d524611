/**
 * The local engine's resources, read from the CDK app's synthesized templates: the same tables,
 * queues, functions and event source mappings that a deployment creates, so there is no second list
 * to keep by hand. Pure: templates in, resource descriptions out.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface StackTemplate {
  stackName: string;
  template: Template;
}

export interface LocalQueue {
  name: string;
  visibilityTimeout?: number;
  retentionSeconds?: number;
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

export interface LocalFunction {
  /** stack/logicalId */
  id: string;
  /** The function's name (FunctionName when the template gives one, else its logical id). */
  name: string;
  /** Module path relative to the project root (CloudFormation metadata `ndx:handler`). */
  entry: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
}

export interface LocalMapping {
  queue: string;
  functionId: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency, when the mapping caps it. */
  maximumConcurrency?: number;
}

export interface LocalResources {
  tables: CreateTableCommandInput[];
  queues: LocalQueue[];
  functions: LocalFunction[];
  mappings: LocalMapping[];
}

interface Located {
  stack: StackTemplate;
  logicalId: string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Follows Ref, Fn::GetAtt and Fn::ImportValue (through stack exports) to the resource they name. */
function locate(value: unknown, stack: StackTemplate, stacks: readonly StackTemplate[]): Located {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return { stack, logicalId: v.Ref };
    if (Array.isArray(v['Fn::GetAtt'])) return { stack, logicalId: String(v['Fn::GetAtt'][0]) };
    if ('Fn::ImportValue' in v) {
      const exportName = v['Fn::ImportValue'];
      for (const other of stacks) {
        for (const output of Object.values(other.template.Outputs ?? {})) {
          if (output.Export && JSON.stringify(output.Export.Name) === JSON.stringify(exportName)) return locate(output.Value, other, stacks);
        }
      }
      throw new TemplateError(`no stack exports ${JSON.stringify(exportName)}`);
    }
  }
  throw new TemplateError(`cannot resolve ${JSON.stringify(value)} locally: use a literal or a reference to a resource in the app`);
}

function literal(value: unknown, what: string): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new TemplateError(`${what} must be a literal for the local engine, got ${JSON.stringify(value)}`);
}

function resourceAt(loc: Located) {
  const r = loc.stack.template.Resources?.[loc.logicalId];
  if (!r) throw new TemplateError(`${loc.stack.stackName} has no resource ${loc.logicalId}`);
  return r;
}

export function localResources(stacks: readonly StackTemplate[]): LocalResources {
  const out: LocalResources = { tables: [], queues: [], functions: [], mappings: [] };
  const queueName = (loc: Located) => literal(resourceAt(loc).Properties?.QueueName, `QueueName of ${loc.logicalId}`);
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const p = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable': {
          const gsis = (p.GlobalSecondaryIndexes as Array<Record<string, unknown>> | undefined)?.map((g) => ({
            IndexName: literal(g.IndexName, 'IndexName'),
            KeySchema: g.KeySchema as CreateTableCommandInput['KeySchema'],
            Projection: (g.Projection as { ProjectionType?: string } | undefined) ?? { ProjectionType: 'ALL' },
          }));
          out.tables.push({
            TableName: literal(p.TableName, `TableName of ${logicalId}`),
            KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
            AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
            BillingMode: 'PAY_PER_REQUEST',
            ...(gsis?.length ? { GlobalSecondaryIndexes: gsis as CreateTableCommandInput['GlobalSecondaryIndexes'] } : {}),
          });
          break;
        }
        case 'AWS::SQS::Queue': {
          const redrive = p.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: number } | undefined;
          out.queues.push({
            name: queueName({ stack, logicalId }),
            ...(p.VisibilityTimeout !== undefined ? { visibilityTimeout: Number(p.VisibilityTimeout) } : {}),
            ...(p.MessageRetentionPeriod !== undefined ? { retentionSeconds: Number(p.MessageRetentionPeriod) } : {}),
            ...(redrive
              ? {
                  redrive: { deadLetterQueue: queueName(locate(redrive.deadLetterTargetArn, stack, stacks)), maxReceiveCount: Number(redrive.maxReceiveCount) },
                }
              : {}),
          });
          break;
        }
        case 'AWS::Lambda::Function': {
          const entry = resource.Metadata?.['ndx:handler'];
          if (typeof entry !== 'string') break; // not one of ndx's handlers (e.g. a CDK custom resource)
          const variables = { ...((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) } as Record<string, unknown>;
          // Variables only AWS has (infra/constructs/ndx-function.ts AWS_ONLY_ENV_METADATA_KEY) are left out.
          const awsOnly = resource.Metadata?.['ndx:aws-only-environment'];
          for (const k of Array.isArray(awsOnly) ? awsOnly : []) delete variables[k];
          out.functions.push({
            id: `${stack.stackName}/${logicalId}`,
            name: typeof p.FunctionName === 'string' ? p.FunctionName : logicalId,
            entry,
            environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, literal(v, `environment variable ${k} of ${logicalId}`)])),
            timeoutSeconds: Number(p.Timeout ?? 3),
          });
          break;
        }
        case 'AWS::Lambda::EventSourceMapping': {
          const fn = locate(p.FunctionName, stack, stacks);
          out.mappings.push({
            queue: queueName(locate(p.EventSourceArn, stack, stacks)),
            functionId: `${fn.stack.stackName}/${fn.logicalId}`,
            batchSize: Number(p.BatchSize ?? 10),
            maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
            reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
            ...((p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency
              ? { maximumConcurrency: Number((p.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency) }
              : {}),
          });
          break;
        }
      }
    }
  }
  // Dead-letter queues first, so every redrive target exists when its source queue is created.
  const dlqs = new Set(out.queues.flatMap((q) => (q.redrive ? [q.redrive.deadLetterQueue] : [])));
  out.queues.sort((a, b) => Number(dlqs.has(b.name)) - Number(dlqs.has(a.name)));
  return out;
}
