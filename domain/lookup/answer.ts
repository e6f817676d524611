/**
 * The registry's half of a lookup, transport-free: a message from a registry queue is authenticated
 * (the router's MAC, then the contract side again: forward-check.ts) before anything is read; a
 * refused one becomes a security event. An authentic lookup is answered: consent checked again (a
 * revocation stops lookups already queued), the record or page read and projected onto the contract
 * version, audited, replied. The resend protocol applies to a lookup answered before. Everything
 * outside is a port; the Lambda handler wires them.
 *
 * Exactly once, by the audit trail (`take`): the lookup's audit marker, written before the registry is
 * read, holds the lookup for the attempt that wrote it until its invocation's deadline (its lease);
 * its record, written before the reply, says the lookup was answered, how, and when (with the reply's
 * sealed digest). So an attempt that meets
 * - no marker answers (two writes: marker and record);
 * - the record (a redelivery, or a resend the router carried through) sends the very reply the record
 *   names again, when the registry still gives it byte for byte (its digest, sealed in the record, is
 *   checked: nothing is ever released under a record that does not name it), and otherwise points at it
 *   (ALREADY_ANSWERED). A reply may never have left (a stop between record and reply), and an agency
 *   reading one reply twice has one answer;
 * - the marker alone while its lease runs, is told to come back later (LookupInProgressError);
 * - the marker alone after its lease (its attempt stopped in between), or a record kept before replies
 *   were recorded, finishes it in a step run once per lookup (`exclusive`: Powertools idempotency),
 *   which also answers resends of lookups an earlier version answered.
 */
import { createHmac } from 'node:crypto';
import type { ContractDefinition, VersionDefinition } from '../../contracts/model.ts';
import { majorOf, releasedCategories } from '../../contracts/model.ts';
import { statusOf, type Code, type LookupReply } from '../../contracts/protocol.ts';
import { digestOf } from '../../contracts/canonical.ts';
import { auditIdOf, type AuditEntry, type AuditEvent, type Reservation, type ReserveOptions } from '../audit/records.ts';
import { isReplySeal, openReplySeal, sealReplyDigest } from '../audit/reply-seal.ts';
import { checkConsent, consentTermsDigest, type ConsentRecord } from '../consent/consent.ts';
import type { SubjectHasher } from '../subject-hash.ts';
import { checkForwarded } from './forward-check.ts';
import { SignedForwardedLookup, verifyForwarded, type ForwardedLookup, type ForwardingKey, type SecurityReason } from './forwarded.ts';
import { readForContract } from './read.ts';
import type { ReplyRoute } from './mailbox.ts';
import { RegistryUnavailableError, type RegistrySource } from './registry-source.ts';
import { reply } from './replies.ts';
import { pointerTo, resendAction, reusedAfterWindow, type StageOutcome } from './resend.ts';
import type { ReplyPointer } from '../../contracts/protocol.ts';
import { respond, type Responder } from './respond.ts';

/** An authenticated lookup, ready to answer. */
export interface AnswerInput {
  lookup: ForwardedLookup;
  version: VersionDefinition;
  /** The last attempt: a failure is answered ERROR instead of retried. */
  finalAttempt: boolean;
}

/** A lookup taken in from the queue: until when (epoch ms, its invocation's deadline) this attempt may hold it. */
export interface TakeInput extends AnswerInput {
  leaseUntil: number;
}

/**
 * The lookup's step run at most once per lookup (Powertools idempotency on `<consumer>:<requestId>`,
 * with the request's digest): the rare paths of `take` go through it. `replayed` when its outcome was
 * read back; a different request under the same id fails with an error `isReused` recognises.
 */
export interface ExclusiveStep {
  run(input: AnswerInput): Promise<StageOutcome & { replayed?: true }>;
  isReused(error: unknown): boolean;
}

/** Another attempt is answering this lookup now (its audit marker's lease runs): the message is tried again later. */
export class LookupInProgressError extends Error {
  override readonly name = 'LookupInProgressError';
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
  responder: Responder & {
    audit: { reserve(kind: 'lookup', auditId: string, scope: string, at: string, subjectHash?: string, options?: ReserveOptions): Promise<Reservation> };
  };
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
  /** Takes a lookup in, exactly once by its audit marker and record (see above); the rare paths through `exclusive`. */
  take(input: TakeInput, exclusive: ExclusiveStep): Promise<void>;
  /**
   * The exclusive step: answers a lookup, finishing whatever an earlier attempt left (the caller holds
   * the lookup); on its final attempt a failure is answered ERROR.
   */
  answer(input: AnswerInput): Promise<StageOutcome>;
  /** A lookup answered before, arriving again: the resend protocol. */
  resent(lookup: ForwardedLookup, stored: StageOutcome): Promise<void>;
  /** A different request under a used requestId. */
  reused(lookup: ForwardedLookup): Promise<void>;
}

export function lookupAnswerer(ports: AnswererPorts): LookupAnswerer {
  const now = ports.now ?? (() => new Date());
  const { registryId } = ports;

  /** Says the lookup was answered before, pointing at its first reply. */
  function pointAt(lookup: ForwardedLookup, original: ReplyPointer): Promise<void> {
    return sendResendReply(lookup, 'ALREADY_ANSWERED', {
      contract: lookup.request.contract,
      version: lookup.version,
      purpose: lookup.request.purpose,
      original,
    });
  }

  /** A requestId used again after its window: nothing is released under the first lookup's record. */
  async function refuseReused(lookup: ForwardedLookup, auditId: string): Promise<StageOutcome> {
    const refusal = reply('REQUEST_ID_REUSED', { requestId: lookup.request.requestId }, now());
    await ports.send(lookup.consumer, refusal, lookup.replyTo);
    ports.observe?.answered?.({
      consumer: lookup.consumer,
      requestId: lookup.request.requestId,
      contract: lookup.request.contract,
      code: 'REQUEST_ID_REUSED',
      receivedAt: lookup.receivedAt,
    });
    return { outcome: 'answered', messageId: lookup.receivedMessageId, reply: pointerTo(refusal, auditId) };
  }

  /** What a lookup's record says of its reply (status, code, when it left, its sealed digest), when it says it all. */
  function recordedReply(record: Readonly<Record<string, unknown>> | undefined) {
    const sent = record?.reply as { at?: unknown; seal?: unknown } | undefined;
    const { status, code } = record ?? {};
    if (typeof sent?.at !== 'string' || !isReplySeal(sent.seal) || typeof status !== 'string' || typeof code !== 'string') return undefined;
    return { status, code, at: sent.at, seal: sent.seal };
  }

  /** The first reply a lookup's record points at (its sealed digest opened), when the record says it. */
  async function pointerOf(record: Readonly<Record<string, unknown>> | undefined, auditId: string): Promise<ReplyPointer | undefined> {
    const r = recordedReply(record);
    if (!r) return undefined;
    return { status: r.status, code: r.code, auditId, repliedAt: r.at, digest: openReplySeal(await ports.pepper(), auditId, r.seal) } as ReplyPointer;
  }

  async function finish(
    lookup: ForwardedLookup,
    code: Code,
    fields: string[],
    extra: Partial<LookupReply> = {},
    ahead?: { at: string; reserved: Promise<Reservation> },
  ): Promise<StageOutcome> {
    const { request } = lookup;
    const auditId = auditIdOf(lookup.consumer, request.requestId, lookup.receivedMessageId);
    /** The reply this lookup's record says was sent, when it has one (a redelivery). */
    let recorded: ReplyPointer | undefined;
    if (ahead) {
      const reservation = await ahead.reserved;
      if (reservation.state === 'done') {
        // The audit id already has a record, made before any redelivery could be: a requestId used again.
        // Nothing is released under the first lookup's record; the caller is told to use a new id.
        if (reusedAfterWindow(reservation.appended.at, now())) return refuseReused(lookup, reservation.appended.auditId);
        recorded = await pointerOf(reservation.appended.record, auditId);
      }
    }
    // A redelivery is sent the very reply its record names (made at the time it names); one that would differ is not sent.
    const built = reply(
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
      recorded ? new Date(recorded.repliedAt) : now(),
    );
    const sent: LookupReply = extra.provenance ? { ...built, provenance: { ...extra.provenance, auditId } } : built;
    if (recorded && digestOf(sent) !== recorded.digest) {
      // The registry or the consent changed since: the answer given is pointed at, never contradicted.
      await pointAt(lookup, recorded);
      return { outcome: 'answered', messageId: lookup.receivedMessageId, reply: recorded };
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
      // The reply is made before its record, which keeps when it was sent and its digest, sealed.
      reply: { at: sent.repliedAt, seal: sealReplyDigest(await ports.pepper(), auditId, digestOf(sent)) },
    };
    await respond(ports.responder, entry, () => sent, ahead?.reserved, lookup.replyTo);
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

  /**
   * Answers a lookup whose audit marker is written (`ahead.reserved`, started by the caller): consent
   * checked again (read while the marker was written), then the registry read, audited, replied.
   */
  async function answerHeld(
    { lookup, version }: AnswerInput,
    ahead: { at: string; reserved: Promise<Reservation> },
    consentRead?: Promise<ConsentRecord | undefined>,
  ): Promise<StageOutcome> {
    if (lookup.basis.kind === 'consent') {
      const consent = await (consentRead ?? ports.consents.get(lookup.basis.consentId));
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
    // The registry is read only by the attempt holding the lookup (its marker written).
    await ahead.reserved;
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

  /** A failure: rethrown for a retry, or on the final attempt answered (REGISTRY_UNAVAILABLE or INTERNAL) and audited. */
  async function failed(input: AnswerInput, error: unknown, ahead: { at: string; reserved: Promise<Reservation> }): Promise<StageOutcome> {
    if (!input.finalAttempt) throw error;
    const code: Code = error instanceof RegistryUnavailableError ? 'REGISTRY_UNAVAILABLE' : 'INTERNAL';
    ports.observe?.failed?.({ requestId: input.lookup.request.requestId, code, error: (error as Error).name });
    // Under the marker written, when it was (a record already there is pointed at, not contradicted).
    const written = await ahead.reserved.then(
      () => true,
      () => false,
    );
    return finish(input.lookup, code, [], {}, written ? ahead : undefined);
  }

  /** The rare paths, in the step run once per lookup; a lookup it answered before gets the resend protocol. */
  async function exclusively(input: AnswerInput, exclusive: ExclusiveStep): Promise<void> {
    let ran: StageOutcome & { replayed?: true };
    try {
      ran = await exclusive.run(input);
    } catch (error) {
      if (!exclusive.isReused(error)) throw error;
      await sendResendReply(input.lookup, 'REQUEST_ID_REUSED', {});
      return;
    }
    if (ran.replayed) await resent(input.lookup, ran);
  }

  async function resent(lookup: ForwardedLookup, stored: StageOutcome): Promise<void> {
    const action = resendAction(stored, lookup.receivedMessageId);
    // The lookup was answered before (its reply may have been lost): point at that answer.
    if (action.kind === 'point') await pointAt(lookup, action.outcome.reply);
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
    async take(input, exclusive) {
      const { lookup } = input;
      const at = now().toISOString();
      const auditId = auditIdOf(lookup.consumer, lookup.request.requestId, lookup.receivedMessageId);
      // The marker (kept with the subject's, as `append` would) is written while the consent is read.
      const reserved = ports.responder.audit.reserve('lookup', auditId, registryId, at, lookup.subjectHash, { leaseUntil: input.leaseUntil });
      reserved.catch(() => undefined);
      const consentRead = lookup.basis.kind === 'consent' ? ports.consents.get(lookup.basis.consentId) : undefined;
      consentRead?.catch(() => undefined);
      let held: Reservation;
      try {
        held = await reserved;
      } catch (error) {
        // The marker could not be written: retried, or on the last attempt answered (and recorded on its own).
        await failed(input, error, { at, reserved });
        return;
      }
      if (held.state === 'busy') throw new LookupInProgressError(`lookup ${auditId} is being answered by another attempt until ${held.until}`);
      if (held.state === 'orphaned') return exclusively(input, exclusive);
      if (held.state === 'done') {
        // A record kept before replies were recorded: an earlier version's idempotency record says how it was answered.
        if (!recordedReply(held.appended.record) && !reusedAfterWindow(held.appended.at, now())) return exclusively(input, exclusive);
      }
      // Answered here; or, for a lookup answered before (a redelivery, or a resend the router carried through), its
      // very reply again when a fresh read reproduces it exactly, else a pointer to it (finish).
      try {
        await answerHeld(input, { at, reserved }, consentRead);
      } catch (error) {
        await failed(input, error, { at, reserved });
      }
    },
    async answer(input) {
      const at = now().toISOString();
      const { lookup } = input;
      const auditId = auditIdOf(lookup.consumer, lookup.request.requestId, lookup.receivedMessageId);
      // This step holds the lookup: a marker found without its record is finished here, whatever its lease.
      const reserved = ports.responder.audit.reserve('lookup', auditId, registryId, at, lookup.subjectHash, { takeover: true });
      reserved.catch(() => undefined);
      try {
        return await answerHeld(input, { at, reserved });
      } catch (error) {
        return failed(input, error, { at, reserved });
      }
    },
    resent,
    reused: (lookup) => sendResendReply(lookup, 'REQUEST_ID_REUSED', {}),
  };
}
