/**
 * The webhook Lambda: consumes the in-queues of agencies that have a webhook (ndx.config.ts) and posts
 * each reply to the agency's system, signed (domain/lookup/webhook.ts). A failed attempt stays on the
 * queue with an exponential backoff (its visibility timeout), and after maxReceiveCount attempts goes
 * to the in-queue's dead-letter queue (`ndx ops dlq list`, its alarm). Thin: the rules are the domain's.
 */
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../../aws/clients.ts';
import { createLogger } from '../../aws/logger.ts';
import { LookupMetrics } from '../../aws/metrics.ts';
import { loadPepper } from '../../aws/pepper.ts';
import { Queues } from '../../aws/queues.ts';
import { type Env, requireEnv } from '../../config/env.ts';
import { agencyOfInQueue, ENV } from '../../config/names.ts';
import { LookupReply } from '../../contracts/protocol.ts';
import { postWebhook, webhookBackoffSeconds, webhookSecret } from '../../domain/lookup/webhook.ts';
import { lazyHandler, receiveCount, sqsBatchHandler } from '../shared/sqs-batch-handler.ts';

/** A webhook attempt that failed; the message is retried after its backoff. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
}

export function createHandler(env: Env = process.env) {
  const vars = requireEnv(env, [ENV.webhooks]);
  const urls = JSON.parse(vars[ENV.webhooks]) as Record<string, string>;
  const service = env.POWERTOOLS_SERVICE_NAME ?? 'ndx-webhook';
  const logger = createLogger(service, env);
  const metrics = new LookupMetrics({ stage: 'webhook', serviceName: service, isKnownContract: () => false, env });
  const queues = new Queues(sqsClient());

  async function recordHandler(record: SQSRecord): Promise<void> {
    const consumer = agencyOfInQueue(record.eventSourceARN);
    const url = consumer && Object.hasOwn(urls, consumer) ? urls[consumer] : undefined;
    if (!consumer || !url) throw new Error(`webhook function is mapped to a queue of no agency with a webhook: ${record.eventSourceARN}`);
    const reply = LookupReply.parse(JSON.parse(record.body));
    const attempt = receiveCount(record);
    const outcome = await postWebhook(fetch, { url, secret: webhookSecret(await loadPepper(env), consumer) }, consumer, reply, {
      now: new Date(),
      timeoutMs: 5000,
    });
    if (outcome.ok) {
      logger.info('webhook delivered', { consumer, requestId: reply.requestId, code: reply.code, attempt, status: outcome.status });
      return;
    }
    const delay = webhookBackoffSeconds(attempt);
    logger.warn('webhook attempt failed; retried after backoff', {
      consumer,
      requestId: reply.requestId,
      attempt,
      status: outcome.status,
      error: outcome.error,
      retryInSeconds: delay,
    });
    const queueName = record.eventSourceARN.split(':').pop() ?? '';
    await sqsClient().send(
      new ChangeMessageVisibilityCommand({ QueueUrl: await queues.url(queueName), ReceiptHandle: record.receiptHandle, VisibilityTimeout: delay }),
    );
    throw new WebhookDeliveryError(`attempt ${attempt} failed`);
  }

  return sqsBatchHandler({ logger, metrics, registerContext: () => undefined, recordHandler });
}

/** The Lambda entry point; built on first use from the function's environment. */
export const handler = lazyHandler(() => createHandler());
