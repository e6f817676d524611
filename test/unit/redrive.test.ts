/** The redrive function: only ever a move task from `<queue>-dlq` back to `<queue>`, for ndx's own queues. */
import { StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { redriveArns, startRedrive } from '../../functions/redrive/handler.ts';

const FN = 'arn:aws:lambda:ap-southeast-1:123456789012:function:ndx-redrive';

function fakeSqs(error?: Error) {
  const sent: unknown[] = [];
  const sqs = {
    async send(command: unknown) {
      if (!(command instanceof StartMessageMoveTaskCommand)) throw new Error('unexpected command');
      sent.push(command.input);
      if (error) throw error;
      return { TaskHandle: 'task-1' };
    },
  } as unknown as Pick<SQSClient, 'send'>;
  return { sqs, sent };
}

describe('redrive', () => {
  it('moves a queue’s dead-letter queue back to that queue, in the function’s account and region', async () => {
    const { sqs, sent } = fakeSqs();
    const started = await startRedrive(sqs, { queue: 'ndx-registry-population-in', rate: 50 }, FN);
    expect(started).toEqual({
      sourceArn: 'arn:aws:sqs:ap-southeast-1:123456789012:ndx-registry-population-in-dlq',
      destinationArn: 'arn:aws:sqs:ap-southeast-1:123456789012:ndx-registry-population-in',
      taskHandle: 'task-1',
    });
    expect(sent).toEqual([{ SourceArn: started.sourceArn, DestinationArn: started.destinationArn, MaxNumberOfMessagesPerSecond: 50 }]);
    expect(redriveArns('ndx-agency-hanoi-land-office-out', `${FN}:live`).destinationArn).toBe(
      'arn:aws:sqs:ap-southeast-1:123456789012:ndx-agency-hanoi-land-office-out',
    );
  });

  it('accepts only ndx’s main queues: no dead-letter queue as a destination, no other queue, no other field', async () => {
    const { sqs, sent } = fakeSqs();
    for (const input of [
      { queue: 'ndx-registry-population-in-dlq' },
      { queue: 'someone-elses-queue' },
      { queue: 'ndx-agency-x-out', destination: 'arn:aws:sqs:ap-southeast-1:123456789012:other' },
      { queue: 'ndx-agency-hanoi-land-office-out', rate: 501 },
      {},
    ]) {
      await expect(startRedrive(sqs, input, FN), JSON.stringify(input)).rejects.toThrow();
    }
    expect(sent).toEqual([]);
  });

  it('follows a move task already running on the dead-letter queue instead of failing', async () => {
    const { sqs } = fakeSqs(new Error('There is already a task running. Only one active task is allowed for a source queue arn at a given time.'));
    expect((await startRedrive(sqs, { queue: 'ndx-agency-hanoi-land-office-in' }, FN)).taskHandle).toBeUndefined();
    await expect(startRedrive(fakeSqs(new Error('AccessDenied')).sqs, { queue: 'ndx-agency-hanoi-land-office-in' }, FN)).rejects.toThrow('AccessDenied');
  });
});
