/**
 * The router Lambda: reads lookups from agencies' out-queues, checks each one (envelope, contract,
 * purpose, consent or legal basis) and either forwards it to the registry's queue or answers the
 * caller at once. Thin: the decisions live in envelope.ts and decide.ts.
 */
import type { SQSRecord } from 'aws-lambda';
import { findContract as shippedContracts } from '../../contracts/catalog.ts';
import { statusOf, type Code, type LookupReply, type LookupRequest } from '../../contracts/protocol.ts';
import { AuditLog, auditShards, type AuditEntry } from '../../aws/audit-log.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { checkConsent, consentSigningKey, consentTermsDigest, verifyConsentSignature } from '../../domain/consent/consent.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import { ContractCatalog } from '../../domain/contracts/catalog.ts';
import { ContractRegistry } from '../../aws/contract-registry.ts';
import { requireEnv, type Env, type HandlerDeps } from '../../config/env.ts';
import { signForwarded, type ForwardedLookup, type ForwardTerms } from '../../domain/lookup/forwarded.ts';
import { forwardingKeys } from '../../aws/forwarding-key.ts';
import { IdempotencyValidationError, idempotent, type Ran } from '../../aws/idempotency.ts';
import { createLogger } from '../../aws/logger.ts';
import { LookupMetrics } from '../../aws/metrics.ts';
import { agencyOfOutQueue, ENV, names } from '../../config/names.ts';
import { Queues } from '../../aws/queues.ts';
import { lazyHandler, receiveCount, sqsBatchHandler } from '../shared/sqs-batch-handler.ts';
import { RateLimiter } from '../../aws/rate-limit.ts';
import { reply } from '../../domain/lookup/replies.ts';
import { respond } from '../../domain/lookup/respond.ts';
import { pointerTo, requestDigest, resendAction, type StageOutcome } from '../../domain/lookup/resend.ts';
import { loadPepper, subjectHasher } from '../../domain/subject-hash.ts';
import { admit } from '../../domain/lookup/admit.ts';
import { readEnvelope, type Envelope } from '../../domain/lookup/envelope.ts';

interface RouteInput {
  /** Idempotency key: (agency, requestId), or the SQS message for a request without a readable id. */
  key: string;
  /** The request's keyed digest: a resend must match it. */
  digest: string;
  consumer: string;
  envelope: Envelope;
  messageId: string;
  receivedAt: string;
  finalAttempt: boolean;
}

export function createHandler(env: Env = process.env, deps: HandlerDeps = {}) {
  const vars = requireEnv(env, [ENV.auditTable, ENV.consentTable, ENV.idempotencyTable, ENV.rateLimitTable, ENV.contractTable, ENV.maxReceiveCount]);
  const maxReceiveCount = Number(vars[ENV.maxReceiveCount]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'ndx-router', env);
  const knownContract = deps.findContract ?? shippedContracts;
  const metrics = new LookupMetrics({ stage: 'router', serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'ndx-router', isKnownContract: (id) => Boolean(knownContract(id)), env });
  const audit = new AuditLog(documentClient(), vars[ENV.auditTable], { shards: auditShards(env) });
  const consents = new ConsentStore(documentClient(), vars[ENV.consentTable]);
  const queues = new Queues(sqsClient());
  const limiter = new RateLimiter(documentClient(), vars[ENV.rateLimitTable]);
  const catalog = new ContractCatalog({
    registry: new ContractRegistry(documentClient(), vars[ENV.contractTable]),
    ttlMs: Number(env[ENV.contractCacheSeconds] ?? 30) * 1000,
    ...(deps.findContract ? { find: deps.findContract } : {}),
    onTampered: (contractId, versions) => logger.error('contract versions differ from their published digest; not served', { contractId, versions }),
  });
  const keys = forwardingKeys(env);
  const hasher = () => loadPepper(env).then(subjectHasher);
  const signingKey = () => loadPepper(env).then(consentSigningKey);

  async function answer(input: RouteInput, code: Code, entry: Partial<AuditEntry>, extra: Partial<LookupReply> = {}): Promise<StageOutcome> {
    const requestId = entry.requestId ?? null;
    const { reply: sent, auditId } = await respond(
      { audit, queues },
      {
        at: new Date().toISOString(),
        consumer: input.consumer,
        requestId,
        receivedMessageId: input.messageId,
        fields: [],
        recordedBy: 'router',
        ...entry,
        status: statusOf(code),
        code,
      },
      () =>
        reply(code, {
          requestId,
          ...(requestId ? {} : { receivedMessageId: input.messageId }),
          ...(entry.contract ? { contract: entry.contract } : {}),
          ...(entry.version ? { version: entry.version } : {}),
          ...(entry.purpose ? { purpose: entry.purpose } : {}),
          ...extra,
        }),
    );
    logger.info('lookup answered by router', { requestId, consumer: input.consumer, contract: entry.contract, code });
    metrics.record({ status: sent.status, code, contract: entry.contract, sentAt: Date.parse(input.receivedAt) });
    return {
      outcome: 'answered',
      messageId: input.messageId,
      reply: pointerTo(sent, auditId),
      ...(entry.contract ? { contract: entry.contract } : {}),
      ...(entry.version ? { version: entry.version } : {}),
      ...(entry.purpose ? { purpose: entry.purpose } : {}),
    };
  }

  /** Sends an admitted lookup, signed, to its registry's queue. */
  async function forward(consumer: string, request: LookupRequest, terms: ForwardTerms, registry: string, messageId: string, receivedAt: string): Promise<void> {
    const forwarded: ForwardedLookup = { kind: 'ndx.forwarded-lookup.v1', consumer, request, ...terms, receivedMessageId: messageId, receivedAt };
    await queues.sendJson(names.registryInQueue(registry), signForwarded(forwarded, await keys.current()));
  }

  async function route(input: RouteInput): Promise<StageOutcome> {
    const envelope = input.envelope;
    if (!envelope.ok) return answer(input, envelope.code, { requestId: envelope.requestId }, { issues: envelope.issues });
    const request = envelope.request;
    const base = { requestId: request.requestId, contract: request.contract, purpose: request.purpose, ...(request.onBehalfOf ? { onBehalfOf: request.onBehalfOf } : {}) };
    const contract = await catalog.load(request.contract);
    const admission = admit(request, input.consumer, () => contract);
    if (!admission.ok) {
      const subjectHash = admission.code === 'SCHEMA_VIOLATION' ? undefined : await hashOf(request.subject);
      return answer(
        input,
        admission.code,
        { ...base, ...(admission.version ? { version: admission.version } : {}), ...(subjectHash ? { subjectHash } : {}) },
        admission.issues ? { issues: admission.issues } : {},
      );
    }
    const subjectHash = await hashOf(admission.subject);
    const version = admission.version.version;
    const registry = admission.contract.provider;
    // The consent is read while the rate limit is taken: two independent calls, one wait.
    const [allowed, consent] = await Promise.all([
      limiter.take(input.consumer, admission.contract.id, admission.version.rateLimit.perAgencyPerMinute),
      admission.legalBasis ? undefined : consents.get(admission.consent!.consentId),
    ]);
    if (!allowed) return answer(input, 'RATE_LIMITED', { ...base, version, subjectHash, registry });
    let basis: ForwardedLookup['basis'];
    let consentTerms: string | undefined;
    if (admission.legalBasis) {
      basis = admission.legalBasis;
    } else {
      const wanted = admission.consent!;
      const key = await signingKey();
      const now = new Date();
      basis = { kind: 'consent', consentId: wanted.consentId };
      const denial = checkConsent(consent, {
        subjectHash,
        consumer: input.consumer,
        contract: admission.contract.id,
        major: wanted.major,
        purpose: request.purpose,
        categories: wanted.categories,
        now,
        authentic: (c) => verifyConsentSignature(c, key),
      });
      if (denial) return answer(input, denial, { ...base, version, subjectHash, registry, basis });
      // Use limits: one atomic conditional count per lookup (a retry of the same request is not counted twice).
      if (!(await consents.use(consent!, `${input.consumer}/${request.requestId}`, now))) {
        return answer(input, 'CONSENT_LIMIT_REACHED', { ...base, version, subjectHash, registry, basis });
      }
      consentTerms = consentTermsDigest(consent!);
    }
    const terms: ForwardTerms = {
      version,
      basis,
      subjectHash,
      requestDigest: input.digest,
      ...(consentTerms ? { consentTermsDigest: consentTerms } : {}),
      ...(admission.notice ? { notice: admission.notice } : {}),
    };
    await forward(input.consumer, request, terms, registry, input.messageId, input.receivedAt);
    logger.info('lookup forwarded', { requestId: request.requestId, consumer: input.consumer, contract: request.contract, version, registry });
    metrics.record({ status: 'FORWARDED', code: 'FORWARDED', contract: request.contract });
    return { outcome: 'forwarded', messageId: input.messageId, registry, forward: terms };
  }

  async function hashOf(subject: Record<string, string>): Promise<string> {
    return (await hasher())(subject);
  }

  /** Runs `route`; on the last delivery a failure still ends in one INTERNAL reply instead of silence. */
  async function routeOrFail(input: RouteInput): Promise<StageOutcome> {
    try {
      return await route(input);
    } catch (error) {
      if (!input.finalAttempt) throw error;
      logger.error('lookup failed on its last delivery; answering INTERNAL', { consumer: input.consumer, messageId: input.messageId, error: (error as Error).name });
      const requestId = input.envelope.ok ? input.envelope.request.requestId : input.envelope.requestId;
      return answer(input, 'INTERNAL', { requestId });
    }
  }

  const once = idempotent(vars[ENV.idempotencyTable], 'ndx-router', routeOrFail);

  /** Answers a message outside the idempotent step (a resend): not audited, since it releases nothing and starts no lookup. */
  async function answerResend(input: RouteInput, requestId: string | null, code: Code, extra: Partial<LookupReply>): Promise<void> {
    await queues.sendJson(names.agencyInQueue(input.consumer), reply(code, { requestId, ...extra }));
    logger.info('resend answered by router', { requestId, consumer: input.consumer, code });
    metrics.record({ status: statusOf(code), code, contract: extra.contract, sentAt: Date.parse(input.receivedAt) });
  }

  /** The resend protocol (platform/resend.ts): a request this stage has handled before, arriving as another message. */
  async function resent(input: RouteInput, ran: Ran): Promise<void> {
    const action = resendAction(ran, input.messageId);
    const requestId = input.envelope.ok ? input.envelope.request.requestId : input.envelope.requestId;
    if (action.kind === 'point') {
      const o = action.outcome;
      await answerResend(input, requestId, 'ALREADY_ANSWERED', {
        ...(o.contract ? { contract: o.contract } : {}),
        ...(o.version ? { version: o.version } : {}),
        ...(o.purpose ? { purpose: o.purpose } : {}),
        original: o.reply,
      });
    } else if (action.kind === 'reforward' && input.envelope.ok) {
      // Forwarded before, but no reply reached the caller: carry it through (the adapter answers it once).
      const o = action.outcome;
      await forward(input.consumer, input.envelope.request, o.forward, o.registry, input.messageId, input.receivedAt);
      logger.info('resend forwarded again', { requestId, consumer: input.consumer, registry: o.registry });
    }
  }

  async function recordHandler(record: SQSRecord): Promise<Ran | undefined> {
    const consumer = agencyOfOutQueue(record.eventSourceARN);
    if (!consumer) throw new Error(`router is mapped to a queue that is not an agency out-queue: ${record.eventSourceARN}`);
    const envelope = readEnvelope(record.body);
    const requestId = envelope.ok ? envelope.request.requestId : envelope.requestId;
    const input: RouteInput = {
      key: requestId ? `${consumer}:${requestId}` : `${consumer}:message:${record.messageId}`,
      digest: requestDigest(await loadPepper(env), envelope.ok ? envelope.request : undefined, record.body),
      consumer,
      envelope,
      messageId: record.messageId,
      receivedAt: new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString(),
      finalAttempt: receiveCount(record) >= maxReceiveCount,
    };
    let ran: Ran;
    try {
      ran = await once.run(input);
    } catch (error) {
      if (!(error instanceof IdempotencyValidationError)) throw error;
      await answerResend(input, requestId, 'REQUEST_ID_REUSED', {});
      return undefined;
    }
    if (ran.replayed) await resent(input, ran);
    return ran;
  }

  return sqsBatchHandler({ logger, metrics, registerContext: once.registerContext, recordHandler });
}

/** The Lambda entry point; built on first use from the function's environment. */
export const handler = lazyHandler(() => createHandler());
