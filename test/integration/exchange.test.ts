/**
 * The exchange end to end, against the real local engine: agency queues, router, registry queue,
 * population adapter, consent store, audit, idempotency.
 */
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { residence } from '../../contracts/population/residence.ts';
import { LookupReply, type LookupRequestInput } from '../../contracts/protocol.ts';
import { digestOf } from '../../contracts/canonical.ts';
import { AgencyClient } from '../../cli/agency-client.ts';
import { createHandler as createAdapter } from '../../functions/adapter/handler.ts';
import { createHandler as createRouter } from '../../functions/router/handler.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { consentSigningKey } from '../../domain/consent/consent.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import { names } from '../../config/names.ts';
import { AuditAppender, AuditLog, auditIdOf } from '../../aws/audit-log.ts';
import { RateLimiter, WINDOW_MS } from '../../aws/rate-limit.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { generatePopulation } from '../../synthetic/population.ts';
import { LOCAL_FORWARDING_KEY, LOCAL_PEPPER } from '../../config/local.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { genuineForward, type Harness, identityRequest, plainSqs, residenceRequest, startHarness } from './support.ts';

let h: Harness;
const land = () => new AgencyClient(sqsClient(), 'hanoi-land-office');
const hcmc = () => new AgencyClient(sqsClient(), 'hcmc-public-services');
const hash = subjectHasher(LOCAL_PEPPER);
const audit = () => new AuditLog(documentClient(), names.auditTable);

/** The chained records of a lookup, wherever its marker is kept (a record names its audit id as `auditId`, or `id` in the compact form). */
async function auditCount(consumer: string, requestId: string): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: names.auditTable,
        FilterExpression: 'begins_with(pk, :chain) AND (#auditId = :id OR #id = :id)',
        ExpressionAttributeNames: { '#auditId': 'auditId', '#id': 'id' },
        ExpressionAttributeValues: { ':chain': 'chain#', ':id': auditIdOf(consumer, requestId, '') },
        ExclusiveStartKey: start,
      }),
    );
    n += out.Items?.length ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return n;
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe('a plain AWS SDK v3 client, configured as the README says', () => {
  it('sends a LookupRequest and receives an OK reply with exactly the contract fields', async () => {
    const sqs = plainSqs(h.engine);
    const out = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'ndx-agency-hanoi-land-office-out' }))).QueueUrl!;
    const inbox = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'ndx-agency-hanoi-land-office-in' }))).QueueUrl!;
    const request = identityRequest(h.demo.living.nationalId);
    await sqs.send(new SendMessageCommand({ QueueUrl: out, MessageBody: JSON.stringify(request) }));
    let reply: LookupReply | undefined;
    for (let i = 0; i < 20 && !reply; i++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }));
      for (const m of got.Messages ?? []) {
        reply = LookupReply.parse(JSON.parse(m.Body!));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: inbox, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(reply).toBeDefined();
    expect(reply!.requestId).toBe(request.requestId);
    expect(reply!.status).toBe('OK');
    expect(reply!.code).toBe('OK');
    expect(reply!.version).toBe('1.0.0');
    expect(Object.keys(reply!.data!).sort()).toEqual(Object.keys(identityVerification.versions[0]!.response.shape).sort());
    expect(reply!.data).toEqual({
      nationalId: h.demo.living.nationalId,
      fullName: h.demo.living.fullName,
      dateOfBirth: h.demo.living.dateOfBirth,
      status: 'LIVING',
    });
    expect(reply!.basis).toMatchObject({ kind: 'legal', id: 'pdpl-19-1-c-land' });
    expect(reply!.provenance).toMatchObject({ registry: 'population', auditId: `hanoi-land-office/${request.requestId}` });
    expect(reply!.provenance!.digest).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('denials and errors each get one reply with their code', () => {
  const cases: Array<[string, () => { client: AgencyClient; request: LookupRequestInput }, string, string]> = [
    [
      'unknown contract',
      () => ({ client: land(), request: identityRequest(h.demo.living.nationalId, { contract: 'population.horoscope' }) }),
      'INVALID',
      'UNKNOWN_CONTRACT',
    ],
    ['unknown major', () => ({ client: land(), request: identityRequest(h.demo.living.nationalId, { version: '7' }) }), 'INVALID', 'UNKNOWN_VERSION'],
    [
      'wrong purpose',
      () => ({ client: land(), request: identityRequest(h.demo.living.nationalId, { purpose: 'MARKETING' }) }),
      'DENIED',
      'PURPOSE_NOT_ALLOWED',
    ],
    [
      'consumer not on the contract',
      () => ({
        client: new AgencyClient(sqsClient(), 'danang-tax-office'),
        request: { ...residenceRequest(h.demo.living.nationalId, 'cns-demo-active'), purpose: 'ADDRESS_CONFIRMATION' },
      }),
      'DENIED',
      'NOT_A_CONSUMER',
    ],
    ['missing consent', () => ({ client: hcmc(), request: residenceRequest(h.demo.living.nationalId) }), 'DENIED', 'CONSENT_REQUIRED'],
    [
      'revoked consent',
      () => ({ client: hcmc(), request: residenceRequest(consentOf('REVOKED').nationalId, 'cns-demo-revoked') }),
      'DENIED',
      'CONSENT_REVOKED',
    ],
    [
      'expired consent',
      () => ({ client: hcmc(), request: residenceRequest(consentOf('EXPIRED').nationalId, 'cns-demo-expired') }),
      'DENIED',
      'CONSENT_EXPIRED',
    ],
    [
      'consent of another citizen',
      () => ({ client: hcmc(), request: residenceRequest(consentOf('REVOKED').nationalId, 'cns-demo-active') }),
      'DENIED',
      'CONSENT_REQUIRED',
    ],
    ['malformed subject', () => ({ client: land(), request: identityRequest('12345') }), 'INVALID', 'SCHEMA_VIOLATION'],
    ['subject not found', () => ({ client: land(), request: identityRequest(absentNationalId()) }), 'NOT_FOUND', 'SUBJECT_NOT_FOUND'],
  ];

  it.each(cases)('%s', async (_name, make, status, code) => {
    const { client, request } = make();
    const reply = await client.lookup(request, 20_000);
    expect(reply).toMatchObject({ requestId: request.requestId, status, code });
    expect(reply.data).toBeUndefined();
    expect(await auditCount(client.agency, request.requestId)).toBe(1);
  });

  it('answers with the residence fields when the consent covers the lookup', async () => {
    const active = consentOf('ACTIVE');
    const reply = await hcmc().lookup(residenceRequest(active.nationalId, active.consentId), 20_000);
    expect(reply).toMatchObject({ status: 'OK', basis: { kind: 'consent', consentId: active.consentId } });
    expect(Object.keys(reply.data!).sort()).toEqual(Object.keys(residence.versions[0]!.response.shape).sort());
  });

  it('answers malformed JSON with INVALID/MALFORMED_MESSAGE, correlated by the SQS message id', async () => {
    const client = land();
    const messageId = await client.send('{"requestId": oops');
    const reply = await client.awaitReply({ messageId }, 20_000);
    expect(reply).toMatchObject({ status: 'INVALID', code: 'MALFORMED_MESSAGE', requestId: null, receivedMessageId: messageId });
  });

  it('answers a schema-violating envelope with the paths that are wrong', async () => {
    const client = land();
    const requestId = randomUUID();
    await client.send(JSON.stringify({ requestId, contract: 'population.identity-verification', purpose: 'LAND_REGISTRATION' }));
    const reply = await client.awaitReply({ requestId }, 20_000);
    expect(reply).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION' });
    expect(reply.issues?.map((i) => i.path)).toContain('subject');
  });

  it('answers an oversize request with PAYLOAD_TOO_LARGE', async () => {
    const client = land();
    const request = identityRequest(h.demo.living.nationalId);
    await client.send(JSON.stringify({ ...request, padding: 'x'.repeat(20_000) }));
    const reply = await client.awaitReply({ requestId: request.requestId }, 20_000);
    expect(reply).toMatchObject({ status: 'INVALID', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('stops a lookup already waiting in the registry queue when its consent is revoked', async () => {
    // Grant a fresh consent, let the router admit the lookup, revoke before the adapter reads it.
    const person = [...generatePopulation({ seed: DEMO_SEED, count: 50 })].find(
      (p) => p.status === 'LIVING' && !h.demo.consents.some((c) => c.nationalId === p.nationalId),
    )!;
    const store = new ConsentStore(documentClient(), names.consentTable, consentSigningKey(LOCAL_PEPPER));
    const version = residence.versions[0]!;
    const granted = await store.grant({
      subjectHash: hash({ nationalId: person.nationalId }),
      consumer: 'hcmc-public-services',
      contract: residence.id,
      major: 1,
      purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
      categories: ['identifier', 'residence'],
      validFrom: new Date(Date.now() - 1000),
      validUntil: new Date(Date.now() + 86_400_000),
      notice: { uri: 'u', version: '1', hash: 'h', language: 'vi' },
      collection: { method: 'test', evidence: 'test' },
      by: 'test',
    });
    const request = residenceRequest(person.nationalId, granted.consentId);
    // The registry's adapter is held (its event source mapping disabled) while the router admits the lookup...
    await h.engine.setMappingEnabled('ndx-registry-population-in', false);
    try {
      await hcmc().send(request);
      await waitForDepth(h.engine.queueUrl('ndx-registry-population-in'), 1);
      // ...and the citizen revokes while it waits in the registry queue.
      await store.change(granted.consentId, 'REVOKED', 'citizen');
    } finally {
      await h.engine.setMappingEnabled('ndx-registry-population-in', true);
    }
    const reply = await hcmc().awaitReply({ requestId: request.requestId }, 20_000);
    expect(reply).toMatchObject({ status: 'DENIED', code: 'CONSENT_REVOKED' });
    expect(version.version).toBe(reply.version);
  });
});

describe('at-least-once delivery', () => {
  it('sends a duplicate send the first reply again, and keeps one audit record', async () => {
    const client = land();
    const request = identityRequest(h.demo.living.nationalId);
    await client.send(request);
    const first = await client.awaitReply({ requestId: request.requestId }, 20_000);
    await client.send(request);
    const second = await client.awaitReply({ requestId: request.requestId }, 20_000);
    expect(first.status).toBe('OK');
    expect(second).toEqual(first);
    expect(await auditCount('hanoi-land-office', request.requestId)).toBe(1);
    const trail = await audit().bySubject(hash({ nationalId: h.demo.living.nationalId }));
    expect(trail.filter((r) => r.requestId === request.requestId)).toHaveLength(1);
  });

  it('answers a redelivered record (visibility timeout expired) once: the same reply at most again, one audit record', async () => {
    const request = identityRequest(h.demo.living.nationalId);
    const rec = record(request, 'ndx-agency-hanoi-land-office-out');
    const router = createRouter(functionEnv('router'));
    expect(await router({ Records: [rec] }, fakeContext())).toEqual({ batchItemFailures: [] });
    const reply = await land().awaitReply({ requestId: request.requestId }, 20_000);
    // The same record again, as SQS redelivers it when a delete is lost. The router recorded its forward before
    // sending it, so it cannot tell a forward that left from one that did not: it sends it again, and the adapter,
    // meeting the lookup's record, sends the very reply it recorded again, byte for byte. Nothing else.
    expect(await router({ Records: [{ ...rec, attributes: { ...rec.attributes, ApproximateReceiveCount: '2' } }] }, fakeContext())).toEqual({
      batchItemFailures: [],
    });
    const again = await land().awaitReply({ requestId: request.requestId }, 20_000);
    expect(reply.status).toBe('OK');
    expect(again).toEqual(reply);
    await expect(land().awaitReply({ requestId: request.requestId }, 3_000)).rejects.toThrow(/no reply/);
    expect(await auditCount('hanoi-land-office', request.requestId)).toBe(1);
  });

  it('sends a poison message to the DLQ after maxReceiveCount while its batch neighbours are answered once', async () => {
    const adapter = createAdapter(functionEnv('adapter'));
    const a = identityRequest(h.demo.living.nationalId);
    const b = identityRequest(h.demo.living.nationalId);
    // The neighbours as the router forwards them; the poison message is what no router writes.
    const fwd = (r: LookupRequestInput) => JSON.stringify(genuineForward(h.demo.living.nationalId, { requestId: r.requestId! }));
    const batch = [
      rawRecord('{"kind":"garbage"}', 'ndx-registry-population-in'),
      rawRecord(fwd(a), 'ndx-registry-population-in'),
      rawRecord(fwd(b), 'ndx-registry-population-in'),
    ];
    await adapter({ Records: batch }, fakeContext());
    for (const r of [a, b]) expect((await land().awaitReply({ requestId: r.requestId }, 20_000)).status).toBe('OK');

    // Through the real queue: the poison message is received maxReceiveCount times, then moved.
    const sqs = sqsClient();
    await sqs.send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl('ndx-registry-population-in'), MessageBody: 'not a forwarded lookup' }));
    const dlq = h.engine.queueUrl(names.deadLetterQueue('ndx-registry-population-in'));
    let depth = 0;
    for (let i = 0; i < 60 && depth === 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] }));
      depth = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
    }
    expect(depth).toBe(1);
  });
});

describe('the adapter answers each lookup once, by its audit marker and record', () => {
  const queue = 'ndx-registry-population-in';
  const forward = (requestId: string, receivedMessageId: string = randomUUID()) =>
    JSON.stringify(genuineForward(h.demo.living.nationalId, { requestId, overrides: { receivedMessageId } }));
  const subject = () => hash({ nationalId: h.demo.living.nationalId });
  /** A marker as an attempt writes it before it reads the registry, its lease ending at `leaseUntil`. */
  const markerOf = (requestId: string, leaseUntil: number) =>
    new AuditAppender(documentClient(), names.auditTable).reserve(
      'lookup',
      auditIdOf('hanoi-land-office', requestId, ''),
      'population',
      new Date().toISOString(),
      subject(),
      { leaseUntil },
    );

  it('sends a redelivered message, and a resend carried through, the one reply again; points at it once the registry has changed', async () => {
    const adapter = createAdapter(functionEnv('adapter'));
    const requestId = randomUUID();
    const rec = rawRecord(forward(requestId, 'agency-message-1'), queue);
    expect(await adapter({ Records: [rec] }, fakeContext())).toEqual({ batchItemFailures: [] });
    const first = await land().awaitReply({ requestId }, 20_000);
    expect(first.status).toBe('OK');
    // The same SQS message again (its delete lost): the very same reply, byte for byte, under the same record (the
    // reply may never have left: a stop between record and reply).
    expect(await adapter({ Records: [{ ...rec, attributes: { ...rec.attributes, ApproximateReceiveCount: '2' } }] }, fakeContext())).toEqual({
      batchItemFailures: [],
    });
    expect(await land().awaitReply({ requestId }, 20_000)).toEqual(first);
    // The router carrying a resend through (another agency message, the same lookup): the first reply again.
    expect(await adapter({ Records: [rawRecord(forward(requestId, 'agency-message-2'), queue)] }, fakeContext())).toEqual({ batchItemFailures: [] });
    expect(await land().awaitReply({ requestId }, 20_000)).toEqual(first);
    // The registry's record changed since: the answer given is pointed at (no data), never contradicted.
    const doc = documentClient();
    const table = names.registryTable('population');
    const key = { nationalId: h.demo.living.nationalId };
    const stored = (await doc.send(new GetCommand({ TableName: table, Key: key }))).Item!;
    await doc.send(new PutCommand({ TableName: table, Item: { ...stored, updatedAt: new Date().toISOString() } }));
    try {
      expect(await adapter({ Records: [rawRecord(forward(requestId, 'agency-message-3'), queue)] }, fakeContext())).toEqual({ batchItemFailures: [] });
      const pointed = await land().awaitReply({ requestId }, 20_000);
      expect(pointed).toMatchObject({
        status: 'DUPLICATE',
        code: 'ALREADY_ANSWERED',
        original: { status: 'OK', code: 'OK', auditId: first.provenance!.auditId, repliedAt: first.repliedAt, digest: digestOf(first) },
      });
      expect(pointed.data).toBeUndefined();
    } finally {
      await doc.send(new PutCommand({ TableName: table, Item: stored }));
    }
    expect(await auditCount('hanoi-land-office', requestId)).toBe(1);
    // The record keeps when the reply left and its digest, sealed: not the digest itself.
    const kept = (await audit().find(first.provenance!.auditId, 'lookup', subject())) as { reply?: { at: string; seal: string } };
    expect(kept.reply?.at).toBe(first.repliedAt);
    expect(kept.reply?.seal).toMatch(/^[0-9a-f]{64}$/);
    expect(kept.reply?.seal).not.toBe(digestOf(first));
  });

  it('leaves a lookup another attempt holds (its lease running) to that attempt: the message is retried later, nothing is read or sent', async () => {
    const adapter = createAdapter(functionEnv('adapter'));
    const requestId = randomUUID();
    await markerOf(requestId, Date.now() + 600_000);
    const rec = rawRecord(forward(requestId), queue);
    expect(await adapter({ Records: [rec] }, fakeContext())).toEqual({ batchItemFailures: [{ itemIdentifier: rec.messageId }] });
    await expect(land().awaitReply({ requestId }, 3_000)).rejects.toThrow(/no reply/);
    expect(await auditCount('hanoi-land-office', requestId)).toBe(0);
  });

  it('finishes, once, a lookup whose attempt stopped between its marker and its record (its lease over)', async () => {
    const requestId = randomUUID();
    await markerOf(requestId, Date.now() - 1000);
    const rec = rawRecord(forward(requestId), queue);
    // Two deliveries at once: one finishes it in the step run once per lookup, the other waits for it or answers under its record.
    const outcomes = await Promise.all(
      [createAdapter(functionEnv('adapter')), createAdapter(functionEnv('adapter'))].map((a) => a({ Records: [rec] }, fakeContext())),
    );
    expect(outcomes.filter((o) => o.batchItemFailures.length === 0).length).toBeGreaterThanOrEqual(1);
    const reply = await land().awaitReply({ requestId }, 20_000);
    expect(reply).toMatchObject({ status: 'OK', provenance: { auditId: auditIdOf('hanoi-land-office', requestId, '') } });
    expect(await auditCount('hanoi-land-office', requestId)).toBe(1);
  });

  it('records a lookup delivered twice at once one time, and every reply to it names that record', async () => {
    const requestId = randomUUID();
    const rec = rawRecord(forward(requestId), queue);
    const adapters = [createAdapter(functionEnv('adapter')), createAdapter(functionEnv('adapter'))];
    await Promise.all(adapters.map((a) => a({ Records: [rec] }, fakeContext())));
    const reply = await land().awaitReply({ requestId }, 20_000);
    expect(reply.status).toBe('OK');
    expect(await auditCount('hanoi-land-office', requestId)).toBe(1);
    // A second reply, if the second delivery answered under the record, names the same record.
    const second = await land()
      .awaitReply({ requestId }, 2_000)
      .catch(() => undefined);
    if (second) expect(second.provenance?.auditId ?? second.original?.auditId).toBe(reply.provenance!.auditId);
  });
});

describe('limits', () => {
  it('counts a window per agency and contract and refuses past the limit', async () => {
    const limiter = new RateLimiter(documentClient(), names.rateLimitTable);
    const at = new Date('2026-11-23T10:00:30Z');
    for (let i = 0; i < 3; i++) expect(await limiter.take('a1', 'c1', 3, at)).toBe(true);
    expect(await limiter.take('a1', 'c1', 3, at)).toBe(false);
    expect(await limiter.take('a2', 'c1', 3, at)).toBe(true);
    expect(await limiter.take('a1', 'c2', 3, at)).toBe(true);
    expect(await limiter.take('a1', 'c1', 3, new Date(at.getTime() + WINDOW_MS))).toBe(true);
  });

  it('counts takes made together (one batch) exactly: all when they fit, as many as fit when not', async () => {
    const limiter = new RateLimiter(documentClient(), names.rateLimitTable);
    const at = new Date('2026-11-23T11:00:30Z');
    const together = (n: number, agency: string) => Promise.all(Array.from({ length: n }, () => limiter.take(agency, 'c1', 5, at)));
    expect(await together(4, 'b1')).toEqual([true, true, true, true]);
    expect((await together(3, 'b1')).filter(Boolean)).toHaveLength(1);
    expect(await together(2, 'b1')).toEqual([false, false]);
    expect((await together(8, 'b2')).filter(Boolean)).toHaveLength(5);
  });

  it('spreads a hot pair over shards that together allow exactly the limit, one by one and together', async () => {
    // 3 shards for a limit of 10 (shares 4, 3, 3): what a pair above 30,000 a minute gets (config/limits.ts).
    const limiter = new RateLimiter(documentClient(), names.rateLimitTable, { shardsFor: (perMinute) => (perMinute === 10 ? 3 : 1) });
    const at = new Date('2026-11-23T12:00:30Z');
    const one: boolean[] = [];
    for (let i = 0; i < 12; i++) one.push(await limiter.take('s1', 'c1', 10, at));
    expect(one).toEqual([...Array(10).fill(true), false, false]);
    const together = await Promise.all(Array.from({ length: 25 }, () => limiter.take('s2', 'c1', 10, at)));
    expect(together.filter(Boolean)).toHaveLength(10);
    // Each shard's item holds its share, nothing more.
    const counts = await Promise.all(
      [0, 1, 2].map(
        async (s) =>
          (await documentClient().send(new GetCommand({ TableName: names.rateLimitTable, Key: { pk: `s2#c1#${Math.floor(at.getTime() / WINDOW_MS)}#${s}` } })))
            .Item?.count,
      ),
    );
    expect(counts).toEqual([4, 3, 3]);
  });

  it('counts the takes of one batch for a hot pair with one update, on one shard; the next batch starts on the next shard', async () => {
    // A client of its own, counting its updates (the shared one is metered by other tests).
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const updates: string[] = [];
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand') updates.push(String((args.input as { Key?: { pk?: unknown } }).Key?.pk));
        return next(args);
      },
      { step: 'initialize', name: 'countUpdates' },
    );
    const limiter = new RateLimiter(doc, names.rateLimitTable, { shardsFor: (perMinute) => (perMinute === 300 ? 3 : 1) });
    const at = new Date('2026-11-23T13:00:30Z');
    const window = Math.floor(at.getTime() / WINDOW_MS);
    const batch = () => Promise.all(Array.from({ length: 10 }, () => limiter.take('t1', 'c1', 300, at)));
    expect(await batch()).toEqual(Array(10).fill(true));
    expect(updates).toHaveLength(1);
    expect(await batch()).toEqual(Array(10).fill(true));
    expect(updates).toHaveLength(2);
    const [first, second] = updates.map((pk) => Number(pk.slice(`t1#c1#${window}#`.length)));
    expect(second).toBe(((first ?? 0) + 1) % 3);
  });

  it('answers DENIED/RATE_LIMITED when the agency has used the contract’s allowance', async () => {
    const limit = identityVerification.versions[0]!.rateLimit.perAgencyPerMinute;
    const window = Math.floor(Date.now() / WINDOW_MS);
    for (const w of [window, window + 1]) {
      await documentClient().send(
        new PutCommand({ TableName: names.rateLimitTable, Item: { pk: `danang-tax-office#population.identity-verification#${w}`, count: limit } }),
      );
    }
    const client = new AgencyClient(sqsClient(), 'danang-tax-office');
    const request = identityRequest(h.demo.living.nationalId, { purpose: 'TAX_REGISTRATION' });
    const reply = await client.lookup(request, 20_000);
    expect(reply).toMatchObject({ status: 'DENIED', code: 'RATE_LIMITED' });
    expect(await auditCount('danang-tax-office', request.requestId)).toBe(1);
  });
});

describe('privacy', () => {
  it('writes no national ID or name to the logs, though handlers logged at INFO', () => {
    const output = h.output();
    expect(output).toContain('lookup answered by registry'); // the handlers did log
    const people = [...generatePopulation({ seed: DEMO_SEED, count: 50 })];
    for (const p of people) {
      expect(output).not.toContain(p.nationalId);
      expect(output).not.toContain(p.fullName);
    }
  });
});

async function waitForDepth(queueUrl: string, depth: number): Promise<void> {
  // Polls for the condition with a bound generous enough for a loaded machine (30 s).
  for (let i = 0; i < 300; i++) {
    const attrs = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    if (Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) >= depth) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`queue never reached depth ${depth}`);
}

function consentOf(state: 'ACTIVE' | 'REVOKED' | 'EXPIRED') {
  const c = h.demo.consents.find((x) => x.state === state);
  if (!c) throw new Error(`no demo consent ${state}`);
  return c;
}

/** A valid identifier that the seeded registry does not hold. */
function absentNationalId(): string {
  const seeded = new Set([...generatePopulation({ seed: DEMO_SEED, count: h.demo.population })].map((p) => p.nationalId));
  for (let serial = 0; ; serial++) {
    const id = `079190${String(serial).padStart(6, '0')}`;
    if (!seeded.has(id)) return id;
  }
}

function functionEnv(kind: 'router' | 'adapter'): Record<string, string | undefined> {
  const fn = h.engine.resources.functions.find((f) => f.entry.includes(`/${kind}/`) && (kind === 'router' || f.environment.NDX_REGISTRY_ID === 'population'))!;
  return { ...fn.environment, NDX_PEPPER: LOCAL_PEPPER, NDX_FORWARDING_KEY: LOCAL_FORWARDING_KEY, POWERTOOLS_LOG_LEVEL: 'INFO' };
}

function rawRecord(body: string, queue: string): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: 'local',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'test', ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: h.engine.queueArn(queue),
    awsRegion: h.engine.region,
  };
}

function record(request: LookupRequestInput, queue: string): SQSRecord {
  return rawRecord(JSON.stringify(request), queue);
}

function fakeContext() {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:test',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: 'test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
