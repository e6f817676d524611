/**
 * Answering an indicator request (domain/indicators/service.ts) over in-memory ports: reading the
 * request (size at the exact limit, JSON, forbidden keys, schema, defaults), every refusal in its
 * order (unknown contract, version, consumer, purpose, legal basis, period, rate limit, no aggregate,
 * a cell outside the code lists), the OK reply in SDMX-JSON and CSV with its provenance, digest and
 * deprecation notice, the audit record of each decision (no subject), and the resend protocol.
 */
import { describe, expect, it } from 'vitest';
import { digestOf } from '../../contracts/canonical.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import type { IndicatorDefinition } from '../../contracts/indicators/define.ts';
import type { Dimension, IndicatorSpec } from '../../contracts/indicators/model.ts';
import { IndicatorReply } from '../../contracts/indicators/protocol.ts';
import type { Contract, ContractVersion } from '../../contracts/model.ts';
import { MAX_REQUEST_BYTES, statusOf } from '../../contracts/protocol.ts';
import type { AuditEntry } from '../../domain/audit/records.ts';
import type { Aggregate } from '../../domain/indicators/aggregate.ts';
import { release, releaseCsv } from '../../domain/indicators/release.ts';
import { dataMessage } from '../../domain/indicators/sdmx-data.ts';
import {
  type IndicatorInput,
  indicatorInput,
  indicatorIntake,
  indicatorService,
  type IndicatorOnce,
  readIndicatorRequest,
} from '../../domain/indicators/service.ts';
import { routeKey } from '../../domain/lookup/intake.ts';
import { messageFor } from '../../domain/lookup/replies.ts';
import { pointerTo, requestDigest, type StageOutcome } from '../../domain/lookup/resend.ts';

const GOV = 'government-office';
const RID = '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e';
const NOW = new Date('2026-11-02T03:04:05.000Z');
const COMPUTED = '2026-11-01T00:05:00.000Z';
const land = INDICATORS.find((c) => c.id === 'land.parcels-by-land-use') as IndicatorDefinition;
const dim = (id: string, codes: string[]): Dimension => ({
  id,
  name: { en: id, vi: id },
  codeList: { id: `CL_${id}`, name: { en: id, vi: id }, codes: codes.map((c) => ({ id: c, name: { en: c, vi: c } })) },
});
const SPEC: IndicatorSpec = {
  dimensions: [dim('REGION', ['N', 'S']), dim('SEX', ['M', 'F'])],
  period: { frequency: 'M', description: 'month' },
  measure: { id: 'OBS_VALUE', name: { en: 'Units', vi: 'Đơn vị' }, unit: 'units' },
  disclosure: { threshold: 3 },
};
const COUNTS = { 'N|M': 1, 'N|F': 10, 'S|M': 20, 'S|F': 30 };
type Version = ContractVersion & { indicator: IndicatorSpec };
const base = land.versions[0] as IndicatorDefinition['versions'][number];
const versionOf = (over: Partial<Version> = {}): Version => ({ ...base, indicator: SPEC, status: 'active', ...over });
const contractOf = (...versions: Version[]): Contract => ({ ...land, versions: versions.length ? versions : [versionOf()] });

const body = (over: Record<string, unknown> = {}) => JSON.stringify({ kind: 'indicator', requestId: RID, indicator: land.id, period: '2026-10', ...over });

function world(contract: Contract | undefined = contractOf(), aggregate: Partial<Aggregate> | null = {}) {
  const audit: AuditEntry[] = [];
  const takes: Array<[string, string, number]> = [];
  const reads: Array<[string, string]> = [];
  const state = { allow: true };
  const service = indicatorService({
    indicators: { load: async (id) => (id === land.id ? contract : undefined) },
    rateLimit: {
      async take(consumer, c, perMinute) {
        takes.push([consumer, c, perMinute]);
        return state.allow;
      },
    },
    aggregates: {
      async get(indicator, period) {
        reads.push([indicator, period]);
        return aggregate === null
          ? undefined
          : { indicator, period, counts: COUNTS, asOf: '2026-11-01T00:00:00.000Z', computedAt: COMPUTED, registry: 'land', ...aggregate };
      },
    },
    audit: {
      async append(entry) {
        audit.push(entry);
        return { auditId: `land#2026-11-02#0/${audit.length}` };
      },
    },
    now: () => NOW,
  });
  return { service, audit, takes, reads, state };
}

const input = (b = body(), over: Partial<IndicatorInput> = {}): IndicatorInput => ({
  consumer: GOV,
  body: b,
  messageId: 'm-1',
  receivedAt: NOW.toISOString(),
  key: `${GOV}:${RID}`,
  digest: 'd',
  ...over,
});

describe('reading an indicator request', () => {
  it('takes a request with its defaults: the major 1, official statistics, SDMX-JSON', () => {
    expect(readIndicatorRequest(body())).toEqual({
      ok: true,
      request: { kind: 'indicator', requestId: RID, indicator: land.id, version: '1', purpose: 'OFFICIAL_STATISTICS', period: '2026-10', format: 'sdmx-json' },
    });
  });

  it('refuses what is not a JSON object as malformed, without a requestId', () => {
    const malformed = { ok: false, code: 'MALFORMED_MESSAGE', requestId: null, issues: [{ path: '(root)', message: 'expected a JSON object' }] };
    for (const b of ['{', 'null', '[1]', '"x"', '42', `[{"requestId":"${RID}"}]`]) expect(readIndicatorRequest(b)).toEqual(malformed);
  });

  it('keeps the requestId of a refused request only when it is one', () => {
    expect(readIndicatorRequest(body({ period: 'now' }))).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', requestId: RID });
    expect(readIndicatorRequest(body({ requestId: 'not-an-id', period: 'now' }))).toMatchObject({ code: 'SCHEMA_VIOLATION', requestId: null });
    expect(readIndicatorRequest(body({ requestId: 7 }))).toMatchObject({ code: 'SCHEMA_VIOLATION', requestId: null });
    expect(readIndicatorRequest(body({ requestId: `x${RID}` }))).toMatchObject({ code: 'SCHEMA_VIOLATION', requestId: null });
    expect(readIndicatorRequest(body({ requestId: `${RID}0` }))).toMatchObject({ code: 'SCHEMA_VIOLATION', requestId: null });
  });

  it('refuses a body over the size limit in UTF-8 bytes, keeping its requestId; one at the limit is read', () => {
    const padded = (bytes: number) => {
      const b = body({ onBehalfOf: '' });
      return b.replace('"onBehalfOf":""', `"onBehalfOf":"${'é'.repeat(Math.floor((bytes - b.length) / 2))}${'a'.repeat((bytes - b.length) % 2)}"`);
    };
    expect(Buffer.byteLength(padded(MAX_REQUEST_BYTES))).toBe(MAX_REQUEST_BYTES);
    expect(readIndicatorRequest(padded(MAX_REQUEST_BYTES))).toMatchObject({ code: 'SCHEMA_VIOLATION', issues: [{ path: 'onBehalfOf' }] });
    expect(readIndicatorRequest(padded(MAX_REQUEST_BYTES + 1))).toEqual({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
      requestId: RID,
      issues: [{ path: '(root)', message: `more than the limit of ${MAX_REQUEST_BYTES} bytes` }],
    });
  });

  it('refuses forbidden keys before the schema, and reports schema issues by path', () => {
    const forbidden = readIndicatorRequest(
      `{"kind":"indicator","requestId":"${RID}","indicator":"land.parcels-by-land-use","period":"2026-10","__proto__":{}}`,
    );
    // A forbidden key is reported by its position (envelope.ts), never echoed.
    expect(forbidden).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', requestId: RID, issues: [{ path: '#5' }] });
    const extra = readIndicatorRequest(body({ subject: { nationalId: '001203004567' } }));
    expect(extra).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION', requestId: RID });
    expect(extra.ok ? [] : extra.issues.map((i) => i.path)).toEqual(['#5']); // an unknown key, by position too
    const period = readIndicatorRequest(body({ period: '2026-13' }));
    expect(period.ok ? [] : period.issues).toEqual([{ path: 'period', message: 'a period: YYYY-MM (monthly) or YYYY (annual)' }]);
  });
});

describe('deciding', () => {
  const decide = async (b = body(), w = world(), over: Partial<IndicatorInput> = {}) => {
    const out = await w.service.decide(input(b, over));
    expect(IndicatorReply.parse(out.reply)).toEqual(out.reply);
    return { ...out, ...w };
  };

  it('answers OK with the SDMX-JSON data message of the protected release, its provenance and digest, and audits it', async () => {
    const { reply, outcome, audit, takes, reads } = await decide();
    const r = release({ indicator: land.id, version: '1.0.0', period: '2026-10', spec: SPEC, counts: COUNTS });
    const data = dataMessage(contractOf(), versionOf(), r, { id: `${GOV}-${RID}`, prepared: new Date(COMPUTED) });
    const digest = digestOf(data);
    const auditId = 'land#2026-11-02#0/1';
    expect(reply).toEqual({
      kind: 'indicator',
      requestId: RID,
      status: 'OK',
      code: 'OK',
      message: messageFor('OK'),
      indicator: land.id,
      version: '1.0.0',
      purpose: 'OFFICIAL_STATISTICS',
      basis: { kind: 'legal', id: 'statistics-law-government-reporting', instrument: base.legalBases[0]?.instrument, article: base.legalBases[0]?.article },
      period: '2026-10',
      format: 'sdmx-json',
      data,
      summary: { cells: 9, published: 5, primary: 1, secondary: 3 },
      provenance: { registry: 'land', computedAt: COMPUTED, auditId, digest },
      repliedAt: NOW.toISOString(),
    });
    expect(audit).toEqual([
      {
        at: NOW.toISOString(),
        consumer: GOV,
        requestId: RID,
        receivedMessageId: 'm-1',
        fields: ['OBS_VALUE', 'OBS_STATUS', 'CONF_STATUS'],
        recordedBy: 'router',
        contract: land.id,
        purpose: 'OFFICIAL_STATISTICS',
        version: '1.0.0',
        registry: 'land',
        basis: reply.basis,
        release: { period: '2026-10', cells: 9, published: 5, withheld: 4, digest },
        status: 'OK',
        code: 'OK',
      },
    ]);
    expect(outcome).toEqual({
      outcome: 'answered',
      messageId: 'm-1',
      reply: pointerTo(reply as never, auditId),
      contract: land.id,
      version: '1.0.0',
      purpose: 'OFFICIAL_STATISTICS',
    });
    expect(takes).toEqual([[GOV, land.id, 120]]);
    expect(reads).toEqual([[land.id, '2026-10']]);
  });

  it('answers CSV when asked, digested as text, and names the officer it was asked on behalf of in the audit', async () => {
    const { reply, audit } = await decide(body({ format: 'csv', onBehalfOf: 'monthly report' }));
    const r = release({ indicator: land.id, version: '1.0.0', period: '2026-10', spec: SPEC, counts: COUNTS });
    const csv = releaseCsv(r, SPEC);
    expect(reply).toMatchObject({ code: 'OK', format: 'csv', csv, provenance: { digest: digestOf(csv) } });
    expect(reply.data).toBeUndefined();
    expect(audit[0]).toMatchObject({ onBehalfOf: 'monthly report', release: { digest: digestOf(csv) } });
  });

  it('gives a deprecated version with a sunset its notice, and none without one', async () => {
    const dep = versionOf({ status: 'deprecated', sunset: '2027-01-31' });
    const { reply } = await decide(body(), world(contractOf(dep)));
    expect(reply.notice).toEqual({
      kind: 'DEPRECATED',
      sunset: '2027-01-31',
      message: 'land.parcels-by-land-use@1.0.0 is deprecated and stops answering on 2027-01-31.',
    });
    expect((await decide(body(), world(contractOf(versionOf({ status: 'deprecated' }))))).reply.notice).toBeUndefined();
    expect((await decide()).reply.notice).toBeUndefined();
  });

  it('refuses a malformed request before anything else, audited without a contract', async () => {
    const { reply, audit, outcome, takes } = await decide('{');
    expect(reply).toEqual({
      kind: 'indicator',
      requestId: null,
      status: statusOf('MALFORMED_MESSAGE'),
      code: 'MALFORMED_MESSAGE',
      message: messageFor('MALFORMED_MESSAGE'),
      issues: [{ path: '(root)', message: 'expected a JSON object' }],
      repliedAt: NOW.toISOString(),
    });
    expect(audit).toEqual([
      {
        at: NOW.toISOString(),
        consumer: GOV,
        requestId: null,
        receivedMessageId: 'm-1',
        fields: [],
        recordedBy: 'router',
        status: statusOf('MALFORMED_MESSAGE'),
        code: 'MALFORMED_MESSAGE',
      },
    ]);
    expect(outcome).toEqual({ outcome: 'answered', messageId: 'm-1', reply: pointerTo(reply as never, 'land#2026-11-02#0/1') });
    expect(takes).toEqual([]);
  });

  it('refuses an unknown indicator, naming what was asked', async () => {
    const { reply, audit } = await decide(body({ indicator: 'tax.nothing' }));
    expect(reply).toMatchObject({ code: 'UNKNOWN_CONTRACT', requestId: RID, indicator: 'tax.nothing', purpose: 'OFFICIAL_STATISTICS' });
    expect(reply.version).toBeUndefined();
    expect(audit[0]).toMatchObject({ code: 'UNKNOWN_CONTRACT', contract: 'tax.nothing', requestId: RID });
    expect(audit[0]?.registry).toBeUndefined();
  });

  it('refuses versions that do not answer: unknown, retired, not active', async () => {
    expect((await decide(body({ version: '2' }))).reply.code).toBe('UNKNOWN_VERSION');
    expect((await decide(body(), world(contractOf(versionOf({ status: 'retired' }))))).reply.code).toBe('VERSION_RETIRED');
    expect((await decide(body(), world(contractOf(versionOf({ status: 'draft' }))))).reply.code).toBe('CONTRACT_NOT_ACTIVE');
  });

  it('refuses an agency that is not a consumer, and a purpose the version does not have', async () => {
    const stranger = await decide(body(), world(), { consumer: 'hanoi-land-office' });
    expect(stranger.reply).toMatchObject({ code: 'NOT_A_CONSUMER', indicator: land.id, version: '1.0.0', purpose: 'OFFICIAL_STATISTICS' });
    expect(stranger.reply.basis).toBeUndefined();
    expect(stranger.audit[0]).toMatchObject({ consumer: 'hanoi-land-office', code: 'NOT_A_CONSUMER', registry: 'land', version: '1.0.0' });
    expect(stranger.takes).toEqual([]);
    const purpose = await decide(body({ purpose: 'LAND_REGISTRATION' }));
    expect(purpose.reply).toMatchObject({ code: 'PURPOSE_NOT_ALLOWED', purpose: 'LAND_REGISTRATION' });
    expect(purpose.takes).toEqual([]);
  });

  it('refuses a purpose without a legal basis for the consumer (never consent)', async () => {
    const noBasis = versionOf({ legalBases: [{ ...(base.legalBases[0] as Version['legalBases'][number]), consumers: ['someone-else'] }] });
    const { reply, takes } = await decide(body(), world(contractOf(noBasis)));
    expect(reply.code).toBe('PURPOSE_NOT_ALLOWED');
    expect(takes).toEqual([]);
  });

  it("refuses a period of the wrong frequency, saying which the indicator's is", async () => {
    const monthly = await decide(body({ period: '2026' }));
    expect(monthly.reply).toMatchObject({ code: 'SCHEMA_VIOLATION', issues: [{ path: 'period', message: "this indicator's period is a month, YYYY-MM" }] });
    expect(monthly.takes).toEqual([]);
    const annual = world(contractOf(versionOf({ indicator: { ...SPEC, period: { frequency: 'A', description: 'year' } } })));
    expect((await decide(body(), annual)).reply).toMatchObject({ issues: [{ path: 'period', message: "this indicator's period is a year, YYYY" }] });
    expect((await decide(body({ period: '2026' }), annual)).reply.code).toBe('OK');
  });

  it('refuses over the rate limit, with the basis, before reading the aggregate', async () => {
    const w = world();
    w.state.allow = false;
    const { reply, reads, audit } = await decide(body(), w);
    expect(reply).toMatchObject({ code: 'RATE_LIMITED', basis: { kind: 'legal', id: 'statistics-law-government-reporting' } });
    expect(audit[0]?.basis).toEqual(reply.basis);
    expect(reads).toEqual([]);
  });

  it('says a period is not available when no aggregate was computed for it', async () => {
    const { reply } = await decide(body(), world(contractOf(), null));
    expect(reply).toMatchObject({ code: 'PERIOD_NOT_AVAILABLE', period: '2026-10', basis: { kind: 'legal' } });
    expect(reply.data).toBeUndefined();
  });

  it('answers INTERNAL for an aggregate with a cell the version does not define, and lets other failures through', async () => {
    const { reply } = await decide(body(), world(contractOf(), { counts: { 'W|M': 4 } }));
    expect(reply).toMatchObject({ code: 'INTERNAL', basis: { kind: 'legal' } });
    expect(reply.data).toBeUndefined();
    await expect(world(contractOf(), { counts: { 'N|M': -1 } }).service.decide(input())).rejects.toThrow('cells are counts');
  });

  it('stamps replies with the clock it is given, or the current time', async () => {
    const service = indicatorService({
      indicators: { load: async () => undefined },
      rateLimit: { take: async () => true },
      aggregates: { get: async () => undefined },
      audit: { append: async () => ({ auditId: 'a' }) },
    });
    const before = Date.now();
    const { reply } = await service.decide(input());
    expect(Date.parse(reply.repliedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(reply.repliedAt)).toBeLessThanOrEqual(Date.now() + 1);
  });
});

describe('the resend protocol', () => {
  const stored: StageOutcome = {
    outcome: 'answered',
    messageId: 'm-1',
    reply: { status: 'OK', code: 'OK', auditId: 'a/1', repliedAt: NOW.toISOString(), digest: 'x' },
    contract: land.id,
    version: '1.0.0',
    purpose: 'OFFICIAL_STATISTICS',
  };

  it('points a resend (another message) at the original reply; the same message again gets nothing', () => {
    const { service } = world();
    expect(service.resent(input(body(), { messageId: 'm-2' }), stored)).toEqual({
      kind: 'indicator',
      requestId: RID,
      status: statusOf('ALREADY_ANSWERED'),
      code: 'ALREADY_ANSWERED',
      message: messageFor('ALREADY_ANSWERED'),
      indicator: land.id,
      version: '1.0.0',
      purpose: 'OFFICIAL_STATISTICS',
      original: stored.reply,
      repliedAt: NOW.toISOString(),
    });
    expect(service.resent(input(body()), stored)).toBeUndefined();
    const bare: StageOutcome = { outcome: 'answered', messageId: 'm-1', reply: stored.reply };
    expect(service.resent(input('{', { messageId: 'm-2' }), bare)).toEqual({
      kind: 'indicator',
      requestId: null,
      status: statusOf('ALREADY_ANSWERED'),
      code: 'ALREADY_ANSWERED',
      message: messageFor('ALREADY_ANSWERED'),
      original: stored.reply,
      repliedAt: NOW.toISOString(),
    });
  });

  it('refuses a different request under a used requestId', () => {
    const { service } = world();
    expect(service.reused(input(body({ period: '2026-09' })))).toEqual({
      kind: 'indicator',
      requestId: RID,
      status: statusOf('REQUEST_ID_REUSED'),
      code: 'REQUEST_ID_REUSED',
      message: messageFor('REQUEST_ID_REUSED'),
      repliedAt: NOW.toISOString(),
    });
    expect(service.reused(input(body({ requestId: 'bad', period: 'x' }))).requestId).toBeNull();
    expect(service.reused(input(body({ period: 'x' }))).requestId).toBe(RID);
  });

  it("keys a door's input per agency and requestId, digested with the pepper", () => {
    const b = body();
    const read = readIndicatorRequest(b);
    expect(indicatorInput('pepper', { consumer: GOV, body: b, messageId: 'm-9', receivedAt: 't' })).toEqual({
      consumer: GOV,
      body: b,
      messageId: 'm-9',
      receivedAt: 't',
      key: routeKey(GOV, RID, 'm-9'),
      digest: requestDigest('pepper', read.ok ? read.request : undefined, b),
    });
    const bad = body({ period: 'x' });
    expect(indicatorInput('pepper', { consumer: GOV, body: bad, messageId: 'm-9', receivedAt: 't' })).toMatchObject({
      key: routeKey(GOV, RID, 'm-9'),
      digest: requestDigest('pepper', undefined, bad),
    });
    expect(indicatorInput('pepper', { consumer: GOV, body: '{', messageId: 'm-9', receivedAt: 't' }).key).toBe(routeKey(GOV, null, 'm-9'));
  });

  it('runs a request once, delivering its reply inside the step, and returns it once', async () => {
    const { service, audit } = world();
    const delivered: Array<[string, string]> = [];
    const intake = indicatorIntake(service, async (consumer, reply) => {
      delivered.push([consumer, reply.code]);
    });
    const once: IndicatorOnce = { run: (i) => intake.step(i), isReused: () => false };
    const i = input();
    const reply = await intake.take(once, i);
    expect(reply?.code).toBe('OK');
    expect(delivered).toEqual([[GOV, 'OK']]);
    expect(audit).toHaveLength(1);
    // The fresh reply is handed out once: a step run elsewhere (another door's) is not returned here twice.
    const replayOnce: IndicatorOnce = { run: async () => ({ outcome: 'answered', messageId: 'm-1', reply: stored.reply }), isReused: () => false };
    expect(await intake.take(replayOnce, i)).toBeUndefined();
  });

  it('answers a replayed request by the resend protocol, and a reused requestId by its refusal', async () => {
    const { service } = world();
    const delivered: string[] = [];
    const intake = indicatorIntake(service, async (_c, reply) => {
      delivered.push(reply.code);
    });
    const replayed: IndicatorOnce = { run: async () => ({ ...stored, replayed: true }), isReused: () => false };
    expect((await intake.take(replayed, input(body(), { messageId: 'm-2' })))?.code).toBe('ALREADY_ANSWERED');
    expect(await intake.take(replayed, input(body(), { messageId: 'm-1' }))).toBeUndefined();
    expect(delivered).toEqual(['ALREADY_ANSWERED']);
    const reusedError = new Error('reused');
    const reused: IndicatorOnce = {
      run: async () => {
        throw reusedError;
      },
      isReused: (e) => e === reusedError,
    };
    expect((await intake.take(reused, input()))?.code).toBe('REQUEST_ID_REUSED');
    expect(delivered).toEqual(['ALREADY_ANSWERED', 'REQUEST_ID_REUSED']);
    const failing: IndicatorOnce = {
      run: async () => {
        throw new Error('table down');
      },
      isReused: (e) => e === reusedError,
    };
    await expect(intake.take(failing, input())).rejects.toThrow('table down');
    expect(delivered).toHaveLength(2);
  });
});
