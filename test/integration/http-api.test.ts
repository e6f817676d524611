/**
 * The agency HTTP API against the real local engine: the same pipeline as the queues (every outcome
 * code gives the same LookupReply over HTTP as over SQS), the poll capability, the resend protocol
 * across both doors, and authentication with real tokens from the local issuer (every other agency,
 * a forged token, an expired one, none).
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient } from '../../cli/agency-client.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { WINDOW_MS } from '../../aws/rate-limit.ts';
import { names } from '../../config/names.ts';
import { digestOf } from '../../contracts/canonical.ts';
import { BatchResult, ContractList, ContractVersionDetail, LookupAccepted, Problem } from '../../contracts/http-api.ts';
import { apiOpenApi } from '../../contracts/http-openapi.ts';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { LookupReply, type LookupRequestInput } from '../../contracts/protocol.ts';
import { LOCAL_API_ISSUER, TOKEN_PATH } from '../../local/issuer.ts';
import { generatePopulation } from '../../synthetic/population.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { type Harness, identityRequest, residenceRequest, startHarness } from './support.ts';

let h: Harness;
const tokens = new Map<string, string>();

/** A token as an agency's system gets one: the client-credentials grant at the local token endpoint. */
async function tokenOf(agency: string): Promise<string> {
  const known = tokens.get(agency);
  if (known) return known;
  const client = h.engine.api.issuer.clients.find((c) => c.agency === agency);
  if (!client) throw new Error(`no local client for ${agency}`);
  const res = await fetch(`${h.engine.endpoint.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  const { access_token } = (await res.json()) as { access_token: string };
  tokens.set(agency, access_token);
  return access_token;
}

async function call(method: string, path: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${h.engine.endpoint.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

async function post(agency: string, request: unknown, headers: Record<string, string> = {}) {
  return call('POST', '/v1/lookups', {
    token: await tokenOf(agency),
    body: typeof request === 'string' ? request : JSON.stringify(request),
    headers: { prefer: 'wait=20', ...headers },
  });
}

function consentOf(state: 'ACTIVE' | 'REVOKED' | 'EXPIRED') {
  const c = h.demo.consents.find((x) => x.state === state);
  if (!c) throw new Error(`no demo consent ${state}`);
  return c;
}

function absentNationalId(): string {
  const seeded = new Set([...generatePopulation({ seed: DEMO_SEED, count: h.demo.population })].map((p) => p.nationalId));
  for (let serial = 0; ; serial++) {
    const id = `079190${String(serial).padStart(6, '0')}`;
    if (!seeded.has(id)) return id;
  }
}

/** A reply with what differs between two lookups of the same request (ids, times, audit ids) blanked. */
function comparable(reply: LookupReply): unknown {
  const { requestId: _r, repliedAt: _t, receivedMessageId: _m, provenance, ...rest } = reply;
  return { ...rest, ...(provenance ? { provenance: { ...provenance, auditId: '-' } } : {}), keys: Object.keys(reply).sort() };
}

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('every outcome code gives the same LookupReply over HTTP as over the queue', () => {
  const cases: Array<[string, string, () => LookupRequestInput, number, string]> = [
    ['found', 'hanoi-land-office', () => identityRequest(h.demo.living.nationalId), 200, 'OK'],
    ['consent covers it', 'hcmc-public-services', () => residenceRequest(consentOf('ACTIVE').nationalId, 'cns-demo-active'), 200, 'OK'],
    ['unknown contract', 'hanoi-land-office', () => identityRequest(h.demo.living.nationalId, { contract: 'population.horoscope' }), 200, 'UNKNOWN_CONTRACT'],
    ['unknown major', 'hanoi-land-office', () => identityRequest(h.demo.living.nationalId, { version: '7' }), 200, 'UNKNOWN_VERSION'],
    ['wrong purpose', 'hanoi-land-office', () => identityRequest(h.demo.living.nationalId, { purpose: 'MARKETING' }), 200, 'PURPOSE_NOT_ALLOWED'],
    [
      'consumer not on the contract',
      'danang-tax-office',
      () => ({ ...residenceRequest(h.demo.living.nationalId, 'cns-demo-active'), purpose: 'ADDRESS_CONFIRMATION' }),
      200,
      'NOT_A_CONSUMER',
    ],
    ['missing consent', 'hcmc-public-services', () => residenceRequest(h.demo.living.nationalId), 200, 'CONSENT_REQUIRED'],
    ['revoked consent', 'hcmc-public-services', () => residenceRequest(consentOf('REVOKED').nationalId, 'cns-demo-revoked'), 200, 'CONSENT_REVOKED'],
    ['expired consent', 'hcmc-public-services', () => residenceRequest(consentOf('EXPIRED').nationalId, 'cns-demo-expired'), 200, 'CONSENT_EXPIRED'],
    ['malformed subject', 'hanoi-land-office', () => identityRequest('12345'), 400, 'SCHEMA_VIOLATION'],
    ['subject not found', 'hanoi-land-office', () => identityRequest(absentNationalId()), 200, 'SUBJECT_NOT_FOUND'],
  ];

  it.each(cases)('%s', async (_name, agency, make, status, code) => {
    const overQueue = make();
    const overHttp = { ...overQueue, requestId: randomUUID() };
    const queued = await new AgencyClient(sqsClient(), agency).lookup(overQueue, 20_000);
    const res = await post(agency, overHttp);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    const reply = LookupReply.parse(res.json);
    expect(reply).toMatchObject({ requestId: overHttp.requestId, code });
    expect(comparable(reply)).toEqual(comparable(queued));
  });

  it('answers an unreadable body 400 MALFORMED_MESSAGE, correlated by the HTTP request', async () => {
    const res = await post('hanoi-land-office', '{"requestId": ');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ status: 'INVALID', code: 'MALFORMED_MESSAGE', requestId: null, receivedMessageId: expect.any(String) });
  });

  it('answers a body over 16 KiB 413 PAYLOAD_TOO_LARGE, as the queue does', async () => {
    const big = { ...identityRequest(h.demo.living.nationalId), onBehalfOf: 'x'.repeat(20_000) };
    const queued = await new AgencyClient(sqsClient(), 'hanoi-land-office').lookup(big, 20_000);
    const res = await post('hanoi-land-office', { ...big, requestId: randomUUID() });
    expect(res.status).toBe(413);
    expect(comparable(LookupReply.parse(res.json))).toEqual(comparable(queued));
  });

  it('refuses a body over the HTTP limit without reading it', async () => {
    const res = await post('hanoi-land-office', 'x'.repeat(300 * 1024));
    expect(res.status).toBe(413);
    expect(Problem.parse(res.json).code).toBe('BODY_TOO_LARGE');
  });

  it('answers 429 with Retry-After and the RATE_LIMITED reply when the allowance is used', async () => {
    const limit = identityVerification.versions[0]?.rateLimit.perAgencyPerMinute ?? 0;
    const window = Math.floor(Date.now() / WINDOW_MS);
    for (const w of [window, window + 1]) {
      await documentClient().send(
        new PutCommand({ TableName: names.rateLimitTable, Item: { pk: `danang-tax-office#population.identity-verification#${w}`, count: limit } }),
      );
    }
    const request = identityRequest(h.demo.living.nationalId, { purpose: 'TAX_REGISTRATION' });
    const queued = await new AgencyClient(sqsClient(), 'danang-tax-office').lookup(request, 20_000);
    const res = await post('danang-tax-office', { ...request, requestId: randomUUID() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(comparable(LookupReply.parse(res.json))).toEqual(comparable(queued));
  });
});

describe('waiting, polling and resending', () => {
  it('answers 202 with a Location and a reply key when the reply is not ready, then the reply at that location', async () => {
    await h.engine.setMappingEnabled(names.registryInQueue('population'), false);
    const request = identityRequest(h.demo.living.nationalId);
    const res = await post('hanoi-land-office', request, { prefer: 'wait=0' });
    expect(res.status).toBe(202);
    const accepted = LookupAccepted.parse(res.json);
    expect(res.headers.get('location')).toBe(`/v1/lookups/${request.requestId}`);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const token = await tokenOf('hanoi-land-office');
    const pending = await call('GET', accepted.location, { token, headers: { 'ndx-reply-key': accepted.replyKey } });
    expect(pending.status).toBe(202);
    await h.engine.setMappingEnabled(names.registryInQueue('population'), true);
    const done = await call('GET', accepted.location, { token, headers: { 'ndx-reply-key': accepted.replyKey, prefer: 'wait=20' } });
    expect(done.status).toBe(200);
    expect(LookupReply.parse(done.json)).toMatchObject({ requestId: request.requestId, status: 'OK', code: 'OK' });
    // Without the key, with another key, or as another agency: nothing.
    expect((await call('GET', accepted.location, { token })).status).toBe(400);
    const other = await post('hanoi-land-office', identityRequest(h.demo.living.nationalId));
    expect((await call('GET', accepted.location, { token, headers: { 'ndx-reply-key': `ndx1.${'A'.repeat(43)}` } })).status).toBe(404);
    expect(other.status).toBe(200);
    const asHcmc = await call('GET', accepted.location, { token: await tokenOf('hcmc-public-services'), headers: { 'ndx-reply-key': accepted.replyKey } });
    expect(asHcmc.status).toBe(404);
  });

  it('is one requestId space with the queue: a resend over HTTP of a request sent over SQS gets the first reply again', async () => {
    const request = identityRequest(h.demo.living.nationalId);
    const first = await new AgencyClient(sqsClient(), 'hanoi-land-office').lookup(request, 20_000);
    const res = await post('hanoi-land-office', request);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(first);
    expect(digestOf(res.json)).toBe(digestOf(first));
    const reused = await post('hanoi-land-office', { ...request, purpose: 'TAX_REGISTRATION' });
    expect(reused.json).toMatchObject({ status: 'INVALID', code: 'REQUEST_ID_REUSED' });
  });

  it('keeps only ciphertext in the mailbox', async () => {
    const request = identityRequest(h.demo.living.nationalId);
    expect((await post('hanoi-land-office', request)).status).toBe(200);
    const items = (await documentClient().send(new ScanCommand({ TableName: names.replyMailboxTable }))).Items ?? [];
    expect(items.length).toBeGreaterThan(0);
    const text = JSON.stringify(items);
    expect(text).not.toContain(h.demo.living.nationalId);
    expect(text).not.toContain(h.demo.living.fullName);
    expect(items.find((i) => i.requestId === request.requestId)).toMatchObject({ state: 'sealed', consumer: 'hanoi-land-office' });
  });
});

describe('batches', () => {
  it('answers each request of a batch as if sent alone, in order, each with its own status and reply', async () => {
    const ok = identityRequest(h.demo.living.nationalId);
    const bad = identityRequest('12345');
    const denied = identityRequest(h.demo.living.nationalId, { purpose: 'MARKETING' });
    const res = await call('POST', '/v1/lookups/batch', {
      token: await tokenOf('hanoi-land-office'),
      body: JSON.stringify({ requests: [ok, bad, denied, 'not a request'] }),
      headers: { prefer: 'wait=20' },
    });
    expect(res.status).toBe(200);
    const { results } = BatchResult.parse(res.json);
    expect(results.map((r) => r.status)).toEqual([200, 400, 200, 400]);
    expect(results.map((r) => (r.body as { code: string }).code)).toEqual(['OK', 'SCHEMA_VIOLATION', 'PURPOSE_NOT_ALLOWED', 'MALFORMED_MESSAGE']);
    expect(results[0]?.body).toMatchObject({ requestId: ok.requestId });
    // The same request alone afterwards is a resend: the batch's answer again (one lookup).
    expect((await post('hanoi-land-office', ok)).json).toEqual(results[0]?.body);
  });

  it('refuses an empty or oversized batch', async () => {
    const token = await tokenOf('hanoi-land-office');
    expect((await call('POST', '/v1/lookups/batch', { token, body: JSON.stringify({ requests: [] }) })).status).toBe(400);
    const many = Array.from({ length: 26 }, () => identityRequest(h.demo.living.nationalId));
    expect((await call('POST', '/v1/lookups/batch', { token, body: JSON.stringify({ requests: many }) })).status).toBe(400);
  });
});

describe('the directory', () => {
  it('lists the contracts, versions and purposes the agency may use, with the basis of each purpose', async () => {
    const res = await call('GET', '/v1/contracts', { token: await tokenOf('hcmc-public-services') });
    expect(res.status).toBe(200);
    const list = ContractList.parse(res.json);
    const residence = list.contracts.find((c) => c.id === 'population.residence');
    expect(residence?.versions[0]?.purposes).toContainEqual(expect.objectContaining({ code: 'SOCIAL_ALLOWANCE_APPLICATION', basis: 'consent' }));
    const land = (await call('GET', '/v1/contracts', { token: await tokenOf('hanoi-land-office') })).json;
    expect(ContractList.parse(land).contracts.map((c) => c.id)).toContain('population.identity-verification');
  });

  it('gives a version’s schemas to its consumers, and to no other agency', async () => {
    const path = '/v1/contracts/population.identity-verification/versions/1.0.0';
    const res = await call('GET', path, { token: await tokenOf('hanoi-land-office') });
    expect(res.status).toBe(200);
    expect(ContractVersionDetail.parse(res.json)).toMatchObject({ contract: 'population.identity-verification', version: '1.0.0' });
    const consumers = new Set(identityVerification.versions[0]?.consumers ?? []);
    const outsider = h.engine.api.issuer.clients.find((c) => !consumers.has(c.agency));
    if (outsider) expect((await call('GET', path, { token: await tokenOf(outsider.agency) })).status).toBe(404);
  });

  it('serves its OpenAPI document without credentials, the one the code generates', async () => {
    const res = await call('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(apiOpenApi([{ url: '/', description: 'The endpoint serving this document' }]));
  });
});

describe('caller identity comes from authentication only', () => {
  it('acts as exactly the agency of the token, for every agency', async () => {
    for (const agency of h.engine.api.issuer.clients.map((c) => c.agency)) {
      const me = await call('GET', '/v1/me', { token: await tokenOf(agency) });
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ agency });
      // Only the land office may look up for land registration: every other agency's token is answered as that agency.
      const res = await post(agency, identityRequest(h.demo.living.nationalId));
      const reply = LookupReply.parse(res.json);
      if (agency === 'hanoi-land-office') expect(reply.code).toBe('OK');
      else {
        expect(reply.status).toBe('DENIED');
        expect(reply.data).toBeUndefined();
      }
    }
  });

  it('refuses a body that names another agency', async () => {
    const res = await post('danang-tax-office', { ...identityRequest(h.demo.living.nationalId), consumer: 'hanoi-land-office' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'SCHEMA_VIOLATION' });
  });

  it('answers 401 with no token, a forged token and an expired token; 403 for a client that is no agency', async () => {
    const body = JSON.stringify(identityRequest(h.demo.living.nationalId));
    const none = await call('POST', '/v1/lookups', { body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(Problem.parse(none.json).code).toBe('UNAUTHENTICATED');

    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = h.engine.api.issuer.jwks.keys[0]?.kid ?? 'x';
    expect((await exportJWK(publicKey)).n).not.toBe(h.engine.api.issuer.jwks.keys[0]?.n);
    const forged = await new SignJWT({ client_id: 'ndx-local-hanoi-land-office', token_use: 'access' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(LOCAL_API_ISSUER)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await call('POST', '/v1/lookups', { body, token: forged })).status).toBe(401);

    const [land] = (await tokenOf('hanoi-land-office')).split('.');
    const tampered = `${land}.${Buffer.from(JSON.stringify({ client_id: 'ndx-local-hanoi-land-office', iss: LOCAL_API_ISSUER, exp: 9_999_999_999, iat: 1 })).toString('base64url')}.${(await tokenOf('danang-tax-office')).split('.')[2]}`;
    expect((await call('POST', '/v1/lookups', { body, token: tampered })).status).toBe(401);

    const expired = await h.engine.api.issuer.issue('ndx-local-hanoi-land-office', { ttlSeconds: -60 });
    const res = await call('POST', '/v1/lookups', { body, token: expired });
    expect(res.status).toBe(401);
    expect(Problem.parse(res.json).detail).toContain('expired');

    const stranger = await h.engine.api.issuer.issue('a-client-of-no-agency');
    expect((await call('GET', '/v1/me', { token: stranger })).status).toBe(403);
  });

  it('refuses wrong client credentials at the token endpoint', async () => {
    const res = await fetch(`${h.engine.endpoint.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=ndx-local-hanoi-land-office&client_secret=guess',
    });
    expect(res.status).toBe(401);
  });
});
