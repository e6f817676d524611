/**
 * `ndx ops ...`: the platform operator's commands, against the local engine (default), any endpoint
 * (--endpoint) or AWS (--aws, as the `ndx-operator` role): status of every queue and registry,
 * dead-letter listing without personal data, and redrive.
 */
import type { Command } from 'commander';
import config from '../ndx.config.ts';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { dynamoClient, sqsClient } from '../aws/clients.ts';
import { platformAction } from './context.ts';
import { EXIT } from './exit-codes.ts';
import {
  listDeadLetters,
  ndxQueues,
  platformStatus,
  redrive,
  resolveQueue,
  type Clients,
  redriveThroughFunction,
  type NdxQueue,
  type PlatformStatus,
} from '../aws/operations.ts';
import { NotFoundError, UsageError } from './errors.ts';
import type { Target } from './aws.ts';
import { confirm } from './confirm.ts';
import { wholeNumber } from './options.ts';
import { deleteDeadLetter, purgeDeadLetters } from './dlq-delete.ts';
import { progressBar } from './progress.ts';
import { table } from './table.ts';

const age = (s: number | null) => (s === null ? 'n/a' : s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`);

/** Real AWS (CloudWatch ages, redrive through ndx-redrive), as opposed to an endpoint such as the local engine or LocalStack. */
function onAws(target: Target): boolean {
  return target.endpoint === undefined || /\.amazonaws\.com(\.cn)?(\/|:|$)/.test(target.endpoint);
}

function queueArg(name: string): NdxQueue {
  const q = resolveQueue(config, name);
  if (!q) {
    throw new UsageError(
      `"${name}" is not one of ndx's queues; they are:\n  ${ndxQueues(config)
        .map((x) => x.name)
        .join('\n  ')}`,
    );
  }
  return q;
}

function formatStatus(s: PlatformStatus): string {
  const queues = table(
    [
      ['QUEUE', 'DEPTH', 'IN FLIGHT', 'OLDEST', 'DLQ', 'DLQ OLDEST', 'CONSUMER', 'STATE'],
      ...s.queues.map((q) => [
        q.name,
        q.exists ? String(q.queue.visible) : '—',
        q.exists ? String(q.queue.inFlight) : '—',
        q.exists ? age(q.queue.oldestAgeSeconds) : '—',
        q.exists ? String(q.dlq.visible + q.dlq.inFlight) : '—',
        q.exists && q.dlq.visible + q.dlq.inFlight > 0 ? age(q.dlq.oldestAgeSeconds) : '—',
        q.consumer,
        q.problems.length ? 'UNHEALTHY' : 'ok',
      ]),
    ],
    new Set([1, 2, 3, 4, 5]),
  );
  const registries = table([
    ['REGISTRY', 'TABLE', 'STATUS', 'ANSWERS'],
    ...s.registries.map((r) => [r.registry, r.table ?? '(not a table)', r.tableStatus, r.answers ? 'yes' : 'NO']),
  ]);
  const sources = new Set(s.queues.map((q) => q.ageSource));
  const note = sources.has('cloudwatch')
    ? 'Ages: CloudWatch ApproximateAgeOfOldestMessage, last 10 minutes.'
    : 'Ages: this endpoint has no CloudWatch; queue ages are n/a, DLQ ages are sampled.';
  const verdict = s.healthy ? 'healthy' : `UNHEALTHY: ${s.problems.length} problem(s)\n${s.problems.map((p) => `  - ${p}`).join('\n')}`;
  return `${queues}\n\n${registries}\n\n${note}\n${verdict}`;
}

export function registerOps(program: Command): void {
  const ops = program.command('ops').description('operate the platform: queue and registry health, dead letters, redrive');
  // On AWS the operator role may not send to any queue: redrives are started by the ndx-redrive function.
  // CloudWatch for queue ages on real AWS only: the local engine and LocalStack's free tier have no metrics.
  const clients = (aws: boolean): Clients => ({
    sqs: sqsClient(),
    dynamo: dynamoClient(),
    ...(!aws ? {} : { cloudwatch: new CloudWatchClient({}), startMoveTask: redriveThroughFunction(new LambdaClient({})) }),
  });

  ops
    .command('status')
    .description(
      `every queue's depth, in-flight, DLQ depth and oldest age, and whether each registry answers (exit ${EXIT.UNHEALTHY} if anything is unhealthy)`,
    )
    .action(
      platformAction(async (ctx) => {
        const status = await platformStatus(config, clients(onAws(ctx.target)));
        ctx.print(status, () => formatStatus(status));
        if (!status.healthy) process.exitCode = EXIT.UNHEALTHY;
      }),
    );

  const dlq = ops.command('dlq').description('dead-letter queues');
  dlq
    .command('list <queue>')
    .description(
      'the messages in a queue’s dead-letter queue, with why they are there (no personal data) and their receive count before this listing; nothing is deleted',
    )
    .option('--max <n>', 'list at most this many messages', '100')
    .action(
      platformAction(async (ctx, name: string, options: { max: string }) => {
        const q = queueArg(name);
        const max = wholeNumber(options.max, '--max');
        const { messages, depth } = await listDeadLetters(clients(onAws(ctx.target)), q, max);
        ctx.print({ queue: q.name, deadLetterQueue: q.deadLetterQueue, depth, messages }, () => {
          if (messages.length === 0) return `${q.deadLetterQueue} is empty.`;
          const rows = messages.map((m) => [
            m.messageId,
            String(m.receiveCount),
            String(m.sizeBytes),
            m.sentAt ?? '—',
            m.type,
            [m.requestId, m.contract && `${m.contract}${m.version ? `@${m.version}` : ''}`, m.purpose, m.agency, m.status && `${m.status}/${m.code}`]
              .filter(Boolean)
              .join(' '),
          ]);
          const reasons = [...new Set(messages.map((m) => m.reason))];
          return [
            `${q.deadLetterQueue}: ${depth} message(s)${messages.length < depth ? `, showing ${messages.length}` : ''}`,
            table([['MESSAGE ID', 'RECEIVES', 'BYTES', 'SENT', 'TYPE', 'LOOKUP'], ...rows], new Set([1, 2])),
            '',
            ...reasons.map((r) => `why: ${r}`),
            'RECEIVES: deliveries before this listing (SQS counts every listing as one more receive).',
            `move them back with: ndx ops redrive ${q.name}`,
            `poison messages, once understood: ndx ops dlq delete ${q.name} <message id>, or ndx ops dlq purge ${q.name}`,
          ].join('\n');
        });
      }),
    );

  dlq
    .command('purge <queue>')
    .description('delete every message of a queue’s dead-letter queue, for good (asks first; --yes for scripts)')
    .option('--yes', 'do not ask (required without a terminal)')
    .action(
      platformAction(async (ctx, name: string, options: { yes?: boolean }) => {
        const q = queueArg(name);
        if (!(await confirm(`delete every message in ${q.deadLetterQueue} for good`, options.yes))) {
          ctx.print({ deadLetterQueue: q.deadLetterQueue, purged: 0, cancelled: true }, () => 'cancelled: nothing deleted');
          return;
        }
        const result = await purgeDeadLetters(clients(onAws(ctx.target)), q);
        ctx.print(result, () => `purged ${result.deadLetterQueue}: ${result.purged} message(s) deleted`);
      }),
    );

  dlq
    .command('delete <queue> <messageId>')
    .description('delete one message of a queue’s dead-letter queue by its message id (from `ndx ops dlq list`), for good (asks first; --yes for scripts)')
    .option('--yes', 'do not ask (required without a terminal)')
    .action(
      platformAction(async (ctx, name: string, messageId: string, options: { yes?: boolean }) => {
        const q = queueArg(name);
        if (!(await confirm(`delete message ${messageId} from ${q.deadLetterQueue} for good`, options.yes))) {
          ctx.print({ deadLetterQueue: q.deadLetterQueue, messageId, deleted: false, cancelled: true }, () => 'cancelled: nothing deleted');
          return;
        }
        if (!(await deleteDeadLetter(clients(onAws(ctx.target)), q, messageId))) {
          throw new NotFoundError(`no message ${messageId} in ${q.deadLetterQueue}; \`ndx ops dlq list ${q.name}\` shows the message ids`);
        }
        ctx.print({ deadLetterQueue: q.deadLetterQueue, messageId, deleted: true }, () => `deleted ${messageId} from ${q.deadLetterQueue}`);
      }),
    );

  ops
    .command('redrive <queue>')
    .description('move every message of a queue’s dead-letter queue back to the queue (idempotent processing makes it safe)')
    .option('--by-hand', 'receive, send and delete instead of an SQS message move task')
    .option('--rate <n>', 'messages per second for the move task (default: as fast as SQS allows)')
    .action(
      platformAction(async (ctx, name: string, options: { byHand?: boolean; rate?: string }) => {
        const q = queueArg(name);
        const rate = options.rate === undefined ? undefined : wholeNumber(options.rate, '--rate', 1, 500);
        let bar: ReturnType<typeof progressBar> | undefined;
        const result = await redrive(clients(onAws(ctx.target)), q, {
          ...(options.byHand ? { byHand: true } : {}),
          ...(rate ? { rate } : {}),
          onProgress: (moved, total) => {
            bar ??= progressBar(`redrive ${q.deadLetterQueue}`, total, !ctx.json);
            bar.update(moved);
          },
        });
        bar?.stop();
        ctx.print(result, () =>
          result.status === 'NOTHING_TO_MOVE'
            ? `${q.deadLetterQueue} is empty: nothing to move.`
            : `moved ${result.moved} message(s) from ${result.deadLetterQueue} back to ${result.queue} (${result.method}, ${result.status})` +
              (result.failed ? `\n${result.failed} message(s) stayed in ${result.deadLetterQueue}; run it again or see \`ndx ops dlq list ${q.name}\`` : ''),
        );
        if (result.failed) process.exitCode = EXIT.FAILURE;
      }),
    );
}
