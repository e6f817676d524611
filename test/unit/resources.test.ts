import { describe, expect, it } from 'vitest';
import { localResources, TemplateError, type StackTemplate } from '../../local/resources.ts';

// Two stacks shaped like the CDK app's: a function in one, a queue and its mapping in the other,
// joined by an export, as CDK writes cross-stack references.
const platform: StackTemplate = {
  stackName: 'ndx-platform',
  template: {
    Resources: {
      Audit: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: 'ndx-audit',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'subjectHash', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexes: [
            { IndexName: 'bySubject', KeySchema: [{ AttributeName: 'subjectHash', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
          ],
          SSESpecification: { SSEEnabled: true },
        },
      },
      RouterFn: {
        Type: 'AWS::Lambda::Function',
        Metadata: { 'ndx:handler': 'functions/router/handler.ts' },
        Properties: { Timeout: 10, Environment: { Variables: { NDX_AUDIT_TABLE: 'ndx-audit' } } },
      },
      CustomResourceFn: { Type: 'AWS::Lambda::Function', Properties: {} },
    },
    Outputs: { RouterArn: { Value: { 'Fn::GetAtt': ['RouterFn', 'Arn'] }, Export: { Name: 'ndx-platform:RouterArn' } } },
  },
};
const agency: StackTemplate = {
  stackName: 'ndx-agency-a',
  template: {
    Resources: {
      OutQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: 'ndx-agency-a-out',
          VisibilityTimeout: 60,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['OutDlq', 'Arn'] }, maxReceiveCount: 5 },
        },
      },
      OutDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'ndx-agency-a-out-dlq', MessageRetentionPeriod: 1209600 } },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['OutQueue', 'Arn'] },
          FunctionName: { 'Fn::ImportValue': 'ndx-platform:RouterArn' },
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      },
    },
  },
};

describe('localResources', () => {
  const r = localResources([agency, platform]);

  it('reads tables with keys and indexes', () => {
    expect(r.tables).toEqual([
      expect.objectContaining({
        TableName: 'ndx-audit',
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'bySubject' })],
      }),
    ]);
  });

  it('reads queues with their redrive policy, dead-letter queues first', () => {
    expect(r.queues.map((q) => q.name)).toEqual(['ndx-agency-a-out-dlq', 'ndx-agency-a-out']);
    expect(r.queues[1]).toEqual({ name: 'ndx-agency-a-out', visibilityTimeout: 60, redrive: { deadLetterQueue: 'ndx-agency-a-out-dlq', maxReceiveCount: 5 } });
  });

  it('reads only ndx handlers, with their entry and environment', () => {
    expect(r.functions).toEqual([
      {
        id: 'ndx-platform/RouterFn',
        name: 'RouterFn',
        entry: 'functions/router/handler.ts',
        environment: { NDX_AUDIT_TABLE: 'ndx-audit' },
        timeoutSeconds: 10,
      },
    ]);
  });

  it('follows a mapping across stacks through the export', () => {
    expect(r.mappings).toEqual([
      { queue: 'ndx-agency-a-out', functionId: 'ndx-platform/RouterFn', batchSize: 10, maximumBatchingWindowSeconds: 0, reportBatchItemFailures: true },
    ]);
  });

  it('refuses what it cannot run faithfully', () => {
    const tokenName: StackTemplate = {
      stackName: 's',
      template: { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'AWS::StackName' } } } } },
    };
    expect(() => localResources([tokenName])).toThrow(TemplateError);
    const missingExport: StackTemplate = {
      stackName: 's',
      template: {
        Resources: { M: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { 'Fn::ImportValue': 'nope' }, EventSourceArn: 'x' } } },
      },
    };
    expect(() => localResources([missingExport])).toThrow(/no stack exports/);
  });
});
