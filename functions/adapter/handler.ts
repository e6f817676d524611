/**
 * A registry adapter Lambda: reads admitted lookups from its registry's queue, checks consent again
 * (a revocation also stops lookups already waiting in the queue), reads the record, projects it onto
 * the contract version and replies to the caller. One module serves every registry; NDX_REGISTRY_ID
 * picks the registry module.
 */
import type { SQSRecord } from 'aws-lambda';
import { findContract as shippedContracts } from '../../contracts/catalog.ts';
import { majorOf, releasedCategories } from '../../contracts/model.ts';
import type { Code, LookupReply } from '../../contracts/protocol.ts';
import { AuditLog, auditIdOf, auditShards, type AuditEntry, type Reservation } from '../platform/audit.ts';
import { digestOf } from '../platform/canonical.ts';
import { documentClient, sqsClient } from '../platform/clients.ts';
import { checkConsent, consentTermsDigest } from '../platform/consent.ts';
import { ConsentStore } from '../platform/consent-store.ts';
import { requireEnv, type Env, type HandlerDeps } from '../platform/env.ts';
import { ForwardedLookup } from '../platform/forwarded.ts';
import { idempotent } from '../platform/idempotency.ts';
import { createLogger } from '../platform/logger.ts';
import { LookupMetrics } from '../platform/metrics.ts';
import { ENV } from '../platform/names.ts';
import { Queues } from '../platform/queues.ts';
import { lazyHandler, sqsBatchHandler } from '../platform/sqs-batch-handler.ts';
import { reply } from '../platform/replies.ts';
import { receiveCount, respond } from '../platform/respond.ts';
import { REGISTRIES } from '../registries/index.ts';
import { RegistryUnavailableError } from '../registries/types.ts';
import { readForContract } from './read.ts';

interface AnswerInput {
  key: string;
  lookup: ForwardedLookup;
  finalAttempt: boolean;
}

/** A message on a registry queue that is not a forwarded lookup: only the router writes there, so it is a fault. */
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

  /** The audit marker written ahead, beside the consent check and the read, and the time it names. */
  interface Ahead {
    at: string;
    reserved: Promise<Reservation>;
  }

  async function finish(lookup: ForwardedLookup, code: Code, fields: string[], extra: Partial<LookupReply> = {}, ahead?: Ahead): Promise<LookupReply> {
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
      status: reply(code, { requestId: null }).status,
      code,
      recordedBy: 'adapter',
    };
    const sent = await respond({ audit, queues }, entry, (auditId) => {
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
    }, ahead?.reserved);
    logger.info('lookup answered by registry', { requestId: request.requestId, consumer: lookup.consumer, contract: request.contract, version: lookup.version, code });
    metrics.record({ status: entry.status, code, contract: request.contract, sentAt: Date.parse(lookup.receivedAt) });
    return sent;
  }

  async function answer({ lookup }: AnswerInput): Promise<LookupReply> {
    const contract = findContract(lookup.request.contract);
    const version = contract?.versions.find((v) => v.version === lookup.version);
    if (!contract || !version) throw new PoisonMessageError(`forwarded lookup names an unknown contract version`);
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
        contract: contract.id,
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
  async function answerOrFail(input: AnswerInput): Promise<LookupReply> {
    try {
      return await answer(input);
    } catch (error) {
      if (!input.finalAttempt || error instanceof PoisonMessageError) throw error;
      const code: Code = error instanceof RegistryUnavailableError ? 'REGISTRY_UNAVAILABLE' : 'INTERNAL';
      logger.error('lookup failed on its last delivery', { requestId: input.lookup.request.requestId, code, error: (error as Error).name });
      return finish(input.lookup, code, []);
    }
  }

  const once = idempotent(vars[ENV.idempotencyTable], `ndx-adapter-${registryId}`, answerOrFail);

  async function recordHandler(record: SQSRecord): Promise<LookupReply> {
    let json: unknown;
    try {
      json = JSON.parse(record.body);
    } catch {
      json = undefined;
    }
    const parsed = ForwardedLookup.safeParse(json);
    if (!parsed.success) {
      logger.error('poison message on registry queue: not a forwarded lookup', { messageId: record.messageId, receiveCount: receiveCount(record) });
      throw new PoisonMessageError('not a forwarded lookup');
    }
    const lookup = parsed.data;
    return once.run({ key: `${lookup.consumer}:${lookup.request.requestId}`, lookup, finalAttempt: receiveCount(record) >= maxReceiveCount });
  }

  return sqsBatchHandler({ logger, metrics, registerContext: once.registerContext, recordHandler });
}

/** The Lambda entry point; built on first use from the function's environment. */
export const handler = lazyHandler(() => createHandler());
