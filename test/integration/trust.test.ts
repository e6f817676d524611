/**
 * Trust inside the platform, against the real local engine: the resend protocol (every send gets one
 * reply: the first answer, a pointer to it, or REQUEST_ID_REUSED), lookups lost between router and
 * registry carried through by a resend, forged or altered forwarded lookups refused before anything is
 * read (DLQ, security event, metric), a genuine one redriven from the DLQ answered, and no personal data
 * at rest outside the registries.
 */
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { consoleSignIn } from './console-support.ts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupReply, LookupRequestInput } from '../../contracts/protocol.ts';
import { AgencyClient } from '../../cli/agency-client.ts';
import { listDeadLetters, ndxQueues, redrive } from '../../aws/operations.ts';
import { AuditLog, auditIdOf, type AuditRecord } from '../../aws/audit-log.ts';
import { digestOf } from '../../contracts/canonical.ts';
import { dynamoClient, documentClient, sqsClient } from '../../aws/clients.ts';
import { signForwarded, type ForwardedLookup } from '../../domain/lookup/forwarded.ts';
import { names } from '../../config/names.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { LOCAL_FORWARDING_KEY, LOCAL_PEPPER } from '../../config/local.ts';
import { fastConfig, genuineForward, startHarness, type Harness } from './support.ts';

let h: Harness;
const hash = subjectHasher(LOCAL_PEPPER);
const LAND = 'hanoi-land-office';
const REGISTRY_QUEUE = names.registryInQueue('population');
const identity = (nationalId: string, extra: Partial<LookupRequestInput> = {}) => ({
  contract: 'population.identity-verification',
  purpose: 'LAND_REGISTRATION',
  subject: { nationalId },
  ...extra,
});

beforeAll(async () => {
  h = await startHarness({ count: 1000 });
});

afterAll(async () => {
  await h?.stop();
});

const audit = () => new AuditLog(documentClient(), names.auditTable);

async function lookupRecords(agency: string, requestId: string): Promise<number> {
  const trail = await audit().bySubject(hash({ nationalId: h.demo.living.nationalId }));
  return trail.filter((r) => r.consumer === agency && r.requestId === requestId).length;
}

/** Sends a request as an agency and returns the next reply to its requestId. */
async function send(agency: string, request: LookupRequestInput): Promise<LookupReply> {
  const client = new AgencyClient(sqsClient(), agency);
  await client.send(request);
  return client.awaitReply({ requestId: request.requestId }, 20_000);
}

async function queueDepth(name: string): Promise<number> {
  const out = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: h.engine.queueUrl(name),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, attempts = 300): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const got = await probe();
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('the resend protocol', () => {
  it('sends a resend of a request the registry answered its first reply again, byte for byte (same auditId, time and digest), recorded once', async () => {
    const request = { requestId: randomUUID(), version: '1', ...identity(h.demo.living.nationalId) };
    const first = await send(LAND, request);
    const again = await send(LAND, request);
    expect(first).toMatchObject({ status: 'OK', code: 'OK' });
    expect(again).toEqual(first);
    expect(digestOf(again)).toBe(digestOf(first));
    expect(await lookupRecords(LAND, request.requestId)).toBe(1);
  });

  it('points at a denial the router gave, too', async () => {
    const request = { requestId: randomUUID(), version: '1', ...identity(h.demo.living.nationalId, { purpose: 'MARKETING' }) };
    const first = await send(LAND, request);
    const again = await send(LAND, request);
    expect(first).toMatchObject({ status: 'DENIED', code: 'PURPOSE_NOT_ALLOWED' });
    expect(again).toMatchObject({
      status: 'DUPLICATE',
      code: 'ALREADY_ANSWERED',
      original: { status: 'DENIED', code: 'PURPOSE_NOT_ALLOWED', repliedAt: first.repliedAt, digest: digestOf(first) },
    });
    expect(await lookupRecords(LAND, request.requestId)).toBe(1);
  });

  it('refuses another purpose, another subject, or a corrected request under a used requestId with REQUEST_ID_REUSED, never the first answer', async () => {
    const requestId = randomUUID();
    const first = await send(LAND, { requestId, version: '1', ...identity(h.demo.living.nationalId) });
    expect(first.code).toBe('OK');
    const otherPurpose = await send(LAND, { requestId, version: '1', ...identity(h.demo.living.nationalId, { purpose: 'TAX_REGISTRATION' }) });
    const otherSubject = await send(LAND, { requestId, version: '1', ...identity(h.demo.deceased!.nationalId) });
    for (const r of [otherPurpose, otherSubject]) {
      expect(r).toMatchObject({ status: 'INVALID', code: 'REQUEST_ID_REUSED', requestId });
      expect(r.data).toBeUndefined();
      expect(r.original).toBeUndefined();
    }
    expect(await lookupRecords(LAND, requestId)).toBe(1);

    // An INVALID request, then the corrected one under the same id.
    const badId = randomUUID();
    const invalid = await send(LAND, { requestId: badId, version: '1', ...identity('12345') });
    expect(invalid).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION' });
    const corrected = await send(LAND, { requestId: badId, version: '1', ...identity(h.demo.living.nationalId) });
    expect(corrected).toMatchObject({ status: 'INVALID', code: 'REQUEST_ID_REUSED' });
    expect(await audit().find(auditIdOf(LAND, badId, ''))).toMatchObject({ code: 'SCHEMA_VIOLATION' });
  });

  it('keeps the same requestId from two agencies as two lookups', async () => {
    const requestId = randomUUID();
    const a = await send(LAND, { requestId, version: '1', ...identity(h.demo.living.nationalId) });
    const b = await send('hcmc-public-services', { requestId, version: '1', ...identity(h.demo.living.nationalId, { purpose: 'PUBLIC_SERVICE_APPLICATION' }) });
    expect([a.code, b.code]).toEqual(['OK', 'OK']);
    expect(a.provenance!.auditId).not.toBe(b.provenance!.auditId);
    expect(await lookupRecords(LAND, requestId)).toBe(1);
    expect(await lookupRecords('hcmc-public-services', requestId)).toBe(1);
  });

  it('carries a resend through when the forwarded lookup was lost between router and registry', async () => {
    await h.engine.setMappingEnabled(REGISTRY_QUEUE, false);
    const request = { requestId: randomUUID(), version: '1', ...identity(h.demo.living.nationalId) };
    const client = new AgencyClient(sqsClient(), LAND);
    try {
      await client.send(request);
      // The router admits and forwards it; then the forwarded message is lost.
      await until('the forward', async () => ((await queueDepth(REGISTRY_QUEUE)) > 0 ? true : undefined));
      const sqs = sqsClient();
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: h.engine.queueUrl(REGISTRY_QUEUE), MaxNumberOfMessages: 10 }));
      expect(got.Messages?.length).toBe(1);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: h.engine.queueUrl(REGISTRY_QUEUE),
          Entries: got.Messages!.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    } finally {
      await h.engine.setMappingEnabled(REGISTRY_QUEUE, true);
    }
    const reply = await send(LAND, request);
    expect(reply).toMatchObject({ status: 'OK', code: 'OK' });
    expect(reply.data).toMatchObject({ nationalId: h.demo.living.nationalId });
    expect(await lookupRecords(LAND, request.requestId)).toBe(1);
  });
});

describe('zero trust between router and registries', () => {
  /** The genuine lookup, unsigned (what a forger would start from), or signed with `key`. */
  const genuine = (overrides: Partial<ForwardedLookup> = {}): ForwardedLookup => {
    const { mac: _mac, ...lookup } = genuineForward(h.demo.living.nationalId, { overrides });
    return lookup;
  };
  const key = { version: 'local', secret: LOCAL_FORWARDING_KEY };

  async function securityEvents(): Promise<Array<Extract<AuditRecord, { kind: 'security' }>>> {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: names.auditTable,
        FilterExpression: '#k = :k',
        ExpressionAttributeNames: { '#k': 'kind' },
        ExpressionAttributeValues: { ':k': 'security' },
      }),
    );
    // Chained records only (each audit id also has a marker item naming its kind).
    return (out.Items ?? []).filter((i) => String(i.pk).startsWith('chain#')) as Array<Extract<AuditRecord, { kind: 'security' }>>;
  }

  it('never answers a forged or altered forwarded lookup: it lands in the DLQ with a security event', async () => {
    const sqs = sqsClient();
    const forged = {
      unsigned: JSON.stringify(genuine({ consumer: 'demo-commercial-bank' })),
      // Signed with a key the platform does not hold.
      wrongKey: JSON.stringify(signForwarded(genuine(), { version: 'local', secret: 'guessed' })),
      // A genuine signature, then the subject swapped for another citizen's.
      altered: (() => {
        const signed = signForwarded(genuine(), key);
        return JSON.stringify({ ...signed, request: { ...signed.request, subject: { nationalId: h.demo.deceased!.nationalId } } });
      })(),
      // Signed (a compromised signer), but a consumer the contract does not list and an invented basis.
      notAConsumer: JSON.stringify(signForwarded(genuine({ consumer: 'demo-commercial-bank' }), key)),
      inventedBasis: JSON.stringify(signForwarded(genuine({ basis: { kind: 'legal', id: 'made-up', instrument: 'none', article: '0' } }), key)),
      madeUpHash: JSON.stringify(signForwarded(genuine({ subjectHash: 'f'.repeat(64) }), key)),
    };
    const requestIds = Object.values(forged).map((b) => (JSON.parse(b) as ForwardedLookup).request.requestId);
    const dlq = names.deadLetterQueue(REGISTRY_QUEUE);
    const dlqBefore = await queueDepth(dlq);
    const sent = new Map<string, string>();
    for (const [name, body] of Object.entries(forged)) {
      sent.set((await sqs.send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(REGISTRY_QUEUE), MessageBody: body }))).MessageId!, name);
    }
    await until('the forged messages in the DLQ', async () => ((await queueDepth(dlq)) - dlqBefore === 6 ? true : undefined), 600);
    const events = (await securityEvents()).filter((e) => sent.has(e.messageId));
    expect(Object.fromEntries(events.map((e) => [sent.get(e.messageId), e.reason]))).toEqual({
      unsigned: 'NOT_A_FORWARDED_LOOKUP',
      wrongKey: 'BAD_MAC',
      altered: 'BAD_MAC',
      notAConsumer: 'NOT_A_CONSUMER',
      inventedBasis: 'BASIS_MISMATCH',
      madeUpHash: 'SUBJECT_HASH_MISMATCH',
    });
    expect(events).toHaveLength(6);
    for (const e of events) expect(JSON.stringify(e)).not.toContain(h.demo.living.nationalId);
    // No reply of any kind went to any agency for them, and nothing was audited as a lookup.
    for (const agency of [LAND, 'demo-commercial-bank']) {
      for (;;) {
        const got = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: h.engine.queueUrl(names.agencyInQueue(agency)), MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (!got.Messages?.length) break;
        for (const m of got.Messages) expect(requestIds).not.toContain((JSON.parse(m.Body!) as LookupReply).requestId);
      }
    }
    for (const id of requestIds) expect(await audit().find(auditIdOf(LAND, id, ''))).toBeUndefined();
  });

  it('answers a genuine forwarded lookup redriven from the DLQ (the move keeps its MAC)', async () => {
    const sqs = sqsClient();
    const lookup = genuine();
    const dlq = names.deadLetterQueue(REGISTRY_QUEUE);
    await sqs.send(new SendMessageCommand({ QueueUrl: h.engine.queueUrl(dlq), MessageBody: JSON.stringify(signForwarded(lookup, key)) }));
    const listed = await listDeadLetters({ sqs, dynamo: dynamoClient() }, ndxQueues(fastConfig()).find((q) => q.name === REGISTRY_QUEUE)!);
    expect(JSON.stringify(listed)).not.toContain(h.demo.living.nationalId);
    const waiting = new AgencyClient(sqsClient(), LAND).awaitReply({ requestId: lookup.request.requestId }, 30_000);
    await redrive({ sqs, dynamo: dynamoClient() }, ndxQueues(fastConfig()).find((q) => q.name === REGISTRY_QUEUE)!);
    const reply = await waiting;
    expect(reply).toMatchObject({ status: 'OK', code: 'OK', requestId: lookup.request.requestId });
  });
});

describe('no personal data at rest outside the registries', () => {
  /** Every identifier and name a lookup of every contract sent or received. */
  const personal = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      // Identifiers (9+ digits), names and addresses (several words); not codes such as LIVING or OK.
      if (/\d{9,}/.test(value) || (/\s/.test(value.trim()) && value.length >= 8)) personal.add(value);
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };

  it('runs lookups of every contract, then finds none of their identifiers or names in any non-registry table, listing or log', async () => {
    const ex = h.demo.world.examples;
    const active = h.demo.consents.find((c) => c.state === 'ACTIVE')!;
    const cases: Array<[string, LookupRequestInput]> = [
      [LAND, { requestId: randomUUID(), version: '1', ...identity(h.demo.living.nationalId, { onBehalfOf: 'officer-4471 / case HN-2026-118' }) }],
      [
        active.consumer,
        {
          requestId: randomUUID(),
          version: '1',
          contract: 'population.residence',
          purpose: active.purpose,
          subject: { nationalId: active.nationalId },
          consentId: active.consentId,
        },
      ],
      [LAND, { requestId: randomUUID(), version: '1', contract: 'land.parcel', purpose: 'LAND_REGISTRATION', subject: { parcelId: ex.parcel } }],
      [
        LAND,
        {
          requestId: randomUUID(),
          version: '1',
          contract: 'land.parcels-by-owner',
          purpose: 'LAND_REGISTRATION',
          subject: { nationalId: ex.owner.nationalId },
        },
      ],
      [
        LAND,
        {
          requestId: randomUUID(),
          version: '1',
          contract: 'social-insurance.participation',
          purpose: 'LAND_REGISTRATION',
          subject: { nationalId: ex.employee.nationalId },
        },
      ],
      [
        'hcmc-public-services',
        {
          requestId: randomUUID(),
          version: '1',
          contract: 'social-insurance.benefits',
          purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
          subject: { nationalId: ex.pensioner! },
        },
      ],
      [
        LAND,
        {
          requestId: randomUUID(),
          version: '1',
          contract: 'business.enterprise-profile',
          purpose: 'LAND_REGISTRATION',
          subject: { enterpriseCode: ex.employee.employerCode },
        },
      ],
      [
        'danang-tax-office',
        {
          requestId: randomUUID(),
          version: '1',
          contract: 'business.enterprises-by-representative',
          purpose: 'TAX_ENFORCEMENT',
          subject: { nationalId: ex.representative.nationalId },
        },
      ],
      [
        h.demo.bankConsent.consumer,
        {
          requestId: randomUUID(),
          version: '1',
          contract: 'social-insurance.participation',
          purpose: h.demo.bankConsent.purpose,
          subject: { nationalId: h.demo.bankConsent.nationalId },
          consentId: h.demo.bankConsent.consentId,
        },
      ],
    ];
    const contracts = new Set<string>();
    for (const [agency, request] of cases) {
      const reply = await send(agency, request);
      expect(reply, `${request.contract}: ${reply.code}`).toMatchObject({ status: 'OK' });
      contracts.add(request.contract);
      collect(request.subject);
      collect(reply.data);
      // A resend stores nothing more: it is sent the first reply again.
      const again = await send(agency, request);
      expect(again).toEqual(reply);
    }
    expect(contracts.size).toBe(8);

    // An officer reference that carries a citizen's identifier is refused, so it is never stored.
    const leaky = await send(LAND, {
      requestId: randomUUID(),
      version: '1',
      ...identity(h.demo.living.nationalId, { onBehalfOf: `for citizen ${h.demo.living.nationalId}` }),
    });
    expect(leaky).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION', issues: [{ path: 'onBehalfOf' }] });
    expect(JSON.stringify(leaky)).not.toContain(h.demo.living.nationalId);

    // The citizen signs in to the console (an ID token with their national ID and name passes through) and reads their trail.
    const citizen = await consoleSignIn(h.engine.endpoint.url, 'citizen-1');
    expect((await citizen.get('/console/me')).status).toBe(200);
    collect({ fullName: h.demo.citizens[0]!.fullName });

    expect(personal.size).toBeGreaterThan(30);
    const found: string[] = [];
    for (const table of [names.auditTable, names.consentTable, names.idempotencyTable, names.rateLimitTable, names.contractTable, names.consoleSessionsTable]) {
      let start: Record<string, unknown> | undefined;
      let items = 0;
      do {
        const out = await documentClient().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        for (const item of out.Items ?? []) {
          items++;
          const text = JSON.stringify(item);
          for (const p of personal) if (text.includes(p)) found.push(`${table}: ${p}`);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      if (table !== names.contractTable) expect(items, table).toBeGreaterThan(0);
    }
    const logs = h.output();
    for (const p of personal) if (logs.includes(p)) found.push(`logs: ${p}`);
    expect(found).toEqual([]);
  });
});
