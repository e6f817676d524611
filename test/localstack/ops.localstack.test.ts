/**
 * Opt-in: `ndx ops` against a LocalStack deployment (`cdklocal deploy --all`, see README "Deploy").
 * Runs only when NDX_LOCALSTACK_ENDPOINT is set; CI machines have no Docker engine.
 */
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ndxQueues, platformStatus, redrive, resolveQueue, type Clients } from '../../aws/operations.ts';
import { dynamoClient, sqsClient } from '../../aws/clients.ts';
import { names } from '../../config/names.ts';
import config from '../../ndx.config.ts';

const endpoint = process.env.NDX_LOCALSTACK_ENDPOINT;

describe.skipIf(!endpoint)('ndx ops on LocalStack (NDX_LOCALSTACK_ENDPOINT)', () => {
  let clients: Clients;

  beforeAll(() => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    process.env.AWS_REGION ??= 'ap-southeast-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    clients = { sqs: sqsClient(), dynamo: dynamoClient() };
  });

  it('finds every deployed queue and registry table', async () => {
    const status = await platformStatus(config, clients);
    expect(status.queues.map((q) => q.name)).toEqual(ndxQueues(config).map((q) => q.name));
    expect(status.queues.every((q) => q.exists)).toBe(true);
    for (const r of status.registries) if (r.table) expect(r.tableStatus).toBe('ACTIVE');
  });

  it('redrives an agency reply queue’s dead letters back to it', async () => {
    const queue = resolveQueue(config, names.agencyInQueue(config.agencies[0]!.id))!;
    const dlqUrl = (await sqsClient().send(new GetQueueUrlCommand({ QueueName: queue.deadLetterQueue }))).QueueUrl!;
    await sqsClient().send(
      new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: JSON.stringify({ requestId: 'localstack-ops', status: 'OK', code: 'OK' }) }),
    );
    const result = await redrive(clients, queue, { pollMs: 1000 });
    expect(result.moved).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(0);
  }, 120_000);
});
