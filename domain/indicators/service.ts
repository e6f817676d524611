/**
 * Answering an indicator request, whatever the door (an agency's out-queue, POST /v1/indicators): the
 * request read strictly, the indicator contract and version resolved with their lifecycle, the
 * consumer, purpose and period checked, the contract's rate limit taken, the aggregate read and
 * protected (release.ts), the release audited — with no subject — and the reply built. The same
 * checks as a lookup's (admit.ts), the same rate limits, the same audit trail and resend protocol
 * (one requestId space per agency, shared with lookups). Transport-free: everything outside is a port.
 */
import { digestOf } from '../../contracts/canonical.ts';
import type { IndicatorSpec } from '../../contracts/indicators/model.ts';
import { periodPattern } from '../../contracts/indicators/model.ts';
import { type IndicatorCode, IndicatorReply, IndicatorRequest } from '../../contracts/indicators/protocol.ts';
import { type Contract, legalBasisFor, resolveVersion, type ContractVersion } from '../../contracts/model.ts';
import { MAX_REQUEST_BYTES, statusOf, type Basis, type Notice } from '../../contracts/protocol.ts';
import type { AuditEntry } from '../audit/records.ts';
import { fixedMessages, forbiddenKeys, type Issue, toIssues } from '../lookup/envelope.ts';
import { messageFor } from '../lookup/replies.ts';
import { routeKey } from '../lookup/intake.ts';
import { pointerTo, requestDigest, resendAction, type StageOutcome } from '../lookup/resend.ts';
import type { Aggregate } from './aggregate.ts';
import { release, releaseCsv, UnknownCellError } from './release.ts';
import { dataMessage } from './sdmx-data.ts';

export interface IndicatorPorts {
  /** Indicator contracts with their lifecycle (a ContractCatalog over the indicator catalogue). */
  indicators: { load(id: string): Promise<Contract | undefined> };
  rateLimit: { take(consumer: string, contract: string, perMinute: number): Promise<boolean> };
  aggregates: { get(indicator: string, period: string): Promise<Aggregate | undefined> };
  audit: { append(entry: AuditEntry): Promise<{ auditId: string }> };
  now?: () => Date;
}

/** An indicator request as it reached ndx. */
export interface IndicatorInput {
  /** The agency, from where the request arrived (its queue, its token), never from its body. */
  consumer: string;
  body: string;
  /** Id of the message that carried it (SQS message id, or the HTTP request's id). */
  messageId: string;
  receivedAt: string;
  /** The idempotency key (intake.ts's routeKey) and the request's keyed digest (resend.ts). */
  key: string;
  digest: string;
}

export type Read =
  | { ok: true; request: IndicatorRequest }
  | { ok: false; code: 'MALFORMED_MESSAGE' | 'SCHEMA_VIOLATION' | 'PAYLOAD_TOO_LARGE'; requestId: string | null; issues: Issue[] };

/** Reads an indicator request off the wire: size, JSON, forbidden keys, schema. */
export function readIndicatorRequest(body: string): Read {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, code: 'MALFORMED_MESSAGE', requestId: null, issues: [{ path: '(root)', message: 'expected a JSON object' }] };
  }
  const id = (json as { requestId?: unknown } | null)?.requestId;
  const requestId = typeof id === 'string' && /^[0-9a-fA-F-]{36}$/.test(id) ? id : null;
  if (Buffer.byteLength(body, 'utf8') > MAX_REQUEST_BYTES)
    return { ok: false, code: 'PAYLOAD_TOO_LARGE', requestId, issues: [{ path: '(root)', message: `more than the limit of ${MAX_REQUEST_BYTES} bytes` }] };
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return { ok: false, code: 'MALFORMED_MESSAGE', requestId: null, issues: [{ path: '(root)', message: 'expected a JSON object' }] };
  const forbidden = forbiddenKeys(json, IndicatorRequest);
  if (forbidden.length) return { ok: false, code: 'SCHEMA_VIOLATION', requestId, issues: forbidden };
  const parsed = IndicatorRequest.safeParse(json, { error: fixedMessages });
  if (!parsed.success) return { ok: false, code: 'SCHEMA_VIOLATION', requestId, issues: toIssues(parsed.error, json, IndicatorRequest) };
  return { ok: true, request: parsed.data };
}

type Answer = { reply: IndicatorReply; outcome: Extract<StageOutcome, { outcome: 'answered' }> };

export function indicatorService(ports: IndicatorPorts) {
  const now = ports.now ?? (() => new Date());

  function build(code: IndicatorCode, fields: Partial<IndicatorReply>, at: Date): IndicatorReply {
    return IndicatorReply.parse({
      kind: 'indicator',
      requestId: null,
      ...fields,
      status: statusOf(code),
      code,
      message: messageFor(code),
      repliedAt: at.toISOString(),
    });
  }

  async function answer(input: IndicatorInput, code: IndicatorCode, entry: Partial<AuditEntry>, extra: Partial<IndicatorReply> = {}): Promise<Answer> {
    const at = now();
    const requestId = entry.requestId ?? null;
    const { auditId } = await ports.audit.append({
      at: at.toISOString(),
      consumer: input.consumer,
      requestId,
      receivedMessageId: input.messageId,
      fields: [],
      recordedBy: 'router',
      ...entry,
      status: statusOf(code),
      code,
    });
    const reply = build(
      code,
      {
        requestId,
        ...(entry.contract ? { indicator: entry.contract } : {}),
        ...(entry.version ? { version: entry.version } : {}),
        ...(entry.purpose ? { purpose: entry.purpose } : {}),
        ...(entry.basis ? { basis: entry.basis } : {}),
        ...extra,
        ...(extra.provenance ? { provenance: { ...extra.provenance, auditId } } : {}),
      },
      at,
    );
    return {
      reply,
      outcome: {
        outcome: 'answered',
        messageId: input.messageId,
        reply: pointerTo(reply as never, auditId),
        ...(entry.contract ? { contract: entry.contract } : {}),
        ...(entry.version ? { version: entry.version } : {}),
        ...(entry.purpose ? { purpose: entry.purpose } : {}),
      },
    };
  }

  /** Checks, releases and audits a request seen for the first time. */
  async function decide(input: IndicatorInput): Promise<Answer> {
    const read = readIndicatorRequest(input.body);
    if (!read.ok) return answer(input, read.code, { requestId: read.requestId }, { issues: read.issues });
    const request = read.request;
    const base = {
      requestId: request.requestId,
      contract: request.indicator,
      purpose: request.purpose,
      ...(request.onBehalfOf ? { onBehalfOf: request.onBehalfOf } : {}),
    };
    const contract = await ports.indicators.load(request.indicator);
    if (!contract) return answer(input, 'UNKNOWN_CONTRACT', base);
    const resolved = resolveVersion(contract, request.version);
    if (!resolved.ok) return answer(input, resolved.code, base);
    const version = resolved.version as ContractVersion & { indicator: IndicatorSpec };
    const at = { ...base, version: version.version, registry: contract.provider };
    if (!version.consumers.includes(input.consumer)) return answer(input, 'NOT_A_CONSUMER', at);
    if (!version.purposes.some((p) => p.code === request.purpose)) return answer(input, 'PURPOSE_NOT_ALLOWED', at);
    const legal = legalBasisFor(version, input.consumer, request.purpose);
    // An indicator rests on a legal basis, never on consent (defineIndicator checks each version).
    if (!legal) return answer(input, 'PURPOSE_NOT_ALLOWED', at);
    const basis: Basis = { kind: 'legal', id: legal.id, instrument: legal.instrument, article: legal.article };
    if (!periodPattern(version.indicator.period.frequency).test(request.period)) {
      const expected = version.indicator.period.frequency === 'M' ? 'a month, YYYY-MM' : 'a year, YYYY';
      return answer(input, 'SCHEMA_VIOLATION', at, { issues: [{ path: 'period', message: `this indicator's period is ${expected}` }] });
    }
    const notice: Notice | undefined =
      version.status === 'deprecated' && version.sunset
        ? { kind: 'DEPRECATED', sunset: version.sunset, message: `${contract.id}@${version.version} is deprecated and stops answering on ${version.sunset}.` }
        : undefined;
    const withBasis = { ...at, basis };
    if (!(await ports.rateLimit.take(input.consumer, contract.id, version.rateLimit.perAgencyPerMinute))) return answer(input, 'RATE_LIMITED', withBasis);
    const aggregate = await ports.aggregates.get(contract.id, request.period);
    if (!aggregate) return answer(input, 'PERIOD_NOT_AVAILABLE', withBasis, { period: request.period });
    let released: ReturnType<typeof release>;
    try {
      released = release({ indicator: contract.id, version: version.version, period: request.period, spec: version.indicator, counts: aggregate.counts });
    } catch (error) {
      if (error instanceof UnknownCellError) return answer(input, 'INTERNAL', withBasis);
      throw error;
    }
    const content =
      request.format === 'csv'
        ? { csv: releaseCsv(released, version.indicator) }
        : { data: dataMessage(contract, version, released, { id: `${input.consumer}-${request.requestId}`, prepared: new Date(aggregate.computedAt) }) };
    const digest = 'csv' in content ? digestOf(content.csv) : digestOf(content.data);
    const { summary } = released;
    return answer(
      input,
      'OK',
      {
        ...withBasis,
        fields: ['OBS_VALUE', 'OBS_STATUS', 'CONF_STATUS'],
        release: { period: request.period, cells: summary.cells, published: summary.published, withheld: summary.primary + summary.secondary, digest },
      },
      {
        period: request.period,
        format: request.format,
        ...content,
        summary,
        provenance: { registry: contract.provider, computedAt: aggregate.computedAt, auditId: '', digest },
        ...(notice ? { notice } : {}),
      },
    );
  }

  return {
    decide,
    /** The reply to a resend of a request answered before (none for the same message delivered again). */
    resent(input: IndicatorInput, stored: StageOutcome): IndicatorReply | undefined {
      const action = resendAction(stored, input.messageId);
      if (action.kind !== 'point') return undefined;
      const o = action.outcome;
      const read = readIndicatorRequest(input.body);
      return build(
        'ALREADY_ANSWERED',
        {
          requestId: read.ok ? read.request.requestId : read.requestId,
          ...(o.contract ? { indicator: o.contract } : {}),
          ...(o.version ? { version: o.version } : {}),
          ...(o.purpose ? { purpose: o.purpose } : {}),
          original: o.reply,
        },
        now(),
      );
    },
    /** The reply to a different request under a used requestId. */
    reused(input: IndicatorInput): IndicatorReply {
      const read = readIndicatorRequest(input.body);
      return build('REQUEST_ID_REUSED', { requestId: read.ok ? read.request.requestId : read.requestId }, now());
    },
  };
}
export type IndicatorService = ReturnType<typeof indicatorService>;

/** A door's input for a body: keyed per (agency, requestId) like a lookup (intake.ts), digested with the platform pepper (resend.ts). */
export function indicatorInput(pepper: string, p: { consumer: string; body: string; messageId: string; receivedAt: string }): IndicatorInput {
  const read = readIndicatorRequest(p.body);
  const requestId = read.ok ? read.request.requestId : read.requestId;
  return { ...p, key: routeKey(p.consumer, requestId, p.messageId), digest: requestDigest(pepper, read.ok ? read.request : undefined, p.body) };
}

/** The idempotent step of a front door (aws/idempotency.ts), as intake.ts's OnceStep for indicators. */
export interface IndicatorOnce {
  run(input: IndicatorInput): Promise<StageOutcome & { replayed?: true }>;
  isReused(error: unknown): boolean;
}

/**
 * One door's intake: runs `decide` at most once per (agency, requestId) — delivering its reply inside
 * the step, so a failure after the audit record is retried without losing the reply — and the resend
 * protocol for a request met before. Returns the reply delivered (undefined for a redelivery of the same message).
 */
export function indicatorIntake(service: IndicatorService, deliver: (consumer: string, reply: IndicatorReply) => Promise<void>) {
  const fresh = new Map<string, IndicatorReply>();
  return {
    async step(input: IndicatorInput): Promise<StageOutcome> {
      const { reply, outcome } = await service.decide(input);
      await deliver(input.consumer, reply);
      fresh.set(input.key, reply);
      return outcome;
    },
    async take(once: IndicatorOnce, input: IndicatorInput): Promise<IndicatorReply | undefined> {
      let ran: StageOutcome & { replayed?: true };
      try {
        ran = await once.run(input);
      } catch (error) {
        if (!once.isReused(error)) throw error;
        const r = service.reused(input);
        await deliver(input.consumer, r);
        return r;
      }
      if (ran.replayed) {
        const r = service.resent(input, ran);
        if (r) await deliver(input.consumer, r);
        return r;
      }
      const r = fresh.get(input.key);
      fresh.delete(input.key);
      return r;
    },
  };
}
