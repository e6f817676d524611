/**
 * The router's half of a lookup, transport-free: a request read once (its envelope), checked on the
 * contract side (admit), on the rate limit and on consent, then answered at once or forwarded, signed,
 * to its registry. The resend protocol (resend.ts) applies to a request met before. Everything the
 * router reaches outside itself is a port; the Lambda handler and any other front door wire them.
 */
import type { Contract } from '../../contracts/model.ts';
import { statusOf, type Code, type LookupReply, type LookupRequest } from '../../contracts/protocol.ts';
import type { AuditEntry } from '../audit/records.ts';
import { checkConsent, consentTermsDigest, type ConsentRecord } from '../consent/consent.ts';
import type { SubjectHasher } from '../subject-hash.ts';
import { admit, type AdmittedBasis } from './admit.ts';
import type { Envelope } from './envelope.ts';
import type { ForwardedLookup, ForwardTerms } from './forwarded.ts';
import type { ReplyRoute } from './mailbox.ts';
import { reply } from './replies.ts';
import { pointerTo, resendAction, type StageOutcome } from './resend.ts';
import { respond, type Responder } from './respond.ts';
import type { KeyedRouteInput, OnceStep, Ran } from './intake.ts';

/** A request as it reached the router. */
export interface RouteInput {
  /** The agency, from where the request arrived (its queue, its authenticated client), never from its body. */
  consumer: string;
  /** The request, read once. */
  envelope: Envelope;
  /** The request's keyed digest (resend.ts). */
  digest: string;
  /** Id of the message that carried it (SQS message id, or the front door's own id). */
  messageId: string;
  receivedAt: string;
  /** The last attempt: a failure is answered INTERNAL instead of retried. */
  finalAttempt: boolean;
  /** Where the reply goes, when not to the agency's in-queue (a caller waiting over HTTP; mailbox.ts). */
  replyTo?: ReplyRoute;
}

/** What the router reaches outside itself. */
export interface RouterPorts {
  contracts: { load(id: string): Promise<Contract | undefined> };
  rateLimit: { take(consumer: string, contract: string, perMinute: number): Promise<boolean> };
  consents: {
    get(consentId: string): Promise<ConsentRecord | undefined>;
    /** Counts one use; false when a use limit is reached. Idempotent per useId. */
    use(consent: ConsentRecord, useId: string, now: Date): Promise<boolean>;
  };
  /** Whether a consent's signature is the platform's. */
  consentAuthentic(): Promise<(consent: ConsentRecord) => boolean>;
  hashSubject(): Promise<SubjectHasher>;
  /** Audits and sends a reply (respond.ts). */
  responder: Responder;
  /** Signs a lookup and sends it to its registry. */
  forward(lookup: ForwardedLookup, registry: string): Promise<void>;
  /** Sends a reply that starts no lookup (a resend's), to the agency (or to the request's reply route). */
  send(consumer: string, reply: LookupReply, route?: ReplyRoute): Promise<void>;
  /** Told of each outcome, for logs and metrics (never given personal data). */
  observe?: {
    answered?(event: { consumer: string; requestId: string | null; contract: string | undefined; code: Code; receivedAt: string }): void;
    forwarded?(event: { consumer: string; requestId: string; contract: string; version: string; registry: string }): void;
    failed?(event: { consumer: string; messageId: string; error: string }): void;
  };
  now?: () => Date;
}

export interface LookupRouter {
  /**
   * Routes a request, once per key (`once`: an answer made in a step run once, a forward recorded before
   * it is sent); a record met before comes back `replayed`. On its final attempt a failure is answered INTERNAL.
   */
  route(input: KeyedRouteInput, once: OnceStep): Promise<Ran>;
  /** A request met before, as another message: the resend protocol. */
  resent(input: RouteInput, stored: StageOutcome): Promise<void>;
  /** A different request under a used requestId. */
  reused(input: RouteInput): Promise<void>;
}

const requestIdOf = (e: Envelope): string | null => (e.ok ? e.request.requestId : e.requestId);

export function lookupRouter(ports: RouterPorts): LookupRouter {
  const now = ports.now ?? (() => new Date());

  /** An answer (its audit record and reply), made at most once per key. */
  function answer(once: OnceStep, input: KeyedRouteInput, code: Code, entry: Partial<AuditEntry>, extra: Partial<LookupReply> = {}): Promise<Ran> {
    return once.run(input, () => answerNow(input, code, entry, extra));
  }

  async function answerNow(input: RouteInput, code: Code, entry: Partial<AuditEntry>, extra: Partial<LookupReply> = {}): Promise<StageOutcome> {
    const requestId = entry.requestId ?? null;
    const { reply: sent, auditId } = await respond(
      ports.responder,
      {
        at: now().toISOString(),
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
        reply(
          code,
          {
            requestId,
            ...(requestId ? {} : { receivedMessageId: input.messageId }),
            ...(entry.contract ? { contract: entry.contract } : {}),
            ...(entry.version ? { version: entry.version } : {}),
            ...(entry.purpose ? { purpose: entry.purpose } : {}),
            ...extra,
          },
          now(),
        ),
      undefined,
      input.replyTo,
    );
    ports.observe?.answered?.({ consumer: input.consumer, requestId, contract: entry.contract, code, receivedAt: input.receivedAt });
    return {
      outcome: 'answered',
      messageId: input.messageId,
      reply: pointerTo(sent, auditId),
      ...(entry.contract ? { contract: entry.contract } : {}),
      ...(entry.version ? { version: entry.version } : {}),
      ...(entry.purpose ? { purpose: entry.purpose } : {}),
    };
  }

  function forward(
    consumer: string,
    request: LookupRequest,
    terms: ForwardTerms,
    registry: string,
    messageId: string,
    receivedAt: string,
    replyTo?: ReplyRoute,
  ): Promise<void> {
    return ports.forward(
      { kind: 'ndx.forwarded-lookup.v1', consumer, request, ...terms, receivedMessageId: messageId, receivedAt, ...(replyTo ? { replyTo } : {}) },
      registry,
    );
  }

  /** The consent side of an admitted lookup: the denial code, or the digest of the consent terms checked. */
  async function consentCheck(
    input: RouteInput,
    request: LookupRequest,
    basis: Extract<AdmittedBasis, { kind: 'consent' }>,
    consent: ConsentRecord | undefined,
    subjectHash: string,
    contract: string,
  ): Promise<{ denial: Code } | { termsDigest: string }> {
    const at = now();
    const authentic = await ports.consentAuthentic();
    const denial = checkConsent(consent, {
      subjectHash,
      consumer: input.consumer,
      contract,
      major: basis.major,
      purpose: request.purpose,
      categories: basis.categories,
      now: at,
      authentic,
    });
    if (denial || !consent) return { denial: denial ?? 'CONSENT_REVOKED' };
    // Use limits: one atomic conditional count per lookup (a retry of the same request is not counted twice).
    if (!(await ports.consents.use(consent, `${input.consumer}/${request.requestId}`, at))) return { denial: 'CONSENT_LIMIT_REACHED' };
    return { termsDigest: consentTermsDigest(consent) };
  }

  async function decide(input: KeyedRouteInput, once: OnceStep): Promise<Ran> {
    const { envelope } = input;
    if (!envelope.ok) return answer(once, input, envelope.code, { requestId: envelope.requestId }, { issues: envelope.issues });
    const request = envelope.request;
    const base = {
      requestId: request.requestId,
      contract: request.contract,
      purpose: request.purpose,
      ...(request.onBehalfOf ? { onBehalfOf: request.onBehalfOf } : {}),
    };
    const contract = await ports.contracts.load(request.contract);
    const admission = admit(request, input.consumer, () => contract);
    const hash = await ports.hashSubject();
    if (!admission.ok) {
      const subjectHash = admission.code === 'SCHEMA_VIOLATION' ? undefined : hash(request.subject);
      return answer(
        once,
        input,
        admission.code,
        { ...base, ...(admission.version ? { version: admission.version } : {}), ...(subjectHash ? { subjectHash } : {}) },
        admission.issues ? { issues: admission.issues } : {},
      );
    }
    const subjectHash = hash(admission.subject);
    const version = admission.version.version;
    const registry = admission.contract.provider;
    const { basis: admitted } = admission;
    // The consent is read while the rate limit is taken: two independent calls, one wait.
    const [allowed, consent] = await Promise.all([
      ports.rateLimit.take(input.consumer, admission.contract.id, admission.version.rateLimit.perAgencyPerMinute),
      admitted.kind === 'consent' ? ports.consents.get(admitted.consentId) : undefined,
    ]);
    if (!allowed) return answer(once, input, 'RATE_LIMITED', { ...base, version, subjectHash, registry });
    let terms: ForwardTerms;
    if (admitted.kind === 'legal') {
      terms = { version, basis: admitted.basis, subjectHash, requestDigest: input.digest };
    } else {
      const basis = { kind: 'consent' as const, consentId: admitted.consentId };
      const checked = await consentCheck(input, request, admitted, consent, subjectHash, admission.contract.id);
      if ('denial' in checked) return answer(once, input, checked.denial, { ...base, version, subjectHash, registry, basis });
      terms = { version, basis, subjectHash, requestDigest: input.digest, consentTermsDigest: checked.termsDigest };
    }
    if (admission.notice) terms.notice = admission.notice;
    const outcome: StageOutcome = { outcome: 'forwarded', messageId: input.messageId, registry, forward: terms };
    // Recorded before it is sent, in one write: an attempt that finds the record sends it again (resend.ts), which
    // is safe, since the adapter answers a lookup once; a record of an earlier request comes back for the resend protocol.
    const met = await once.record(input, outcome);
    if (met) return met;
    await forward(input.consumer, request, terms, registry, input.messageId, input.receivedAt, input.replyTo);
    ports.observe?.forwarded?.({ consumer: input.consumer, requestId: request.requestId, contract: request.contract, version, registry });
    return outcome;
  }

  /**
   * The subject hash `decide` gives a record of this request, when it can still be had after a failure:
   * the audit keeps a lookup's marker with its subject's, so the INTERNAL answer of a final attempt must
   * name the subject an earlier attempt (or the adapter, had it been forwarded) recorded under.
   */
  async function subjectHashOf(input: RouteInput): Promise<string | undefined> {
    if (!input.envelope.ok) return undefined;
    const request = input.envelope.request;
    try {
      const contract = await ports.contracts.load(request.contract);
      const admission = admit(request, input.consumer, () => contract);
      if (!admission.ok && admission.code === 'SCHEMA_VIOLATION') return undefined;
      return (await ports.hashSubject())(admission.ok ? admission.subject : request.subject);
    } catch {
      return undefined;
    }
  }

  async function sendResendReply(input: RouteInput, code: Code, extra: Partial<LookupReply>): Promise<void> {
    const requestId = requestIdOf(input.envelope);
    await ports.send(input.consumer, reply(code, { requestId, ...extra }, now()), input.replyTo);
    ports.observe?.answered?.({ consumer: input.consumer, requestId, contract: extra.contract, code, receivedAt: input.receivedAt });
  }

  return {
    async route(input, once) {
      try {
        return await decide(input, once);
      } catch (error) {
        if (!input.finalAttempt || once.isReused(error) || once.isInProgress(error)) throw error;
        ports.observe?.failed?.({ consumer: input.consumer, messageId: input.messageId, error: (error as Error).name });
        const subjectHash = await subjectHashOf(input);
        const internal = () => answerNow(input, 'INTERNAL', { requestId: requestIdOf(input.envelope), ...(subjectHash ? { subjectHash } : {}) });
        const ran = await once.run(input, internal);
        // This attempt's own forward, recorded but not sent: answered INTERNAL now; its record stays, so a resend carries the lookup through.
        return ran.replayed && ran.outcome === 'forwarded' && ran.messageId === input.messageId ? internal() : ran;
      }
    },
    async resent(input, stored) {
      const action = resendAction(stored, input.messageId);
      if (action.kind === 'point') {
        const o = action.outcome;
        await sendResendReply(input, 'ALREADY_ANSWERED', {
          ...(o.contract ? { contract: o.contract } : {}),
          ...(o.version ? { version: o.version } : {}),
          ...(o.purpose ? { purpose: o.purpose } : {}),
          original: o.reply,
        });
      } else if (action.kind === 'reforward' && input.envelope.ok) {
        // Forwarded before, but no reply reached the caller: carry it through (the adapter answers it once).
        const o = action.outcome;
        await forward(input.consumer, input.envelope.request, o.forward, o.registry, input.messageId, input.receivedAt, input.replyTo);
        ports.observe?.forwarded?.({
          consumer: input.consumer,
          requestId: input.envelope.request.requestId,
          contract: input.envelope.request.contract,
          version: o.forward.version,
          registry: o.registry,
        });
      }
    },
    reused: (input) => sendResendReply(input, 'REQUEST_ID_REUSED', {}),
  };
}
