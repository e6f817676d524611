/**
 * A registry adapter Lambda: reads lookups from its registry's queue and hands each to the lookup
 * answerer (domain/lookup/answer.ts), wired here to the registry's source, DynamoDB, SQS and Secrets
 * Manager. One module serves every registry; NDX_REGISTRY_ID picks the registry module.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import { AuditAppender, auditLogOptions } from '../../aws/audit-log.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import { forwardingKeys } from '../../aws/forwarding-key.ts';
import { IdempotencyValidationError, idempotent } from '../../aws/idempotency.ts';
import { createLogger } from '../../aws/logger.ts';
import { LookupMetrics } from '../../aws/metrics.ts';
import { loadPepper } from '../../aws/pepper.ts';
import { Queues } from '../../aws/queues.ts';
import { ReplyMailbox } from '../../aws/reply-mailbox.ts';
import { requireEnv, type Env, type HandlerDeps } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import { findContract as shippedContracts } from '../../contracts/catalog.ts';
import { statusOf } from '../../contracts/protocol.ts';
import { lookupAnswerer, type AnswerInput } from '../../domain/lookup/answer.ts';
import { deliver } from '../../domain/lookup/respond.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { REGISTRIES } from '../../registries/index.ts';
import { lazyHandler, receiveCount, sqsBatchHandler } from '../shared/sqs-batch-handler.ts';

export { LookupInProgressError, PoisonMessageError } from '../../domain/lookup/answer.ts';

export function createHandler(env: Env = process.env, deps: HandlerDeps = {}) {
  const findContract = deps.findContract ?? shippedContracts;
  const vars = requireEnv(env, [ENV.auditTable, ENV.consentTable, ENV.idempotencyTable, ENV.maxReceiveCount, ENV.registryId]);
  const registryId = vars[ENV.registryId];
  const registry = REGISTRIES[registryId];
  if (!registry) throw new Error(`no registry module for ${registryId}`);
  const maxReceiveCount = Number(vars[ENV.maxReceiveCount]);
  const service = env.POWERTOOLS_SERVICE_NAME ?? `ndx-adapter-${registryId}`;
  const logger = createLogger(service, env);
  const metrics = new LookupMetrics({ stage: 'adapter', serviceName: service, isKnownContract: (id) => Boolean(findContract(id)), env });
  const audit = new AuditAppender(documentClient(), vars[ENV.auditTable], auditLogOptions(env));
  const queues = new Queues(sqsClient());
  const keys = forwardingKeys(env);
  const pepper = () => loadPepper(env);
  // Replies to callers of the HTTP API are sealed into their mailbox slots (domain/lookup/mailbox.ts).
  const mailboxTable = env[ENV.replyMailboxTable];
  const replies = { queues, ...(mailboxTable ? { mailbox: new ReplyMailbox(documentClient(), mailboxTable) } : {}) };

  const answerer = lookupAnswerer({
    registryId,
    findContract,
    source: registry.createSource(env),
    consents: new ConsentStore(documentClient(), vars[ENV.consentTable]),
    forwardingKey: (version) => keys.version(version),
    pepper,
    hashSubject: async () => subjectHasher(await pepper()),
    responder: { audit, ...replies },
    audit,
    send: (consumer, reply, route) => deliver(replies, consumer, reply, route),
    observe: {
      answered: ({ consumer, requestId, contract, version, code, receivedAt }) => {
        logger.info(code === 'ALREADY_ANSWERED' || code === 'REQUEST_ID_REUSED' ? 'resend answered by registry' : 'lookup answered by registry', {
          requestId,
          consumer,
          contract,
          version,
          code,
        });
        metrics.record({ status: statusOf(code), code, contract, sentAt: Date.parse(receivedAt) });
      },
      refused: ({ messageId, reason }) => {
        metrics.recordSecurityEvent();
        logger.error('message on registry queue refused: not a genuine forwarded lookup', { messageId, reason });
      },
      failed: ({ requestId, code, error }) => logger.error('lookup failed on its last delivery', { requestId, code, error }),
    },
  });

  // The step the rare paths run in, once per lookup (domain/lookup/answer.ts `take`), under the key and
  // digest the adapter's idempotency records have always had: a lookup an earlier version answered is still known.
  const once = idempotent<AnswerInput & { key: string; digest: string }>(vars[ENV.idempotencyTable], `ndx-adapter-${registryId}`, (input) =>
    answerer.answer(input),
  );
  const exclusive = {
    run: (input: AnswerInput) => once.run({ ...input, key: `${input.lookup.consumer}:${input.lookup.request.requestId}`, digest: input.lookup.requestDigest }),
    isReused: (error: unknown) => error instanceof IdempotencyValidationError,
  };
  // The end of the current invocation: a lookup's audit marker holds it for its attempt until then.
  let deadline = Date.now();
  const registerContext = (context: Context) => {
    once.registerContext(context);
    deadline = Date.now() + context.getRemainingTimeInMillis();
  };

  async function recordHandler(record: SQSRecord): Promise<void> {
    const sentAt = new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString();
    const { lookup, version } = await answerer.authenticate({ messageId: record.messageId, body: record.body, sentAt });
    await answerer.take({ lookup, version, finalAttempt: receiveCount(record) >= maxReceiveCount, leaseUntil: deadline }, exclusive);
  }

  return sqsBatchHandler({ logger, metrics, registerContext, recordHandler });
}

/** The Lambda entry point; built on first use from the function's environment. */
export const handler = lazyHandler(() => createHandler());
