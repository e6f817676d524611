/**
 * `ndx-redrive`: moves a queue's dead-lettered messages back to that queue, and nothing else. Operators
 * (`ndx ops redrive --aws`) invoke it instead of holding `sqs:SendMessage` themselves: SQS's message move
 * task sends as whoever starts it, and no IAM condition tells a move task's send from a direct one, so
 * the right to redrive would otherwise be the right to send a lookup as any agency. This function's
 * code only ever starts `StartMessageMoveTask` from `<queue>-dlq` to `<queue>`, for ndx's own queues.
 */
import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { names } from '../../config/names.ts';

/** ndx's main queues (the sources of dead-letter queues): agency out- and in-queues, registry in-queues. */
const MAIN_QUEUE = /^ndx-(agency-[a-z0-9-]+-(out|in)|registry-[a-z0-9-]+-in)$/;

export const RedriveRequest = z.strictObject({
  queue: z.string().regex(MAIN_QUEUE, 'one of ndx’s queues: ndx-agency-<id>-out, ndx-agency-<id>-in or ndx-registry-<id>-in'),
  /** Messages per second (SQS's MaxNumberOfMessagesPerSecond, at most 500). */
  rate: z.number().int().min(1).max(500).optional(),
});
export type RedriveRequest = z.infer<typeof RedriveRequest>;

export interface RedriveStarted {
  sourceArn: string;
  destinationArn: string;
  /** The new task, or undefined when one was already running on the dead-letter queue (follow that one). */
  taskHandle?: string;
}

/** The dead-letter queue and the queue it belongs to, as ARNs in the function's own account and region. */
export function redriveArns(queue: string, functionArn: string): { sourceArn: string; destinationArn: string } {
  const [, partition, , region, account] = functionArn.split(':');
  if (!partition || !region || !account) throw new Error(`not a function ARN: ${functionArn}`);
  const arn = (name: string) => `arn:${partition}:sqs:${region}:${account}:${name}`;
  return { sourceArn: arn(names.deadLetterQueue(queue)), destinationArn: arn(queue) };
}

export async function startRedrive(sqs: Pick<SQSClient, 'send'>, input: unknown, functionArn: string): Promise<RedriveStarted> {
  const request = RedriveRequest.parse(input);
  const arns = redriveArns(request.queue, functionArn);
  try {
    const out = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: arns.sourceArn,
        DestinationArn: arns.destinationArn,
        ...(request.rate ? { MaxNumberOfMessagesPerSecond: request.rate } : {}),
      }),
    );
    return { ...arns, ...(out.TaskHandle ? { taskHandle: out.TaskHandle } : {}) };
  } catch (error) {
    // One task per dead-letter queue at a time: the caller follows the running one.
    if (/already|running|in progress/i.test((error as Error).message ?? '')) return arns;
    throw error;
  }
}

let client: SQSClient | undefined;
/** The Lambda entry point, invoked by operators with `{ "queue": "<main queue>", "rate"?: n }`. */
export const handler = (event: unknown, context: Pick<Context, 'invokedFunctionArn'>): Promise<RedriveStarted> => {
  client ??= new SQSClient({});
  return startRedrive(client, event, context.invokedFunctionArn);
};
