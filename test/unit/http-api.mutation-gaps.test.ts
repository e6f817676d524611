/**
 * The agency HTTP API end to end over its ports (domain/api/app.ts, lookups.ts, directory.ts, http.ts)
 * and the router's intake (domain/lookup/intake.ts): every route, method, media type and status, the
 * wait and the body limit at their exact limits, the resend protocol's outcomes over HTTP, the webhook
 * path, batches and polls. The ports are small in-memory stand-ins: the router's step seals a reply to
 * the request's route, as the router and adapters do; the tokens are real JWTs.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { LOOKUP_WAIT, MAX_BATCH, MAX_HTTP_BODY_BYTES, PROBLEM_CODES, REPLY_KEY_HEADER } from '../../contracts/http-api.ts';
import { replySchema, requestSchema } from '../../contracts/export-schemas.ts';
import type { Contract, ContractDefinition, ContractVersion } from '../../contracts/model.ts';
import { type Code, type LookupReply, statusOf } from '../../contracts/protocol.ts';
import { httpApi } from '../../domain/api/app.ts';
import { apiDirectory } from '../../domain/api/directory.ts';
import { type HttpRequest, type HttpResponse, json, problem, SECURITY_HEADERS } from '../../domain/api/http.ts';
import type { HttpLookupPorts } from '../../domain/api/lookups.ts';
import { type KeyedRouteInput, type OnceStep, routeKey, takeIn } from '../../domain/lookup/intake.ts';
import { type MailboxItem, newReplyKey, type ReplyRoute, sealReply, slotOf } from '../../domain/lookup/mailbox.ts';
import { requestDigest } from '../../domain/lookup/resend.ts';
import type { LookupRouter } from '../../domain/lookup/route.ts';

/** A stand-in router whose route is the once step alone (these tests give the step's outcome through `once.run`). */
const viaOnce = (input: KeyedRouteInput, once: OnceStep) => once.run(input, () => Promise.reject(new Error('the stand-in router has no step of its own')));

const AGENCY = 'hanoi-land-office';
const ISSUER = 'https://issuer.example';
const RID = '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e';
const NOW = new Date('2026-06-01T00:00:00.000Z');
const request = (requestId = RID) => ({
  requestId,
  contract: 'population.identity-verification',
  version: '1',
  purpose: 'LAND_REGISTRATION',
  subject: { nationalId: '001203004567' },
});

const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] });
const tokenFor = (clientId: string) =>
  new SignJWT({ client_id: clientId, token_use: 'access' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k' })
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
const BEARER = `Bearer ${await tokenFor('client-a')}`;
const STRANGER = `Bearer ${await tokenFor('client-x')}`;

class ReusedError extends Error {}
class InProgressError extends Error {}

type Behaviour = 'answer' | 'pending' | 'reused' | 'replayed' | 'in-progress' | 'fail';

/** The router's step and the mailbox, in memory: what the router and adapters would do, reduced to the reply. */
function world() {
  const slots = new Map<string, MailboxItem>();
  const inputs: KeyedRouteInput[] = [];
  const told: string[] = [];
  const waits: number[] = [];
  const failures: unknown[] = [];
  const state = { behaviour: 'answer' as Behaviour, code: 'OK' as Code, webhook: false, retryAfter: 42 };
  const slotKey = (consumer: string, route: ReplyRoute) => `${consumer}|${slotOf(route)}`;
  const replyTo = (input: KeyedRouteInput): LookupReply => ({
    requestId: input.envelope.ok ? input.envelope.request.requestId : input.envelope.requestId,
    status: statusOf(input.envelope.ok ? state.code : input.envelope.code),
    code: input.envelope.ok ? state.code : input.envelope.code,
    message: 'm',
    repliedAt: NOW.toISOString(),
  });
  const router = {
    route: viaOnce,
    async reused(input: KeyedRouteInput) {
      told.push(`reused ${input.key}`);
    },
    async resent(input: KeyedRouteInput) {
      told.push(`resent ${input.key}`);
    },
  } as unknown as LookupRouter;
  const lookups: HttpLookupPorts = {
    router,
    hasWebhook: (consumer) => state.webhook && consumer === AGENCY,
    once: {
      async run(input) {
        inputs.push(input);
        if (state.behaviour === 'in-progress') throw new InProgressError('busy');
        if (state.behaviour === 'reused') throw new ReusedError('reused');
        if (state.behaviour === 'fail') throw new Error('table down');
        if (state.behaviour === 'answer' && input.replyTo) {
          const reply = replyTo(input);
          slots.set(slotKey(input.consumer, input.replyTo), {
            consumer: input.consumer,
            requestId: reply.requestId,
            state: 'sealed',
            sealed: sealReply(reply, input.replyTo, input.consumer),
          });
        }
        const outcome = { outcome: 'answered' as const, messageId: input.messageId, reply: { code: 'OK' as const, auditId: 'a/1', digest: 'd' } };
        return (state.behaviour === 'replayed' ? { ...outcome, replayed: true } : outcome) as never;
      },
      record: async () => undefined,
      isReused: (error) => error instanceof ReusedError,
      isInProgress: (error) => error instanceof InProgressError,
    },
    pepper: async () => 'pepper',
    mailbox: {
      async open(route, consumer, requestId) {
        slots.set(slotKey(consumer, route), { consumer, requestId, state: 'pending' });
      },
      async read(consumer, route) {
        return slots.get(slotKey(consumer, route));
      },
      async waitFor(consumer, route, waitMs) {
        waits.push(waitMs);
        return slots.get(slotKey(consumer, route));
      },
    },
    rateLimitRetryAfter: () => state.retryAfter,
    now: () => NOW,
  };
  const api = httpApi({
    identity: { issuer: ISSUER, clients: { 'client-a': AGENCY } },
    keys,
    lookups,
    directory: {
      public: { '/openapi.json': () => json(200, { openapi: '3.1.0' }) },
      async get(agency, clientId, path) {
        return path === '/me' ? json(200, { agency, clientId }) : undefined;
      },
    },
    failed: (error) => failures.push(error),
  });
  return { api, state, inputs, told, waits, failures, slots };
}

const req = (over: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'POST',
  path: '/v1/lookups',
  query: {},
  headers: { authorization: BEARER, 'content-type': 'application/json' },
  body: JSON.stringify(request()),
  requestId: 'front-1',
  ...over,
});
const withHeaders = (headers: Record<string, string | undefined>, over: Partial<HttpRequest> = {}) =>
  req({ headers: { authorization: BEARER, 'content-type': 'application/json', ...headers }, ...over });
const bodyOf = (res: HttpResponse) => JSON.parse(res.body) as Record<string, unknown>;
const problemOf = (res: HttpResponse) => [res.status, bodyOf(res).code];

describe('responses (http.ts)', () => {
  it('carry the security headers on every response, and the media type of a JSON body or a problem', () => {
    expect(SECURITY_HEADERS).toEqual({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    expect(json(201, { a: 1 }, { location: '/x' })).toEqual({
      status: 201,
      headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', location: '/x' },
      body: '{"a":1}',
    });
    expect(json(200, [])).toEqual({ status: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json' }, body: '[]' });
    const p = problem(405, 'METHOD_NOT_ALLOWED', 'use GET', { allow: 'GET' });
    expect(p.status).toBe(405);
    expect(p.headers).toEqual({ ...SECURITY_HEADERS, 'content-type': 'application/problem+json', allow: 'GET' });
    expect(JSON.parse(p.body)).toEqual({
      type: 'urn:ndx:problem:method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      detail: 'use GET',
    });
    expect(problem(500, 'INTERNAL').headers).toEqual({ ...SECURITY_HEADERS, 'content-type': 'application/problem+json' });
  });

  it('give each problem code its title and a type named after the code; no detail when none is given', () => {
    const titles = Object.fromEntries(PROBLEM_CODES.map((code) => [code, JSON.parse(problem(400, code).body).title]));
    expect(titles).toEqual({
      UNAUTHENTICATED: 'No valid credentials',
      FORBIDDEN: 'Not allowed',
      NOT_FOUND: 'Not found',
      METHOD_NOT_ALLOWED: 'Method not allowed',
      UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
      BAD_PARAMETER: 'Bad parameter',
      BODY_TOO_LARGE: 'Body too large',
      IN_PROGRESS: 'In progress',
      UNAVAILABLE: 'Unavailable',
      INTERNAL: 'Internal error',
    });
    for (const code of PROBLEM_CODES) {
      expect(JSON.parse(problem(400, code).body)).toEqual({
        type: `urn:ndx:problem:${code.toLowerCase().replaceAll('_', '-')}`,
        title: titles[code],
        status: 400,
        code,
      });
    }
    expect(JSON.parse(problem(404, 'NOT_FOUND', '').body)).not.toHaveProperty('detail');
  });
});

describe('routes (app.ts)', () => {
  let w: ReturnType<typeof world>;
  beforeEach(() => {
    w = world();
  });

  it('serves public documents to GET without a token, and answers other methods 405 with Allow', async () => {
    const doc = await w.api(req({ method: 'GET', path: '/openapi.json', headers: {} }));
    expect([doc.status, bodyOf(doc)]).toEqual([200, { openapi: '3.1.0' }]);
    const post = await w.api(req({ path: '/openapi.json', headers: {} }));
    expect(problemOf(post)).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(post.headers.allow).toBe('GET');
  });

  it('answers 404 outside /v1/ before asking for a token', async () => {
    for (const path of ['/v2/lookups', '/v1', '/', '/lookups'])
      expect(problemOf(await w.api(req({ method: 'GET', path, headers: {} }))), path).toEqual([404, 'NOT_FOUND']);
  });

  it('answers 401 with a Bearer challenge without a valid token, 403 without one for a client of no agency', async () => {
    const none = await w.api(withHeaders({ authorization: undefined }));
    expect(problemOf(none)).toEqual([401, 'UNAUTHENTICATED']);
    expect(none.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(bodyOf(none).detail).toMatch(/Authorization: Bearer/);
    const stranger = await w.api(withHeaders({ authorization: STRANGER }));
    expect(problemOf(stranger)).toEqual([403, 'FORBIDDEN']);
    expect(stranger.headers).not.toHaveProperty('www-authenticate');
    expect(w.inputs).toEqual([]);
  });

  it('takes lookups and batches by POST only, as application/json with or without parameters, in any case', async () => {
    for (const path of ['/v1/lookups', '/v1/lookups/batch']) {
      const get = await w.api(req({ method: 'GET', path }));
      expect(problemOf(get), path).toEqual([405, 'METHOD_NOT_ALLOWED']);
      expect(get.headers.allow).toBe('POST');
      for (const type of ['text/plain', 'application/jsonx', 'xapplication/json', 'application/json-patch+json', undefined]) {
        const res = await w.api(withHeaders({ 'content-type': type }, { path }));
        expect(problemOf(res), `${path} ${type}`).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
        expect(bodyOf(res).detail).toBe(path === '/v1/lookups' ? 'send the LookupRequest as application/json' : 'send the batch as application/json');
      }
    }
    expect(w.inputs).toEqual([]);
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/json ']) {
      expect((await w.api(withHeaders({ 'content-type': type }))).status, type).toBe(200);
    }
    const batch = await w.api(req({ path: '/v1/lookups/batch', body: JSON.stringify({ requests: [request()] }) }));
    expect(batch.status).toBe(200);
  });

  it('polls a lookup by GET at /v1/lookups/{requestId} only, and sends other paths to the directory by GET only', async () => {
    const post = await w.api(req({ path: `/v1/lookups/${RID}` }));
    expect([...problemOf(post), post.headers.allow]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET']);
    const poll = await w.api(req({ method: 'GET', path: `/v1/lookups/${RID}` }));
    expect([...problemOf(poll), bodyOf(poll).detail]).toEqual([400, 'BAD_PARAMETER', 'send the replyKey the POST returned as the Ndx-Reply-Key header']);
    for (const path of [
      `/v1/lookups/${RID}/x`,
      `/v1/lookups/${RID}0`,
      `/v1/lookups/${RID.slice(1)}`,
      `/v1/x/v1/lookups/${RID}`,
      '/v1/lookups/zzzzzzzz-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
    ]) {
      expect(problemOf(await w.api(req({ method: 'GET', path }))), path).toEqual([404, 'NOT_FOUND']);
    }
    expect(bodyOf(await w.api(req({ method: 'GET', path: '/v1/me' })))).toEqual({ agency: AGENCY, clientId: 'client-a' });
    expect(problemOf(await w.api(req({ path: '/v1/me' })))).toEqual([404, 'NOT_FOUND']);
    const bare = httpApi({ identity: { issuer: ISSUER, clients: { 'client-a': AGENCY } }, keys, lookups: {} as HttpLookupPorts });
    expect(problemOf(await bare(req({ method: 'GET', path: '/v1/me' })))).toEqual([404, 'NOT_FOUND']);
    expect(problemOf(await bare(req({ method: 'GET', path: '/openapi.json', headers: {} })))).toEqual([404, 'NOT_FOUND']);
  });

  it('answers 503 with Retry-After when a port fails, and tells the failure', async () => {
    w.state.behaviour = 'fail';
    const res = await w.api(req());
    expect(problemOf(res)).toEqual([503, 'UNAVAILABLE']);
    expect(res.headers['retry-after']).toBe('1');
    expect(bodyOf(res).detail).toBe('the lookup was not taken: resend the same request (same requestId and body)');
    expect(w.failures).toEqual([new Error('table down')]);
  });
});

describe('lookups over HTTP (lookups.ts, intake.ts)', () => {
  let w: ReturnType<typeof world>;
  beforeEach(() => {
    w = world();
  });

  it('routes a request once under its agency and requestId, with its digest, message id, time and reply route', async () => {
    const res = await w.api(req());
    expect(res.status).toBe(200);
    expect(bodyOf(res)).toEqual({ requestId: RID, status: 'OK', code: 'OK', message: 'm', repliedAt: NOW.toISOString() });
    expect(res.headers['content-location']).toBe(`/v1/lookups/${RID}`);
    expect(res.headers).not.toHaveProperty('retry-after');
    const [input] = w.inputs;
    expect(w.inputs).toHaveLength(1);
    expect(input).toMatchObject({
      key: `${AGENCY}:${RID}`,
      digest: requestDigest('pepper', request(), req().body),
      consumer: AGENCY,
      envelope: { ok: true, request: request() },
      messageId: 'front-1',
      receivedAt: NOW.toISOString(),
      finalAttempt: false,
      replyTo: { kind: 'mailbox', key: expect.any(String) },
    });
    expect(w.waits).toEqual([LOOKUP_WAIT.defaultSeconds * 1000]);
  });

  it('keys an unreadable request by its message, and answers it with its status and no content location', async () => {
    const res = await w.api(req({ body: '{not json' }));
    expect([res.status, bodyOf(res).code]).toEqual([400, 'MALFORMED_MESSAGE']);
    expect(res.headers).not.toHaveProperty('content-location');
    expect(w.inputs[0]?.key).toBe(`${AGENCY}:message:front-1`);
    expect(w.inputs[0]?.digest).toBe(requestDigest('pepper', undefined, '{not json'));
    expect(routeKey('a', null, 'm')).toBe('a:message:m');
    expect(routeKey('a', 'r', 'm')).toBe('a:r');
    expect(routeKey('a', '', 'm')).toBe('a:message:m');
  });

  it('gives each answer its HTTP status, and a rate-limited one the seconds until the window opens', async () => {
    for (const [code, status] of [
      ['SUBJECT_NOT_FOUND', 200],
      ['SCHEMA_VIOLATION', 400],
      ['PAYLOAD_TOO_LARGE', 413],
      ['RATE_LIMITED', 429],
    ] as const) {
      w.state.code = code;
      const res = await w.api(req());
      expect([res.status, bodyOf(res).code], code).toEqual([status, code]);
      expect(res.headers['retry-after'], code).toBe(status === 429 ? '42' : undefined);
    }
  });

  it('reads the body up to the exact byte limit, in bytes, and refuses one byte more unread', async () => {
    const padded = (bytes: number) => {
      const base = JSON.stringify({ ...request(), pad: '' });
      const pad = 'é'.repeat(Math.floor((bytes - Buffer.byteLength(base)) / 2)) + 'a'.repeat((bytes - Buffer.byteLength(base)) % 2);
      return JSON.stringify({ ...request(), pad });
    };
    const atLimit = padded(MAX_HTTP_BODY_BYTES);
    expect(Buffer.byteLength(atLimit)).toBe(MAX_HTTP_BODY_BYTES);
    expect(atLimit.length).toBeLessThan(MAX_HTTP_BODY_BYTES);
    const read = await w.api(req({ body: atLimit }));
    expect([read.status, bodyOf(read).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const over = padded(MAX_HTTP_BODY_BYTES + 1);
    const refused = await w.api(req({ body: over }));
    expect([...problemOf(refused), bodyOf(refused).detail]).toEqual([
      413,
      'BODY_TOO_LARGE',
      `a request is at most 16 KiB; bodies over ${MAX_HTTP_BODY_BYTES} bytes are not read`,
    ]);
    const batch = await w.api(req({ path: '/v1/lookups/batch', body: over }));
    expect([...problemOf(batch), bodyOf(batch).detail]).toEqual([413, 'BODY_TOO_LARGE', `a batch is at most ${MAX_HTTP_BODY_BYTES} bytes`]);
    expect(w.inputs).toHaveLength(1);
  });

  it('waits as long as asked, up to the maximum, and refuses a wait beyond it before routing', async () => {
    await w.api(req({ query: { wait: '3' } }));
    await w.api(withHeaders({ prefer: 'wait=0' }));
    await w.api(req({ query: { wait: String(LOOKUP_WAIT.maxSeconds) } }));
    expect(w.waits).toEqual([3000, 0, LOOKUP_WAIT.maxSeconds * 1000]);
    for (const wait of [String(LOOKUP_WAIT.maxSeconds + 1), 'x']) {
      for (const path of ['/v1/lookups', '/v1/lookups/batch']) {
        const res = await w.api(req({ path, query: { wait }, body: JSON.stringify({ requests: [request()] }) }));
        expect(problemOf(res), `${path} ${wait}`).toEqual([400, 'BAD_PARAMETER']);
      }
    }
    expect(w.inputs).toHaveLength(3);
  });

  it('answers 202 with where and how to poll when the reply is not ready, and 500 for an unreadable request left unanswered', async () => {
    w.state.behaviour = 'pending';
    const res = await w.api(req({ query: { wait: '0' } }));
    expect(res.status).toBe(202);
    const accepted = bodyOf(res);
    expect(accepted).toEqual({ requestId: RID, location: `/v1/lookups/${RID}`, replyKey: expect.stringMatching(/^ndx1\./), retryAfterSeconds: 1 });
    expect(res.headers).toMatchObject({ location: `/v1/lookups/${RID}`, 'retry-after': '1', [REPLY_KEY_HEADER]: accepted.replyKey });
    expect(problemOf(await w.api(req({ body: '[' })))).toEqual([500, 'INTERNAL']);
  });

  it('polls with the reply key: the reply once sealed, 202 before, 404 for another requestId or an unknown key', async () => {
    w.state.behaviour = 'pending';
    const first = await w.api(req({ query: { wait: '0' } }));
    const replyKey = String(bodyOf(first).replyKey);
    const poll = (headers: Record<string, string>, path = `/v1/lookups/${RID}`, query: Record<string, string> = {}) =>
      w.api(req({ method: 'GET', path, query, headers: { authorization: BEARER, ...headers } }));
    expect((await poll({ [REPLY_KEY_HEADER]: replyKey })).status).toBe(202);
    expect(w.waits).toEqual([0]);
    const other = await poll({ [REPLY_KEY_HEADER]: replyKey }, '/v1/lookups/0b7b5e1c-3a4f-4a5e-9a77-2f1f4a0c9e11');
    expect([...problemOf(other), bodyOf(other).detail]).toEqual([
      404,
      'NOT_FOUND',
      'no lookup of this agency with this requestId and reply key (a reply is kept for an hour): resend the request with the same requestId and body',
    ]);
    expect(problemOf(await poll({ [REPLY_KEY_HEADER]: newReplyKey().capability }))).toEqual([404, 'NOT_FOUND']);
    expect(problemOf(await poll({ [REPLY_KEY_HEADER]: 'ndx1.short' }))).toEqual([400, 'BAD_PARAMETER']);
    expect(problemOf(await poll({ [REPLY_KEY_HEADER]: replyKey }, `/v1/lookups/${RID}`, { wait: '99' }))).toEqual([400, 'BAD_PARAMETER']);
    // The router answers: the slot now holds the sealed reply.
    w.state.behaviour = 'answer';
    const [input] = w.inputs;
    if (!input?.replyTo) throw new Error('no reply route');
    await takeIn(
      { route: viaOnce, reused: async () => {}, resent: async () => {} } as unknown as LookupRouter,
      {
        run: async () => {
          w.slots.set(`${AGENCY}|${slotOf(input.replyTo as ReplyRoute)}`, {
            consumer: AGENCY,
            requestId: RID,
            state: 'sealed',
            sealed: sealReply({ requestId: RID, status: 'OK', code: 'OK', message: 'm', repliedAt: NOW.toISOString() }, input.replyTo as ReplyRoute, AGENCY),
          });
          return { outcome: 'answered', messageId: 'x', reply: { code: 'OK', auditId: 'a/1', digest: 'd' } } as never;
        },
        record: async () => undefined,
        isReused: () => false,
        isInProgress: () => false,
      },
      input,
    );
    const answered = await poll({ [REPLY_KEY_HEADER]: replyKey }, `/v1/lookups/${RID}`, { wait: '2' });
    expect([answered.status, bodyOf(answered).code]).toEqual([200, 'OK']);
    expect(w.waits).toEqual([0, 2000]);
  });

  it('answers 500 when the sealed reply does not open with the key', async () => {
    w.state.behaviour = 'pending';
    const replyKey = String(bodyOf(await w.api(req({ query: { wait: '0' } }))).replyKey);
    const [input] = w.inputs;
    const route = input?.replyTo as ReplyRoute;
    w.slots.set(`${AGENCY}|${slotOf(route)}`, {
      consumer: AGENCY,
      requestId: RID,
      state: 'sealed',
      sealed: sealReply({ requestId: RID, status: 'OK', code: 'OK', message: 'm', repliedAt: NOW.toISOString() }, route, 'danang-tax-office'),
    });
    const res = await w.api(req({ method: 'GET', path: `/v1/lookups/${RID}`, headers: { authorization: BEARER, [REPLY_KEY_HEADER]: replyKey } }));
    expect([...problemOf(res), bodyOf(res).detail]).toEqual([500, 'INTERNAL', 'the reply could not be opened']);
  });

  it('follows the resend protocol: a reused requestId is told to the router, a replayed one is resent', async () => {
    w.state.behaviour = 'reused';
    expect((await w.api(req({ query: { wait: '0' } }))).status).toBe(202);
    w.state.behaviour = 'replayed';
    expect((await w.api(req({ query: { wait: '0' } }))).status).toBe(202);
    w.state.behaviour = 'answer';
    expect((await w.api(req({ query: { wait: '0' } }))).status).toBe(200);
    expect(w.told).toEqual([`reused ${AGENCY}:${RID}`, `resent ${AGENCY}:${RID}`]);
  });

  it('answers 409 with Retry-After while the same requestId is in progress elsewhere', async () => {
    w.state.behaviour = 'in-progress';
    const res = await w.api(req());
    expect([...problemOf(res), res.headers['retry-after']]).toEqual([409, 'IN_PROGRESS', '1']);
    w.state.webhook = true;
    const pushed = await w.api(withHeaders({ prefer: 'respond-async' }));
    expect(problemOf(pushed)).toEqual([409, 'IN_PROGRESS']);
  });

  it('pushes to the agency’s webhook when asked with Prefer: respond-async and it has one: 202, no reply route, no wait', async () => {
    w.state.webhook = true;
    for (const prefer of ['respond-async', 'wait=5, respond-async', 'respond-async;wait=1', 'respond-async ']) {
      const res = await w.api(withHeaders({ prefer }));
      expect([res.status, bodyOf(res)], prefer).toEqual([202, { requestId: RID, delivery: 'webhook' }]);
      expect(w.inputs.at(-1), prefer).not.toHaveProperty('replyTo');
    }
    expect(w.waits).toEqual([]);
    for (const prefer of ['respond-asynchronously', 'norespond-async', 'wait=1']) {
      expect((await w.api(withHeaders({ prefer }))).status, prefer).toBe(200);
    }
    // An unreadable request is answered, never pushed.
    expect((await w.api(withHeaders({ prefer: 'respond-async' }, { body: '{' }))).status).toBe(400);
    // Without a webhook the caller waits.
    w.state.webhook = false;
    expect((await w.api(withHeaders({ prefer: 'respond-async' }))).status).toBe(200);
  });

  it('answers a batch request by request, in the order sent, with each one’s status, body and retry', async () => {
    const second = '0b7b5e1c-3a4f-4a5e-9a77-2f1f4a0c9e11';
    w.state.code = 'RATE_LIMITED';
    const res = await w.api(req({ path: '/v1/lookups/batch', query: { wait: '1' }, body: JSON.stringify({ requests: [request(), 'x', request(second)] }) }));
    expect(res.status).toBe(200);
    const { results } = bodyOf(res) as { results: Array<{ status: number; body: { code: string; requestId?: string }; retryAfterSeconds?: number }> };
    expect(results.map((r) => [r.status, r.body.code, r.body.requestId, r.retryAfterSeconds])).toEqual([
      [429, 'RATE_LIMITED', RID, 42],
      [400, 'MALFORMED_MESSAGE', null, undefined],
      [429, 'RATE_LIMITED', second, 42],
    ]);
    expect(results[1]).not.toHaveProperty('retryAfterSeconds');
    expect(w.inputs.map((i) => i.messageId)).toEqual(['front-1:0', 'front-1:1', 'front-1:2']);
    expect(w.waits).toEqual([1000, 1000, 1000]);
  });

  it('takes 1 to MAX_BATCH requests as {"requests": [...]}, and nothing else', async () => {
    const batch = (body: string) => w.api(req({ path: '/v1/lookups/batch', body }));
    for (const body of [
      '',
      '{',
      '[]',
      '{"requests": []}',
      JSON.stringify({ requests: Array(MAX_BATCH + 1).fill(request()) }),
      JSON.stringify({ requests: [request()], x: 1 }),
    ]) {
      const res = await batch(body);
      expect([...problemOf(res), bodyOf(res).detail], body.slice(0, 20)).toEqual([
        400,
        'BAD_PARAMETER',
        `send {"requests": [...]} with 1 to ${MAX_BATCH} LookupRequests`,
      ]);
    }
    expect(w.inputs).toEqual([]);
    const full = await batch(
      JSON.stringify({ requests: Array.from({ length: MAX_BATCH }, (_, i) => request(`3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d${String(i).padStart(2, '0')}`)) }),
    );
    expect((bodyOf(full).results as unknown[]).length).toBe(MAX_BATCH);
  });
});

describe('intake (intake.ts)', () => {
  it('rethrows a failure that is not a reused requestId, and tells the router nothing', async () => {
    const told: string[] = [];
    const router = { route: viaOnce, reused: async () => told.push('reused'), resent: async () => told.push('resent') } as unknown as LookupRouter;
    const input = { key: 'k' } as KeyedRouteInput;
    const once = (run: OnceStep['run'], reused: boolean): OnceStep => ({
      run,
      record: async () => undefined,
      isReused: () => reused,
      isInProgress: () => false,
    });
    await expect(
      takeIn(
        router,
        once(() => Promise.reject(new Error('down')), false),
        input,
      ),
    ).rejects.toThrow('down');
    expect(
      await takeIn(
        router,
        once(() => Promise.reject(new Error('again')), true),
        input,
      ),
    ).toBeUndefined();
    const ran = { outcome: 'answered', messageId: 'm', reply: { code: 'OK', auditId: 'a/1', digest: 'd' } } as never;
    expect(
      await takeIn(
        router,
        once(async () => ran, false),
        input,
      ),
    ).toBe(ran);
    expect(told).toEqual(['reused']);
  });
});

describe('the directory (directory.ts)', () => {
  const definition = findContract('land.parcels-by-owner') as ContractDefinition;
  const [v1] = definition.versions;
  if (!v1) throw new Error('no version');
  const contract: Contract = {
    ...definition,
    versions: [
      { ...v1, status: 'deprecated', sunset: '2027-01-01' },
      { ...v1, version: '1.1.0', status: 'active' },
      { ...v1, version: '2.0.0', status: 'draft' },
      { ...v1, version: '1.2.0', status: 'active', consumers: ['danang-tax-office'] },
    ],
  };
  const other = findContract('population.residence') as ContractDefinition;
  const contracts: Record<string, Contract | undefined> = {
    [contract.id]: contract,
    [other.id]: { ...other, versions: other.versions.map((v) => ({ ...v, status: 'active' as const })) },
  };
  const directory = apiDirectory({
    contractIds: [contract.id, 'gone', other.id],
    load: async (id) => contracts[id],
    webhookOf: async (agency) => (agency === AGENCY ? { url: 'https://agency.example/ndx', secret: 'whsec_x' } : undefined),
  });
  const get = async (agency: string, path: string) => {
    const res = await directory.get(agency, 'client-a', path);
    return res && { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
  };

  it('says who the agency is, the contracts it may use and its webhook', async () => {
    expect(await get(AGENCY, '/me')).toEqual({
      status: 200,
      body: { agency: AGENCY, clientId: 'client-a', contracts: [contract.id, other.id], webhook: { url: 'https://agency.example/ndx', secret: 'whsec_x' } },
    });
    expect(await get('demo-commercial-bank', '/me')).toEqual({
      status: 200,
      body: { agency: 'demo-commercial-bank', clientId: 'client-a', contracts: [contract.id] },
    });
    expect(await get('nobody', '/me')).toEqual({ status: 200, body: { agency: 'nobody', clientId: 'client-a', contracts: [] } });
    expect(directory.public).toEqual({});
    expect(await apiDirectory({ contractIds: [], load: async () => undefined }).get(AGENCY, 'c', '/me')).toMatchObject({ status: 200 });
  });

  it('lists the versions the agency consumes and that are not drafts, with each purpose’s basis', async () => {
    const list = await get('demo-commercial-bank', '/contracts');
    expect(list).toEqual({
      status: 200,
      body: {
        contracts: [
          {
            id: contract.id,
            title: contract.title,
            description: contract.description,
            registry: contract.provider,
            versions: ['1.0.0', '1.1.0'].map((version) => ({
              version,
              status: version === '1.0.0' ? 'deprecated' : 'active',
              ...(version === '1.0.0' ? { sunset: '2027-01-01' } : {}),
              purposes: v1.purposes.map((p) => ({ code: p.code, description: p.description, basis: 'consent' })),
              rateLimitPerMinute: v1.rateLimit.perAgencyPerMinute,
              list: true,
              href: `/v1/contracts/${contract.id}/versions/${version}`,
            })),
          },
        ],
      },
    });
    const own = (await get(AGENCY, '/contracts'))?.body.contracts as Array<{
      versions: Array<{ purposes: Array<{ code: string; basis: string }>; list: boolean }>;
    }>;
    expect(own[0]?.versions[0]?.purposes.find((p) => p.code === 'LAND_REGISTRATION')?.basis).toBe('legal');
    expect(own[0]?.versions[0]?.purposes.find((p) => p.code === 'LOAN_APPLICATION')?.basis).toBe('consent');
    expect(own[1]?.versions[0]?.list).toBe(false);
  });

  it('details one version with its schemas, and hides drafts, others’ versions and unknown ones alike', async () => {
    const detail = await get('demo-commercial-bank', `/contracts/${contract.id}/versions/1.1.0`);
    expect(detail?.status).toBe(200);
    expect(detail?.body).toMatchObject({
      contract: contract.id,
      version: '1.1.0',
      status: 'active',
      list: true,
      href: `/v1/contracts/${contract.id}/versions/1.1.0`,
    });
    const version = contract.versions[1] as ContractVersion;
    expect(detail?.body.request).toEqual(JSON.parse(JSON.stringify(requestSchema(contract, version, 'draft-2020-12'))));
    expect(detail?.body.reply).toEqual(JSON.parse(JSON.stringify(replySchema(contract, version, 'draft-2020-12', 'reader'))));
    expect(detail?.body.reply).not.toEqual(detail?.body.request);
    for (const [agency, path] of [
      ['demo-commercial-bank', `/contracts/${contract.id}/versions/2.0.0`],
      ['demo-commercial-bank', `/contracts/${contract.id}/versions/1.2.0`],
      ['demo-commercial-bank', `/contracts/${contract.id}/versions/9.9.9`],
      ['demo-commercial-bank', `/contracts/${other.id}/versions/1.0.0`],
    ] as const) {
      expect(await get(agency, path), path).toEqual({
        status: 404,
        body: expect.objectContaining({ code: 'NOT_FOUND', detail: 'no such contract version among those this agency may use' }),
      });
    }
    for (const path of [
      '/contracts/x',
      `/contracts/${contract.id}/versions/1.1`,
      `/x/contracts/${contract.id}/versions/1.1.0`,
      `/contracts/${contract.id}/versions/1.1.0/x`,
      '/contracts/',
    ]) {
      expect(await get('demo-commercial-bank', path), path).toBeUndefined();
    }
  });
});
