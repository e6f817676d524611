/**
 * A registry adapter Lambda: reads admitted lookups from its registry's queue, checks consent again
 * (a revocation also stops lookups already waiting in the queue), reads the record, projects it onto
 * the contract version and replies to the caller. One module serves every registry; NDX_REGISTRY_ID
 * picks the registry module.
 */
import type { SQSRecord } from 'aws-lambda';
import { findContract as shippedContracts } from '../../contracts/catalog.ts';
import { majorOf, releasedCategories, type VersionDefinition } from '../../contracts/model.ts';
import { statusOf, type Code, type LookupReply } from '../../contracts/protocol.ts';
import { AuditLog, auditIdOf, auditShards, type AuditEntry, type Reservation } from '../../aws/audit-log.ts';
import { createHmac } from 'node:crypto';
import { digestOf } from '../../contracts/canonical.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { checkConsent, consentTermsDigest } from '../../domain/consent/consent.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import { requireEnv, type Env, type HandlerDeps } from '../../config/env.ts';
import { SignedForwardedLookup, verifyForwarded, type ForwardedLookup, type SecurityReason } from '../../domain/lookup/forwarded.ts';
import { forwardingKeys } from '../../aws/forwarding-key.ts';
import { IdempotencyValidationError, idempotent, type Ran } from '../../aws/idempotency.ts';
import { createLogger } from '../../aws/logger.ts';
import { LookupMetrics } from '../../aws/metrics.ts';
import { ENV, names } from '../../config/names.ts';
import { Queues } from '../../aws/queues.ts';
import { lazyHandler, receiveCount, sqsBatchHandler } from '../shared/sqs-batch-handler.ts';
import { reply } from '../../domain/lookup/replies.ts';
import { respond } from '../../domain/lookup/respond.ts';
import { pointerTo, resendAction, type StageOutcome } from '../../domain/lookup/resend.ts';
import { loadPepper, subjectHasher } from '../../domain/subject-hash.ts';
import { REGISTRIES } from '../../registries/index.ts';
import { RegistryUnavailableError } from '../../domain/lookup/registry-source.ts';
import { checkForwarded } from '../../domain/lookup/forward-check.ts';
import { readForContract } from '../../domain/lookup/read.ts';

interface AnswerInput {
  /** Idempotency key: (agency, requestId). */
  key: string;
  /** The request's keyed digest, as the router computed it: a resend must match it. */
  digest: string;
  lookup: ForwardedLookup;
  version: VersionDefinition;
  finalAttempt: boolean;
}

/** A message on a registry queue that must not be answered: only the router writes there, so it is a fault or an attack. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export function createHandler(env: Env = process.env, deps: HandlerDeps = {}) {
  const findContract = deps.findContract ?? shippedContracts;
  const vars = requireEnv(env, [ENV.auditTable, ENV.consentTable, ENV.idempotencyTable, ENV.maxReceiveCount, ENV.registryId]);
  const registryId = vars[ENV.registryId];
  const registry = REGISTRIES[registryId];
  if (!registry) throw new Error(`no registry module for ${registryId}`);
  const source = registry.createSource(env);
  const maxReceiveCount = Number(vars[ENV.maxReceiveCount]);
  const logger = createLogger(env.POWERTOOLS_SERVICE_NAME ?? `ndx-adapter-${registryId}`, env);
  const metrics = new LookupMetrics({
    stage: 'adapter',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? `ndx-adapter-${registryId}`,
    isKnownContract: (id) => Boolean(findContract(id)),
    env,
  });
  const audit = new AuditLog(documentClient(), vars[ENV.auditTable], { shards: auditShards(env) });
  const consents = new ConsentStore(documentClient(), vars[ENV.consentTable]);
  const queues = new Queues(sqsClient());
  const keys = forwardingKeys(env);

  /** The audit marker written ahead, beside the consent check and the read, and the time it names. */
  interface Ahead {
    at: string;
    reserved: Promise<Reservation>;
  }

  async function finish(lookup: ForwardedLookup, code: Code, fields: string[], extra: Partial<LookupReply> = {}, ahead?: Ahead): Promise<StageOutcome> {
    const { request } = lookup;
    const entry: AuditEntry = {
      at: ahead?.at ?? new Date().toISOString(),
      consumer: lookup.consumer,
      ...(request.onBehalfOf ? { onBehalfOf: request.onBehalfOf } : {}),
      requestId: request.requestId,
      receivedMessageId: lookup.receivedMessageId,
      contract: request.contract,
      version: lookup.version,
      purpose: request.purpose,
      basis: lookup.basis,
      registry: registryId,
      subjectHash: lookup.subjectHash,
      fields,
      status: statusOf(code),
      code,
      recordedBy: 'adapter',
    };
    const { reply: sent, auditId } = await respond(
      { audit, queues },
      entry,
      (auditId) => {
        const r = reply(code, {
          requestId: request.requestId,
          contract: request.contract,
          version: lookup.version,
          purpose: request.purpose,
          basis: lookup.basis,
          ...(lookup.notice ? { notice: lookup.notice } : {}),
          ...extra,
        });
        return extra.provenance ? { ...r, provenance: { ...extra.provenance, auditId } } : r;
      },
      ahead?.reserved,
    );
    logger.info('lookup answered by registry', { requestId: request.requestId, consumer: lookup.consumer, contract: request.contract, version: lookup.version, code });
    metrics.record({ status: entry.status, code, contract: request.contract, sentAt: Date.parse(lookup.receivedAt) });
    return {
      outcome: 'answered',
      messageId: lookup.receivedMessageId,
      reply: pointerTo(sent, auditId),
      contract: request.contract,
      version: lookup.version,
      purpose: request.purpose,
    };
  }

  async function answer({ lookup, version }: AnswerInput): Promise<StageOutcome> {
    // Every outcome below is audited: the audit marker is written while consent and record are read,
    // so the record that follows costs one write on the lookup's path, not two.
    const at = new Date().toISOString();
    const reserved = audit.reserve('lookup', auditIdOf(lookup.consumer, lookup.request.requestId, lookup.receivedMessageId), registryId, at);
    // Observed by finish; if the lookup fails before, the retry meets the marker and finishes the append.
    reserved.catch(() => undefined);
    const ahead: Ahead = { at, reserved };
    if (lookup.basis.kind === 'consent') {
      const consent = await consents.get(lookup.basis.consentId);
      const denial = checkConsent(consent, {
        subjectHash: lookup.subjectHash,
        consumer: lookup.consumer,
        contract: lookup.request.contract,
        major: majorOf(version.version),
        purpose: lookup.request.purpose,
        categories: releasedCategories(version),
        now: new Date(),
        // The adapter holds no signing key: the terms must be the ones whose signature the router verified.
        authentic: (c) => lookup.consentTermsDigest !== undefined && consentTermsDigest(c) === lookup.consentTermsDigest,
      });
      if (denial) return finish(lookup, denial, [], {}, ahead);
    }
    // One record, or one page of a list version (page tokens checked before the registry is read).
    const read = await readForContract(source, lookup, version);
    if (read.code === 'SCHEMA_VIOLATION') return finish(lookup, read.code, [], { issues: read.issues }, ahead);
    if (read.code === 'SUBJECT_NOT_FOUND') return finish(lookup, read.code, [], {}, ahead);
    return finish(
      lookup,
      'OK',
      read.fields,
      { data: read.data, provenance: { registry: registryId, asOf: read.updatedAt, auditId: '', digest: digestOf(read.data) } },
      ahead,
    );
  }

  /** On the last delivery, a failure still ends in one ERROR reply instead of silence. */
  async function answerOrFail(input: AnswerInput): Promise<StageOutcome> {
    try {
      return await answer(input);
    } catch (error) {
      if (!input.finalAttempt) throw error;
      const code: Code = error instanceof RegistryUnavailableError ? 'REGISTRY_UNAVAILABLE' : 'INTERNAL';
      logger.error('lookup failed on its last delivery', { requestId: input.lookup.request.requestId, code, error: (error as Error).name });
      return finish(input.lookup, code, []);
    }
  }

  const once = idempotent(vars[ENV.idempotencyTable], `ndx-adapter-${registryId}`, answerOrFail);

  /**
   * Refuses a message before anything is read: a security event in the audit trail (no subject, the
   * body only as a keyed digest), a metric the alarm watches, a log line, and the message is left to
   * its queue's redrive policy, which moves it to the DLQ.
   */
  async function refuse(record: SQSRecord, reason: SecurityReason): Promise<never> {
    const pepper = await loadPepper(env);
    await audit.record(
      {
        kind: 'security',
        at: new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString(),
        stage: 'adapter',
        registry: registryId,
        reason,
        messageId: record.messageId,
        bodyDigest: createHmac('sha256', pepper).update('ndx.refused-message.v1\n').update(record.body).digest('hex'),
      },
      `security/${registryId}/${record.messageId}`,
      registryId,
    );
    metrics.recordSecurityEvent();
    logger.error('message on registry queue refused: not a genuine forwarded lookup', { messageId: record.messageId, reason, receiveCount: receiveCount(record) });
    throw new PoisonMessageError(reason);
  }

  /** Authenticates a message (MAC with the forwarding key) and re-checks the contract side, or refuses it. */
  async function authenticate(record: SQSRecord): Promise<{ lookup: ForwardedLookup; version: VersionDefinition }> {
    let json: unknown;
    try {
      json = JSON.parse(record.body);
    } catch {
      json = undefined;
    }
    const parsed = SignedForwardedLookup.safeParse(json);
    if (!parsed.success) return refuse(record, 'NOT_A_FORWARDED_LOOKUP');
    const key = await keys.version(parsed.data.mac.keyVersion);
    if (!key) return refuse(record, 'UNKNOWN_KEY');
    const lookup = verifyForwarded(parsed.data, key);
    if (!lookup) return refuse(record, 'BAD_MAC');
    const hashSubject = subjectHasher(await loadPepper(env));
    const checked = checkForwarded(lookup, { registryId, findContract, hashSubject });
    if (!checked.ok) return refuse(record, checked.reason);
    return { lookup, version: checked.version };
  }

  async function recordHandler(record: SQSRecord): Promise<Ran | undefined> {
    const { lookup, version } = await authenticate(record);
    const { consumer, request } = lookup;
    let ran: Ran;
    try {
      ran = await once.run({ key: `${consumer}:${request.requestId}`, digest: lookup.requestDigest, lookup, version, finalAttempt: receiveCount(record) >= maxReceiveCount });
    } catch (error) {
      if (!(error instanceof IdempotencyValidationError)) throw error;
      await answerResend(lookup, 'REQUEST_ID_REUSED', {});
      return undefined;
    }
    if (ran.replayed) {
      const action = resendAction(ran, lookup.receivedMessageId);
      // The lookup was answered before (its reply may have been lost): point at that answer.
      if (action.kind === 'point') {
        await answerResend(lookup, 'ALREADY_ANSWERED', { contract: request.contract, version: lookup.version, purpose: request.purpose, original: action.outcome.reply });
      }
    }
    return ran;
  }

  /** Answers a resend outside the idempotent step: not audited, since it releases nothing. */
  async function answerResend(lookup: ForwardedLookup, code: Code, extra: Partial<LookupReply>): Promise<void> {
    await queues.sendJson(names.agencyInQueue(lookup.consumer), reply(code, { requestId: lookup.request.requestId, ...extra }));
    logger.info('resend answered by registry', { requestId: lookup.request.requestId, consumer: lookup.consumer, code });
    metrics.record({ status: statusOf(code), code, contract: lookup.request.contract, sentAt: Date.parse(lookup.receivedAt) });
  }

  return sqsBatchHandler({ logger, metrics, registerContext: once.registerContext, recordHandler });
}

/** The Lambda entry point; built on first use from the function's environment. */
export const handler = lazyHandler(() => createHandler());
