/**
 * The doors of indicator requests, over in-memory ports: POST /v1/indicators (domain/api/app.ts's
 * route and domain/api/indicators.ts: method, media type, the body limit at its exact byte, each
 * reply's HTTP status, CSV when asked, 409/503 with Retry-After) and the officials' desk
 * (domain/console/indicators.ts: which period, which version, the trend's periods, each request made
 * as the reporting agency, a refusal shown as such, the view built from the replies).
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { MAX_HTTP_BODY_BYTES } from '../../contracts/http-api.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import type { IndicatorDefinition } from '../../contracts/indicators/define.ts';
import type { Dimension, IndicatorSpec } from '../../contracts/indicators/model.ts';
import type { IndicatorReply } from '../../contracts/indicators/protocol.ts';
import { statusOf } from '../../contracts/protocol.ts';
import { httpApi } from '../../domain/api/app.ts';
import { type HttpRequest, SECURITY_HEADERS } from '../../domain/api/http.ts';
import { type HttpIndicatorPorts, httpIndicators } from '../../domain/api/indicators.ts';
import type { HttpLookupPorts } from '../../domain/api/lookups.ts';
import { NoIndicatorError, OfficialDesk, TREND_PERIODS } from '../../domain/console/indicators.ts';
import { release } from '../../domain/indicators/release.ts';
import { dataMessage } from '../../domain/indicators/sdmx-data.ts';
import { type IndicatorInput, indicatorInput } from '../../domain/indicators/service.ts';
import { indicatorView } from '../../domain/indicators/view.ts';
import { messageFor } from '../../domain/lookup/replies.ts';

const GOV = 'government-office';
const RID = '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e';
const NOW = new Date('2026-11-02T03:04:05.000Z');
const land = INDICATORS.find((c) => c.id === 'land.parcels-by-land-use') as IndicatorDefinition;

const replyOf = (code: IndicatorReply['code'], over: Partial<IndicatorReply> = {}): IndicatorReply => ({
  kind: 'indicator',
  requestId: RID,
  status: statusOf(code),
  code,
  message: messageFor(code),
  repliedAt: NOW.toISOString(),
  ...over,
});

describe('POST /v1/indicators (domain/api/indicators.ts)', () => {
  class InProgress extends Error {}

  function door(answer: (input: IndicatorInput) => IndicatorReply | undefined | Promise<IndicatorReply | undefined>) {
    const inputs: IndicatorInput[] = [];
    const ports: HttpIndicatorPorts = {
      intake: {
        step: async () => {
          throw new Error('not used');
        },
        async take(_once, input) {
          inputs.push(input);
          return answer(input);
        },
      },
      once: { run: async () => ({}) as never, isReused: () => false, isInProgress: (e) => e instanceof InProgress },
      pepper: async () => 'pepper',
      rateLimitRetryAfter: () => 17,
      now: () => NOW,
    };
    return { submit: httpIndicators(ports).submit, inputs };
  }
  const req = (over: Partial<HttpRequest> = {}): HttpRequest => ({
    method: 'POST',
    path: '/v1/indicators',
    query: {},
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'indicator', requestId: RID, indicator: land.id, period: '2026-10' }),
    requestId: 'front-1',
    ...over,
  });

  it("hands the body to the intake as the agency's input, keyed and digested, with the front door's id and time", async () => {
    const { submit, inputs } = door(() => replyOf('OK'));
    const r = req();
    await submit(GOV, r);
    expect(inputs).toEqual([indicatorInput('pepper', { consumer: GOV, body: r.body, messageId: 'front-1', receivedAt: NOW.toISOString() })]);
  });

  it('answers each reply with its HTTP status as JSON, a rate-limited one with the seconds to wait', async () => {
    for (const [code, status] of [
      ['OK', 200],
      ['NOT_A_CONSUMER', 200],
      ['PERIOD_NOT_AVAILABLE', 200],
      ['SCHEMA_VIOLATION', 400],
      ['MALFORMED_MESSAGE', 400],
      ['PAYLOAD_TOO_LARGE', 413],
      ['RATE_LIMITED', 429],
    ] as const) {
      const res = await door(() => replyOf(code)).submit(GOV, req());
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body)).toEqual(replyOf(code));
      expect(res.headers).toEqual({ ...SECURITY_HEADERS, 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '17' } : {}) });
    }
  });

  it('answers CSV as text/csv when the reply has it and the client accepts text/csv, JSON otherwise', async () => {
    const csv = 'REGION,SEX\r\nN,M\r\n';
    const ok = replyOf('OK', { csv, provenance: { registry: 'land', computedAt: NOW.toISOString(), auditId: 'a/7', digest: 'd' } });
    const asCsv = await door(() => ok).submit(GOV, req({ headers: { 'content-type': 'application/json', accept: 'application/json;q=0.5, TEXT/CSV' } }));
    expect(asCsv).toEqual({
      status: 200,
      headers: { ...SECURITY_HEADERS, 'content-type': 'text/csv; charset=utf-8; header=present', 'ndx-audit-id': 'a/7' },
      body: csv,
    });
    const noAudit = await door(() => replyOf('OK', { csv })).submit(GOV, req({ headers: { accept: 'text/csv' } }));
    expect(noAudit.headers['ndx-audit-id']).toBe('');
    for (const accept of [undefined, 'application/json', 'text/csvx', 'xtext/csv'])
      expect((await door(() => ok).submit(GOV, req({ headers: { accept } }))).headers['content-type']).toBe('application/json');
    expect((await door(() => replyOf('OK')).submit(GOV, req({ headers: { accept: 'text/csv' } }))).headers['content-type']).toBe('application/json');
    const refused = replyOf('RATE_LIMITED', { csv });
    expect((await door(() => refused).submit(GOV, req({ headers: { accept: 'text/csv' } }))).headers['content-type']).toBe('application/json');
  });

  it('reads a body of exactly the limit in bytes, and refuses one byte more unread', async () => {
    const { submit, inputs } = door(() => replyOf('PAYLOAD_TOO_LARGE'));
    const at = 'é'.repeat(MAX_HTTP_BODY_BYTES / 2);
    expect((await submit(GOV, req({ body: at }))).status).toBe(413);
    expect(inputs).toHaveLength(1);
    const over = await submit(GOV, req({ body: `${at}a` }));
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({
      code: 'BODY_TOO_LARGE',
      detail: `a request is at most 16 KiB; bodies over ${MAX_HTTP_BODY_BYTES} bytes are not read`,
    });
    expect(inputs).toHaveLength(1);
  });

  it('answers 409 with Retry-After while the requestId is in progress, 503 when nothing was answered, and lets other failures through', async () => {
    const busy = await door(() => {
      throw new InProgress();
    }).submit(GOV, req());
    expect(busy.status).toBe(409);
    expect(busy.headers['retry-after']).toBe('1');
    expect(JSON.parse(busy.body)).toMatchObject({
      code: 'IN_PROGRESS',
      detail: 'a request with this requestId is being handled: resend it with the same body shortly',
    });
    const none = await door(() => undefined).submit(GOV, req());
    expect(none.status).toBe(503);
    expect(none.headers['retry-after']).toBe('1');
    expect(JSON.parse(none.body)).toMatchObject({ code: 'UNAVAILABLE', detail: 'the request was not answered: resend it (same requestId and body)' });
    await expect(
      door(() => {
        throw new Error('table down');
      }).submit(GOV, req()),
    ).rejects.toThrow('table down');
  });
});

describe('the indicator route of the API (domain/api/app.ts)', async () => {
  const ISSUER = 'https://issuer.example';
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] });
  const token = await new SignJWT({ client_id: 'client-g', token_use: 'access' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k' })
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

  it('answers 503 with Retry-After when the intake fails, with or without a port told of failures', async () => {
    for (const told of [undefined, [] as unknown[]]) {
      const handler = httpApi({
        identity: { issuer: ISSUER, clients: { 'client-g': GOV } },
        keys,
        lookups: {} as HttpLookupPorts,
        indicators: {
          intake: {
            step: async () => undefined as never,
            take: async () => {
              throw new Error('table down');
            },
          },
          once: { run: async () => ({}) as never, isReused: () => false, isInProgress: () => false },
          pepper: async () => 'pepper',
          rateLimitRetryAfter: () => 1,
          now: () => NOW,
        },
        ...(told ? { failed: (e: unknown) => told.push(e) } : {}),
      });
      const res = await handler(call());
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      if (told) expect(told).toEqual([new Error('table down')]);
    }
  });

  function api(withIndicators: boolean) {
    const submitted: Array<[string, string]> = [];
    const directoryPaths: string[] = [];
    const indicators: HttpIndicatorPorts = {
      intake: {
        step: async () => {
          throw new Error('not used');
        },
        async take(_once, input) {
          submitted.push([input.consumer, input.body]);
          return replyOf('OK');
        },
      },
      once: { run: async () => ({}) as never, isReused: () => false, isInProgress: () => false },
      pepper: async () => 'pepper',
      rateLimitRetryAfter: () => 1,
      now: () => NOW,
    };
    const handler = httpApi({
      identity: { issuer: ISSUER, clients: { 'client-g': GOV } },
      keys,
      lookups: {} as HttpLookupPorts,
      ...(withIndicators ? { indicators } : {}),
      directory: {
        public: {},
        async get(_agency, _client, path) {
          directoryPaths.push(path);
          return undefined;
        },
      },
    });
    return { handler, submitted, directoryPaths };
  }
  const call = (over: Partial<HttpRequest> = {}): HttpRequest => ({
    method: 'POST',
    path: '/v1/indicators',
    query: {},
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
    requestId: 'front-1',
    ...over,
  });

  it("takes POST as application/json (with parameters, in any case) under the caller's agency", async () => {
    const { handler, submitted } = api(true);
    expect((await handler(call())).status).toBe(200);
    expect((await handler(call({ headers: { authorization: `Bearer ${token}`, 'content-type': 'Application/JSON ; charset=utf-8' } }))).status).toBe(200);
    expect(submitted).toEqual([
      [GOV, '{}'],
      [GOV, '{}'],
    ]);
  });

  it('answers 405 with Allow: POST to another method, 415 to another media type, 401 without a token', async () => {
    const { handler, submitted } = api(true);
    const get = await handler(call({ method: 'GET' }));
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    for (const type of [undefined, 'text/plain', 'application/jsonx', 'xapplication/json']) {
      const res = await handler(call({ headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) } }));
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'send the IndicatorRequest as application/json' });
    }
    expect((await handler(call({ headers: { 'content-type': 'application/json' } }))).status).toBe(401);
    expect(submitted).toEqual([]);
  });

  it('is not a route when the API has no indicator ports (404, after the directory is asked for a GET)', async () => {
    const { handler, directoryPaths } = api(false);
    const missing = await handler(call());
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'NOT_FOUND', detail: 'no such resource' });
    expect(JSON.parse((await handler(call({ path: '/v2/indicators' }))).body)).toMatchObject({ code: 'NOT_FOUND', detail: 'no such resource' });
    expect((await handler(call({ method: 'GET' }))).status).toBe(404);
    expect(directoryPaths).toEqual(['/indicators']);
  });
});

describe("the officials' desk (domain/console/indicators.ts)", () => {
  const dim = (id: string, codes: string[]): Dimension => ({
    id,
    name: { en: `${id} en`, vi: `${id} vi` },
    codeList: { id: `CL_${id}`, name: { en: id, vi: id }, codes: codes.map((c) => ({ id: c, name: { en: c, vi: c } })) },
  });
  const SPEC: IndicatorSpec = {
    dimensions: [dim('REGION', ['N', 'S']), dim('SEX', ['M', 'F'])],
    period: { frequency: 'M', description: 'month' },
    measure: { id: 'OBS_VALUE', name: { en: 'Units', vi: 'Đơn vị' }, unit: 'units' },
    disclosure: { threshold: 3 },
  };
  const v = land.versions[0] as IndicatorDefinition['versions'][number];
  const def: IndicatorDefinition = {
    ...land,
    versions: [
      { ...v, version: '1.2.0', indicator: SPEC },
      { ...v, version: '1.10.0', indicator: SPEC },
      { ...v, version: '1.9.0', indicator: { ...SPEC, dimensions: [dim('REGION', ['N']), dim('SEX', ['M'])] } },
    ],
  };
  const other: IndicatorDefinition = { ...def, id: 'population.other', title: 'Other', provider: 'population' };
  // Version 1.9.0 has one code per dimension: its aggregate has the one cell.
  const countsOf = (period: string, version: string): Record<string, number> =>
    version === '1.9.0' ? { 'N|M': Number(period.slice(5)) * 10 } : { 'N|M': Number(period.slice(5)) * 10, 'N|F': 10, 'S|M': 20, 'S|F': 30 };

  function desk(periods: string[], code: (period: string) => IndicatorReply['code'] = () => 'OK', answeredBy = '1.10.0', bare: string[] = []) {
    const inputs: IndicatorInput[] = [];
    const asked: string[] = [];
    const desk = new OfficialDesk({
      indicators: [def, other],
      agency: GOV,
      clock: () => NOW,
      periods: async (id) => (id === def.id ? periods : ['2026-01']),
      service: {
        async decide(input) {
          inputs.push(input);
          const request = JSON.parse(input.body) as { period: string; requestId: string };
          asked.push(request.period);
          const c = code(request.period);
          if (c !== 'OK')
            return {
              reply: replyOf(c, { requestId: request.requestId, provenance: undefined }),
              outcome: { outcome: 'answered', messageId: input.messageId, reply: {} as never },
            };
          if (bare.includes(request.period))
            return { reply: replyOf('OK', { requestId: request.requestId }), outcome: { outcome: 'answered', messageId: input.messageId, reply: {} as never } };
          const version = def.versions.find((x) => x.version === answeredBy) ?? (def.versions[1] as IndicatorDefinition['versions'][number]);
          const r = release({
            indicator: def.id,
            version: answeredBy,
            period: request.period,
            spec: version.indicator,
            counts: countsOf(request.period, answeredBy),
          });
          return {
            reply: replyOf('OK', {
              requestId: request.requestId,
              version: answeredBy,
              period: request.period,
              data: dataMessage(def, version, r, { id: 'x', prepared: NOW }),
              summary: r.summary,
              provenance: { registry: 'land', computedAt: NOW.toISOString(), auditId: `audit-${request.period}`, digest: 'd' },
            }),
            outcome: { outcome: 'answered', messageId: input.messageId, reply: {} as never },
          };
        },
      },
    });
    return { desk, inputs, asked };
  }
  const months = (n: number) => Array.from({ length: n }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  const expectedView = (period: string, trend: string[], version = '1.10.0') => {
    const spec = (def.versions.find((x) => x.version === version) ?? def.versions[1])?.indicator as IndicatorSpec;
    const rel = (p: string) => release({ indicator: def.id, version, period: p, spec, counts: countsOf(p, version) });
    return indicatorView(spec, rel(period), 'vi', trend.map(rel));
  };

  it('lists each indicator with its number of periods and the newest', async () => {
    expect(await desk(months(3)).desk.index()).toEqual({
      indicators: [
        { id: def.id, title: def.title, provider: 'land', periods: 3, latest: '2026-03' },
        { id: 'population.other', title: 'Other', provider: 'population', periods: 1, latest: '2026-01' },
      ],
    });
    expect((await desk([]).desk.index()).indicators[0]).toEqual({ id: def.id, title: def.title, provider: 'land', periods: 0, latest: undefined });
  });

  it('shows the newest period by default, with the trend of the 12 periods up to it, each asked as the reporting agency', async () => {
    const { desk: d, inputs, asked } = desk(months(12).concat(['2027-01', '2027-02']));
    const board = await d.dashboard(def.id, undefined, 'vi');
    expect(TREND_PERIODS).toBe(12);
    expect(asked).toEqual([...months(12).slice(2), '2027-01', '2027-02']);
    expect(board.period).toBe('2027-02');
    expect(board.version).toBe('1.10.0');
    expect(board.auditIds).toEqual(asked.map((p) => `audit-${p}`));
    expect(board.refusal).toBeUndefined();
    expect(board.view).toEqual(expectedView('2027-02', asked.slice(0, -1)));
    for (const input of inputs) {
      const request = JSON.parse(input.body) as Record<string, string>;
      expect(request).toEqual({
        kind: 'indicator',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        indicator: def.id,
        period: expect.any(String),
        format: 'sdmx-json',
        onBehalfOf: 'ndx console, indicator dashboard',
      });
      expect(input).toEqual({
        consumer: GOV,
        body: input.body,
        messageId: `console-${request.requestId}`,
        receivedAt: NOW.toISOString(),
        key: `${GOV}:${request.requestId}`,
        digest: '',
      });
    }
    expect(new Set(inputs.map((i) => i.key)).size).toBe(inputs.length);
  });

  it('shows a period asked for when it was computed, with the periods before it only, and the newest otherwise', async () => {
    const { desk: d, asked } = desk(months(6));
    const board = await d.dashboard(def.id, '2026-03', 'en');
    expect(board.period).toBe('2026-03');
    expect(asked).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(board.view?.rowDimension).toBe('REGION en');
    expect(board.periods).toEqual(months(6));
    const unknown = desk(months(6));
    expect((await unknown.desk.dashboard(def.id, '2025-12', 'vi')).period).toBe('2026-06');
  });

  it('reads the release with the version that answered, and its trend from the OK replies only', async () => {
    const { desk: d } = desk(months(3), (p) => (p === '2026-02' ? 'PERIOD_NOT_AVAILABLE' : 'OK'), '1.9.0');
    const board = await d.dashboard(def.id, undefined, 'vi');
    expect(board.version).toBe('1.9.0');
    expect(board.auditIds).toEqual(['audit-2026-01', 'audit-2026-03']);
    expect(board.view).toEqual(expectedView('2026-03', ['2026-01'], '1.9.0'));
  });

  it('leaves out of the trend an OK reply without its period or summary', async () => {
    const { desk: d } = desk(months(3), () => 'OK', '1.10.0', ['2026-01']);
    const board = await d.dashboard(def.id, undefined, 'vi');
    expect(board.view?.trend.map((t) => t.period)).toEqual(['2026-02', '2026-03']);
    expect(board.auditIds).toEqual(['audit-2026-02', 'audit-2026-03']);
  });

  it('shows a refusal of the period shown as such, without a view', async () => {
    const { desk: d } = desk(months(2), (p) => (p === '2026-02' ? 'NOT_A_CONSUMER' : 'OK'));
    expect(await d.dashboard(def.id, undefined, 'vi')).toEqual({
      indicator: def,
      version: '1.10.0',
      periods: months(2),
      period: '2026-02',
      auditIds: ['audit-2026-01'],
      refusal: { code: 'NOT_A_CONSUMER', message: messageFor('NOT_A_CONSUMER') },
    });
  });

  it('shows an indicator without computed periods without asking, and refuses an unknown one or one without versions', async () => {
    const { desk: d, inputs } = desk([]);
    expect(await d.dashboard(def.id, '2026-01', 'vi')).toEqual({ indicator: def, version: '1.10.0', periods: [], period: undefined, auditIds: [] });
    expect(inputs).toEqual([]);
    await expect(d.dashboard('land.nothing', undefined, 'vi')).rejects.toThrow(new NoIndicatorError('no indicator land.nothing'));
    expect(new NoIndicatorError('x').name).toBe('NoIndicatorError');
    const empty = new OfficialDesk({
      indicators: [{ ...def, versions: [] }],
      agency: GOV,
      periods: async () => ['2026-01'],
      service: { decide: async () => ({}) as never },
    });
    await expect(empty.dashboard(def.id, undefined, 'vi')).rejects.toThrow(`${def.id} has no version`);
  });

  it('asks with the current time when no clock is given', async () => {
    const received: string[] = [];
    const d = new OfficialDesk({
      indicators: [def],
      agency: GOV,
      periods: async () => ['2026-01'],
      service: {
        async decide(input) {
          received.push(input.receivedAt);
          return { reply: replyOf('PERIOD_NOT_AVAILABLE'), outcome: {} as never };
        },
      },
    });
    const before = Date.now();
    const board = await d.dashboard(def.id, undefined, 'vi');
    expect(board.refusal?.code).toBe('PERIOD_NOT_AVAILABLE');
    expect(Date.parse(received[0] ?? '')).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(received[0] ?? '')).toBeLessThanOrEqual(Date.now() + 1);
  });
});
