/**
 * The registry's half of a lookup, transport-free: a message from a registry queue is authenticated
 * (the router's MAC, then the contract side again: forward-check.ts) before anything is read; a
 * refused one becomes a security event. An authentic lookup is answered: consent checked again (a
 * revocation stops lookups already queued), the record or page read and projected onto the contract
 * version, audited, replied. The resend protocol applies to a lookup answered before. Everything
 * outside is a port; the Lambda handler wires them.
 */
import { createHmac } from 'node:crypto';
import type { ContractDefinition, VersionDefinition } from '../../contracts/model.ts';
import { majorOf, releasedCategories } from '../../contracts/model.ts';
import { statusOf, type Code, type LookupReply } from '../../contracts/protocol.ts';
import { digestOf } from '../../contracts/canonical.ts';
import { auditIdOf, type AuditEntry, type AuditEvent, type Reservation } from '../audit/records.ts';
import { checkConsent, consentTermsDigest, type ConsentRecord } from '../consent/consent.ts';
import type { SubjectHasher } from '../subject-hash.ts';
import { checkForwarded } from './forward-check.ts';
import { SignedForwardedLookup, verifyForwarded, type ForwardedLookup, type ForwardingKey, type SecurityReason } from './forwarded.ts';
import { readForContract } from './read.ts';
import type { ReplyRoute } from './mailbox.ts';
import { RegistryUnavailableError, type RegistrySource } from './registry-source.ts';
import { reply } from './replies.ts';
import { pointerTo, resendAction, reusedAfterWindow, type StageOutcome } from './resend.ts';
import { respond, type Responder } from './respond.ts';

/** An authenticated lookup, ready to answer. */
export interface AnswerInput {
  lookup: ForwardedLookup;
  version: VersionDefinition;
  /** The last attempt: a failure is answered ERROR instead of retried. */
  finalAttempt: boolean;
}

/** A message received from a registry queue. */
export interface ReceivedMessage {
  messageId: string;
  body: string;
  sentAt: string;
}

export interface AnswererPorts {
  registryId: string;
  findContract(id: string): ContractDefinition | undefined;
  source: RegistrySource;
  consents: { get(consentId: string): Promise<ConsentRecord | undefined> };
  /** The forwarding key of a version a MAC names, if it may still verify. */
  forwardingKey(version: string): Promise<ForwardingKey | undefined>;
  pepper(): Promise<string>;
  hashSubject(): Promise<SubjectHasher>;
  /** Audits and sends a reply; `reserve` writes a lookup's audit marker ahead (aws/audit-log.ts). */
  responder: Responder & { audit: { reserve(kind: 'lookup', auditId: string, scope: string, at: string, subjectHash?: string): Promise<Reservation> } };
  /** Appends an audit event (the security events). */
  audit: { record(event: AuditEvent, auditId: string, scope?: string): Promise<unknown> };
  /** Sends a reply that ends no lookup (a resend's), to the agency or to the lookup's reply route. */
  send(consumer: string, reply: LookupReply, route?: ReplyRoute): Promise<void>;
  observe?: {
    answered?(event: { consumer: string; requestId: string; contract: string; version?: string; code: Code; receivedAt: string }): void;
    refused?(event: { messageId: string; reason: SecurityReason }): void;
    failed?(event: { requestId: string; code: Code; error: string }): void;
  };
  now?: () => Date;
}

/** A message on a registry queue that must not be answered: only the router writes there, so it is a fault or an attack. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export interface LookupAnswerer {
  /** The lookup in a message, or a refusal (audited as a security event; the message is left to go to the DLQ). */
  authenticate(message: ReceivedMessage): Promise<{ lookup: ForwardedLookup; version: VersionDefinition }>;
  /** Answers a lookup met for the first time; on its final attempt a failure is answered ERROR. */
  answer(input: AnswerInput): Promise<StageOutcome>;
  /** A lookup answered before, arriving again: the resend protocol. */
  resent(lookup: ForwardedLookup, stored: StageOutcome): Promise<void>;
  /** A different request under a used requestId. */
  reused(lookup: ForwardedLookup): Promise<void>;
}

export function lookupAnswerer(ports: AnswererPorts): LookupAnswerer {
  const now = ports.now ?? (() => new Date());
  const { registryId } = ports;

  async function finish(
    lookup: ForwardedLookup,
    code: Code,
    fields: string[],
    extra: Partial<LookupReply> = {},
    ahead?: { at: string; reserved: Promise<Reservation> },
  ): Promise<StageOutcome> {
    const { request } = lookup;
    if (ahead) {
      // The audit id already has a record, made before any redelivery could be: a requestId used again.
      // Nothing is released under the first lookup's record; the caller is told to use a new id.
      const reservation = await ahead.reserved;
      if (reservation.state === 'done' && reusedAfterWindow(reservation.appended.at, now())) {
        const refusal = reply('REQUEST_ID_REUSED', { requestId: request.requestId }, now());
        await ports.send(lookup.consumer, refusal, lookup.replyTo);
        ports.observe?.answered?.({
          consumer: lookup.consumer,
          requestId: request.requestId,
          contract: request.contract,
          code: 'REQUEST_ID_REUSED',
          receivedAt: lookup.receivedAt,
        });
        return { outcome: 'answered', messageId: lookup.receivedMessageId, reply: pointerTo(refusal, reservation.appended.auditId) };
      }
    }
    const entry: AuditEntry = {
      at: ahead?.at ?? now().toISOString(),
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
      ports.responder,
      entry,
      (id) => {
        const r = reply(
          code,
          {
            requestId: request.requestId,
            contract: request.contract,
            version: lookup.version,
            purpose: request.purpose,
            basis: lookup.basis,
            ...(lookup.notice ? { notice: lookup.notice } : {}),
            ...extra,
          },
          now(),
        );
        return extra.provenance ? { ...r, provenance: { ...extra.provenance, auditId: id } } : r;
      },
      ahead?.reserved,
      lookup.replyTo,
    );
    ports.observe?.answered?.({
      consumer: lookup.consumer,
      requestId: request.requestId,
      contract: request.contract,
      version: lookup.version,
      code,
      receivedAt: lookup.receivedAt,
    });
    return {
      outcome: 'answered',
      messageId: lookup.receivedMessageId,
      reply: pointerTo(sent, auditId),
      contract: request.contract,
      version: lookup.version,
      purpose: request.purpose,
    };
  }

  async function answerOnce({ lookup, version }: AnswerInput): Promise<StageOutcome> {
    // Every outcome below is audited: the audit marker is written while consent and record are read,
    // so the record that follows costs one write on the lookup's path, not two.
    const at = now().toISOString();
    // The marker is kept with the subject's (it lists the record for the citizen's view), as `append` would.
    const auditId = auditIdOf(lookup.consumer, lookup.request.requestId, lookup.receivedMessageId);
    const reserved = ports.responder.audit.reserve('lookup', auditId, registryId, at, lookup.subjectHash);
    // Observed by finish; if the lookup fails before, the retry meets the marker and finishes the append.
    reserved.catch(() => undefined);
    const ahead = { at, reserved };
    if (lookup.basis.kind === 'consent') {
      const consent = await ports.consents.get(lookup.basis.consentId);
      const denial = checkConsent(consent, {
        subjectHash: lookup.subjectHash,
        consumer: lookup.consumer,
        contract: lookup.request.contract,
        major: majorOf(version.version),
        purpose: lookup.request.purpose,
        categories: releasedCategories(version),
        now: now(),
        // The adapter holds no signing key: the terms must be the ones whose signature the router verified.
        authentic: (c) => lookup.consentTermsDigest !== undefined && consentTermsDigest(c) === lookup.consentTermsDigest,
      });
      if (denial) return finish(lookup, denial, [], {}, ahead);
    }
    // One record, or one page of a list version (page tokens checked before the registry is read).
    const read = await readForContract(ports.source, lookup, version);
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

  /** A security event in the audit trail (no subject; the body only as a keyed digest), then the refusal. */
  async function refuse(message: ReceivedMessage, reason: SecurityReason): Promise<never> {
    const bodyDigest = createHmac('sha256', await ports.pepper())
      .update('ndx.refused-message.v1\n')
      .update(message.body)
      .digest('hex');
    await ports.audit.record(
      { kind: 'security', at: message.sentAt, stage: 'adapter', registry: registryId, reason, messageId: message.messageId, bodyDigest },
      `security/${registryId}/${message.messageId}`,
      registryId,
    );
    ports.observe?.refused?.({ messageId: message.messageId, reason });
    throw new PoisonMessageError(reason);
  }

  async function sendResendReply(lookup: ForwardedLookup, code: Code, extra: Partial<LookupReply>): Promise<void> {
    await ports.send(lookup.consumer, reply(code, { requestId: lookup.request.requestId, ...extra }, now()), lookup.replyTo);
    ports.observe?.answered?.({
      consumer: lookup.consumer,
      requestId: lookup.request.requestId,
      contract: lookup.request.contract,
      code,
      receivedAt: lookup.receivedAt,
    });
  }

  return {
    async authenticate(message) {
      let json: unknown;
      try {
        json = JSON.parse(message.body);
      } catch {
        json = undefined;
      }
      const parsed = SignedForwardedLookup.safeParse(json);
      if (!parsed.success) return refuse(message, 'NOT_A_FORWARDED_LOOKUP');
      const key = await ports.forwardingKey(parsed.data.mac.keyVersion);
      if (!key) return refuse(message, 'UNKNOWN_KEY');
      const lookup = verifyForwarded(parsed.data, key);
      if (!lookup) return refuse(message, 'BAD_MAC');
      const checked = checkForwarded(lookup, { registryId, findContract: (id) => ports.findContract(id), hashSubject: await ports.hashSubject() });
      if (!checked.ok) return refuse(message, checked.reason);
      return { lookup, version: checked.version };
    },
    async answer(input) {
      try {
        return await answerOnce(input);
      } catch (error) {
        if (!input.finalAttempt) throw error;
        const code: Code = error instanceof RegistryUnavailableError ? 'REGISTRY_UNAVAILABLE' : 'INTERNAL';
        ports.observe?.failed?.({ requestId: input.lookup.request.requestId, code, error: (error as Error).name });
        return finish(input.lookup, code, []);
      }
    },
    async resent(lookup, stored) {
      const action = resendAction(stored, lookup.receivedMessageId);
      // The lookup was answered before (its reply may have been lost): point at that answer.
      if (action.kind === 'point') {
        await sendResendReply(lookup, 'ALREADY_ANSWERED', {
          contract: lookup.request.contract,
          version: lookup.version,
          purpose: lookup.request.purpose,
          original: action.outcome.reply,
        });
      }
    },
    reused: (lookup) => sendResendReply(lookup, 'REQUEST_ID_REUSED', {}),
  };
}
