/**
 * The registry's half of a lookup (domain/lookup/answer.ts) over fake ports: authentication of a
 * message (each refusal audited as a security event), the answer and its audit record, consent checked
 * again, failures on the last attempt, and the resend protocol. No engine, no AWS.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { legalBasisFor, type ContractDefinition, type VersionDefinition } from '../../contracts/model.ts';
import { LookupRequest, type LookupReply } from '../../contracts/protocol.ts';
import type { AuditEntry, AuditEvent, Reservation } from '../../domain/audit/records.ts';
import { consentTermsDigest, type ConsentRecord } from '../../domain/consent/consent.ts';
import { lookupAnswerer, PoisonMessageError, type AnswererPorts } from '../../domain/lookup/answer.ts';
import { type ForwardedLookup, type SecurityReason, signForwarded } from '../../domain/lookup/forwarded.ts';
import { RegistryUnavailableError, type RegistrySource } from '../../domain/lookup/registry-source.ts';
import { REQUEST_ID_WINDOW_SECONDS, reusedAfterWindow, type StageOutcome } from '../../domain/lookup/resend.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { digestOf } from '../../contracts/canonical.ts';
import { openReplySeal, sealReplyDigest } from '../../domain/audit/reply-seal.ts';
import { LookupInProgressError, type AnswerInput, type ExclusiveStep } from '../../domain/lookup/answer.ts';
import { consentRecord } from '../fixtures/consent.ts';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const hash = subjectHasher('pepper');
const key = { version: 'v1', secret: 'forwarding-secret' };
const R1 = '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d81';
const R2 = '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d82';
const SUBJECT = { nationalId: '001203004567' };

function definition(id: string): ContractDefinition {
  const d = findContract(id);
  if (!d) throw new Error(`no contract ${id}`);
  return d;
}
function firstVersion(id: string): VersionDefinition {
  const v = definition(id).versions[0];
  if (!v) throw new Error(`no version of ${id}`);
  return v;
}
const identity = firstVersion('population.identity-verification');
const residence = firstVersion('population.residence');
const legal = legalBasisFor(identity, 'hanoi-land-office', 'LAND_REGISTRATION');
if (!legal) throw new Error('no legal basis');

function legalLookup(over: Partial<ForwardedLookup> = {}): ForwardedLookup {
  const request = LookupRequest.parse({ requestId: R1, contract: 'population.identity-verification', purpose: 'LAND_REGISTRATION', subject: SUBJECT });
  return {
    kind: 'ndx.forwarded-lookup.v1',
    consumer: 'hanoi-land-office',
    request,
    version: identity.version,
    basis: { kind: 'legal', id: legal?.id ?? '', instrument: legal?.instrument ?? '', article: legal?.article ?? '' },
    subjectHash: hash(SUBJECT),
    requestDigest: 'digest',
    receivedMessageId: 'msg-1',
    receivedAt: '2026-06-01T09:59:00.000Z',
    ...over,
  };
}

const consent: ConsentRecord = consentRecord({ subjectHash: hash(SUBJECT) });

function consentLookup(over: Partial<ForwardedLookup> = {}): ForwardedLookup {
  const request = LookupRequest.parse({
    requestId: R2,
    contract: 'population.residence',
    purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
    subject: SUBJECT,
    consentId: 'cns-1',
  });
  return {
    kind: 'ndx.forwarded-lookup.v1',
    consumer: 'hcmc-public-services',
    request,
    version: residence.version,
    basis: { kind: 'consent', consentId: 'cns-1' },
    subjectHash: hash(SUBJECT),
    requestDigest: 'digest',
    consentTermsDigest: consentTermsDigest(consent),
    receivedMessageId: 'msg-2',
    receivedAt: '2026-06-01T09:59:00.000Z',
    ...over,
  };
}

const record = {
  view: {
    nationalId: '001203004567',
    fullName: 'Nguyễn Thị An',
    dateOfBirth: '2003-04-05',
    sex: 'FEMALE',
    status: 'LIVING',
    permanentResidence: { line: '12 Hàng Bạc', commune: 'Phường Hoàn Kiếm', province: 'Hà Nội' },
    temporaryResidence: null,
    household: { headNationalId: '001203004567', relationship: 'Chủ hộ' },
  },
  updatedAt: '2026-05-01T00:00:00.000Z',
};

interface Recorded {
  audits: AuditEntry[];
  reserved: Array<[string, string, string, string, string | undefined]>;
  reserveOptions: unknown[];
  reads: number;
  appendedWith: Array<Promise<Reservation> | undefined>;
  sent: LookupReply[];
  direct: Array<{ consumer: string; reply: LookupReply }>;
  security: Array<{ event: AuditEvent; auditId: string; scope: string | undefined }>;
  events: Array<[string, unknown]>;
}

function ports(
  over: Partial<AnswererPorts> = {},
  source: RegistrySource = { get: async () => record },
  consentFound: ConsentRecord | undefined = consent,
  reserveAs: Reservation = { state: 'reserved', partition: 'p', head: undefined },
) {
  const rec: Recorded = { audits: [], reserved: [], reserveOptions: [], reads: 0, appendedWith: [], sent: [], direct: [], security: [], events: [] };
  const reservation: Promise<Reservation> = Promise.resolve(reserveAs);
  const p: AnswererPorts = {
    registryId: 'population',
    findContract: (id) => findContract(id),
    source: {
      get: (...args: Parameters<RegistrySource['get']>) => {
        rec.reads++;
        return source.get(...args);
      },
    },
    consents: { get: async () => consentFound },
    forwardingKey: async (v) => (v === key.version ? key : undefined),
    pepper: async () => 'pepper',
    hashSubject: async () => hash,
    responder: {
      audit: {
        append: async (entry, reserved) => {
          rec.audits.push(entry);
          rec.appendedWith.push(reserved);
          return { auditId: `audit-${rec.audits.length}` };
        },
        reserve: async (kind, auditId, scope, at, subjectHash, options) => {
          rec.reserved.push([kind, auditId, scope, at, subjectHash]);
          rec.reserveOptions.push(options);
          return reservation;
        },
      },
      queues: {
        sendJson: async (_queue, body) => {
          rec.sent.push(body as LookupReply);
        },
      },
    },
    audit: {
      record: async (event, auditId, scope) => {
        rec.security.push({ event, auditId, scope });
      },
    },
    send: async (consumer, reply) => {
      rec.direct.push({ consumer, reply });
    },
    observe: {
      answered: (e) => rec.events.push(['answered', e]),
      refused: (e) => rec.events.push(['refused', e]),
      failed: (e) => rec.events.push(['failed', e]),
    },
    now: () => NOW,
    ...over,
  };
  return { ports: p, rec };
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  const [first] = items;
  if (first === undefined) throw new Error('nothing recorded');
  return first;
}

const message = (body: unknown, messageId = 'sqs-1') => ({
  messageId,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  sentAt: '2026-06-01T09:59:30.000Z',
});

describe('answer: authentication', () => {
  it('returns the lookup and its version when the MAC and the contract side hold', async () => {
    const { ports: p, rec } = ports();
    const l = legalLookup();
    const out = await lookupAnswerer(p).authenticate(message(signForwarded(l, key)));
    expect(out.lookup).toEqual(l);
    expect(out.version.version).toBe(identity.version);
    expect(rec.security).toEqual([]);
  });

  const refusals: Array<[string, () => unknown, SecurityReason]> = [
    ['not JSON', () => '{nope', 'NOT_A_FORWARDED_LOOKUP'],
    ['not a forwarded lookup', () => ({ hello: 1 }), 'NOT_A_FORWARDED_LOOKUP'],
    ['signed with a key version it does not know', () => signForwarded(legalLookup(), { ...key, version: 'v9' }), 'UNKNOWN_KEY'],
    ['signed with another secret', () => signForwarded(legalLookup(), { ...key, secret: 'other' }), 'BAD_MAC'],
    [
      'for another registry',
      () =>
        signForwarded(
          legalLookup({ request: LookupRequest.parse({ requestId: R1, contract: 'land.parcel', purpose: 'LAND_REGISTRATION', subject: { parcelId: 'x' } }) }),
          key,
        ),
      'WRONG_REGISTRY',
    ],
  ];

  it.each(refusals)('refuses a message %s, audits a security event with the body only as a keyed digest, and throws', async (_what, body, reason) => {
    const { ports: p, rec } = ports();
    const m = message(body());
    await expect(lookupAnswerer(p).authenticate(m)).rejects.toThrow(PoisonMessageError);
    const { event, auditId, scope } = only(rec.security);
    const digest = createHmac('sha256', 'pepper').update('ndx.refused-message.v1\n').update(m.body).digest('hex');
    expect(event).toEqual({ kind: 'security', at: m.sentAt, stage: 'adapter', registry: 'population', reason, messageId: 'sqs-1', bodyDigest: digest });
    expect(auditId).toBe('security/population/sqs-1');
    expect(scope).toBe('population');
    expect(rec.events).toEqual([['refused', { messageId: 'sqs-1', reason }]]);
  });

  it('names the reason in the error', async () => {
    const { ports: p } = ports();
    await expect(lookupAnswerer(p).authenticate(message('{nope'))).rejects.toThrow('NOT_A_FORWARDED_LOOKUP');
  });
});

describe('answer: a lookup answered', () => {
  it('reserves the audit marker first, then audits and replies OK with the projected record and its provenance', async () => {
    const { ports: p, rec } = ports();
    const out = await lookupAnswerer(p).answer({ lookup: legalLookup(), version: identity, finalAttempt: false });
    // With the lookup's subject: the marker is kept in the subject's collection (domain/audit/stored.ts), as `append` would keep it.
    expect(rec.reserved).toEqual([['lookup', `hanoi-land-office/${R1}`, 'population', NOW.toISOString(), legalLookup().subjectHash]]);
    const audit = only(rec.audits);
    expect(audit).toMatchObject({
      at: NOW.toISOString(),
      consumer: 'hanoi-land-office',
      requestId: R1,
      receivedMessageId: 'msg-1',
      contract: 'population.identity-verification',
      version: identity.version,
      purpose: 'LAND_REGISTRATION',
      basis: { kind: 'legal' },
      registry: 'population',
      subjectHash: hash(SUBJECT),
      status: 'OK',
      code: 'OK',
      recordedBy: 'adapter',
    });
    expect(audit.fields.length).toBeGreaterThan(0);
    expect(audit).not.toHaveProperty('onBehalfOf');
    expect(rec.appendedWith[0]).toBeInstanceOf(Promise);
    const reply = only(rec.sent);
    // Made at the service's clock, as its audit record is.
    expect(reply.repliedAt).toBe(NOW.toISOString());
    expect(reply).toMatchObject({
      code: 'OK',
      requestId: R1,
      contract: 'population.identity-verification',
      version: identity.version,
      purpose: 'LAND_REGISTRATION',
      basis: { kind: 'legal' },
    });
    expect(Object.keys(reply.data ?? {}).sort()).toEqual([...audit.fields].sort());
    // The audit id is the lookup's (auditIdOf): the reply is made, and its digest sealed into the record, before the append.
    expect(reply.provenance).toMatchObject({ registry: 'population', asOf: record.updatedAt, auditId: `hanoi-land-office/${R1}` });
    expect(reply.provenance?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(audit.reply?.at).toBe(reply.repliedAt);
    expect(audit.reply?.seal).not.toBe(digestOf(reply));
    expect(openReplySeal('pepper', `hanoi-land-office/${R1}`, audit.reply?.seal ?? '')).toBe(digestOf(reply));
    expect(reply).not.toHaveProperty('notice');
    expect(out).toMatchObject({
      outcome: 'answered',
      messageId: 'msg-1',
      contract: 'population.identity-verification',
      version: identity.version,
      purpose: 'LAND_REGISTRATION',
      reply: { code: 'OK', auditId: `hanoi-land-office/${R1}` },
    });
    expect(rec.events).toEqual([
      [
        'answered',
        {
          consumer: 'hanoi-land-office',
          requestId: R1,
          contract: 'population.identity-verification',
          version: identity.version,
          code: 'OK',
          receivedAt: '2026-06-01T09:59:00.000Z',
        },
      ],
    ]);
  });

  it('audits onBehalfOf and carries the deprecation notice into the reply', async () => {
    const { ports: p, rec } = ports();
    const base = legalLookup();
    const lookup = legalLookup({ request: { ...base.request, onBehalfOf: 'officer-7' }, notice: { kind: 'DEPRECATED', sunset: '2027-01-01', message: 'm' } });
    await lookupAnswerer(p).answer({ lookup, version: identity, finalAttempt: false });
    expect(only(rec.audits).onBehalfOf).toBe('officer-7');
    expect(only(rec.sent).notice).toEqual({ kind: 'DEPRECATED', sunset: '2027-01-01', message: 'm' });
  });

  it('answers SUBJECT_NOT_FOUND with no fields', async () => {
    const { ports: p, rec } = ports({}, { get: async () => undefined });
    await lookupAnswerer(p).answer({ lookup: legalLookup(), version: identity, finalAttempt: false });
    expect(only(rec.audits)).toMatchObject({ code: 'SUBJECT_NOT_FOUND', fields: [] });
    const reply = only(rec.sent);
    expect(reply).not.toHaveProperty('data');
    expect(reply).not.toHaveProperty('provenance');
  });
});

describe('answer: consent checked again before the read', () => {
  it('reads the record when the consent still covers the lookup', async () => {
    let reads = 0;
    const { ports: p, rec } = ports(
      {},
      {
        get: async () => {
          reads++;
          return record;
        },
      },
    );
    await lookupAnswerer(p).answer({ lookup: consentLookup(), version: residence, finalAttempt: false });
    expect(reads).toBe(1);
    expect(only(rec.audits)).toMatchObject({ code: 'OK', basis: { kind: 'consent', consentId: 'cns-1' } });
  });

  it('answers a revocation that came after the router’s check, without reading the registry', async () => {
    let reads = 0;
    const { ports: p, rec } = ports(
      {},
      {
        get: async () => {
          reads++;
          return record;
        },
      },
      { ...consent, status: 'REVOKED' },
    );
    await lookupAnswerer(p).answer({ lookup: consentLookup(), version: residence, finalAttempt: false });
    expect(reads).toBe(0);
    expect(only(rec.audits)).toMatchObject({ code: 'CONSENT_REVOKED', fields: [] });
  });

  it('refuses terms other than the ones the router verified, and a lookup that carries no terms digest', async () => {
    for (const lookup of [consentLookup({ consentTermsDigest: 'f'.repeat(64) }), consentLookup({ consentTermsDigest: undefined })]) {
      const { ports: p, rec } = ports();
      await lookupAnswerer(p).answer({ lookup, version: residence, finalAttempt: false });
      expect(only(rec.audits).code).toBe('CONSENT_REQUIRED');
    }
  });

  it('checks the consent against the contract’s major, purpose and released categories', async () => {
    const { ports: p, rec } = ports({}, undefined, { ...consent, categories: ['identifier'] });
    await lookupAnswerer(p).answer({
      lookup: consentLookup({ consentTermsDigest: consentTermsDigest({ ...consent, categories: ['identifier'] }) }),
      version: residence,
      finalAttempt: false,
    });
    expect(only(rec.audits).code).toBe('CONSENT_REQUIRED');
  });
});

describe('answer: failures', () => {
  const unavailable: RegistrySource = { get: async () => Promise.reject(new RegistryUnavailableError('down')) };

  it('rethrows before the final attempt', async () => {
    const { ports: p, rec } = ports({}, unavailable);
    await expect(lookupAnswerer(p).answer({ lookup: legalLookup(), version: identity, finalAttempt: false })).rejects.toThrow('down');
    expect(rec.audits).toEqual([]);
  });

  it('answers REGISTRY_UNAVAILABLE on the final attempt when the registry is down, INTERNAL for anything else', async () => {
    const down = ports({}, unavailable);
    await lookupAnswerer(down.ports).answer({ lookup: legalLookup(), version: identity, finalAttempt: true });
    expect(only(down.rec.audits)).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', fields: [] });
    expect(down.rec.events[0]).toEqual(['failed', { requestId: R1, code: 'REGISTRY_UNAVAILABLE', error: 'RegistryUnavailableError' }]);

    const broken = ports({}, { get: async () => Promise.reject(new TypeError('bug')) });
    await lookupAnswerer(broken.ports).answer({ lookup: legalLookup(), version: identity, finalAttempt: true });
    expect(only(broken.rec.audits).code).toBe('INTERNAL');
    expect(broken.rec.events[0]).toEqual(['failed', { requestId: R1, code: 'INTERNAL', error: 'TypeError' }]);
  });
});

describe('answer: the resend protocol', () => {
  const answered: StageOutcome = {
    outcome: 'answered',
    messageId: 'msg-1',
    reply: { status: 'OK', code: 'OK', auditId: 'a-1', repliedAt: '2026-06-01T10:00:00.000Z', digest: 'd' },
  };

  it('does nothing for the same message delivered again', async () => {
    const { ports: p, rec } = ports();
    await lookupAnswerer(p).resent(legalLookup(), answered);
    expect(rec.direct).toEqual([]);
    expect(rec.events).toEqual([]);
  });

  it('points another message at the first answer', async () => {
    const { ports: p, rec } = ports();
    await lookupAnswerer(p).resent(legalLookup({ receivedMessageId: 'msg-9' }), answered);
    const { consumer, reply } = only(rec.direct);
    expect(consumer).toBe('hanoi-land-office');
    expect(reply).toMatchObject({
      code: 'ALREADY_ANSWERED',
      requestId: R1,
      contract: 'population.identity-verification',
      version: identity.version,
      purpose: 'LAND_REGISTRATION',
      original: answered.reply,
      repliedAt: NOW.toISOString(),
    });
    expect(rec.events).toEqual([
      [
        'answered',
        {
          consumer: 'hanoi-land-office',
          requestId: R1,
          contract: 'population.identity-verification',
          code: 'ALREADY_ANSWERED',
          receivedAt: '2026-06-01T09:59:00.000Z',
        },
      ],
    ]);
  });

  it('answers REQUEST_ID_REUSED for another request under a used requestId', async () => {
    const { ports: p, rec } = ports();
    await lookupAnswerer(p).reused(legalLookup());
    expect(only(rec.direct).reply).toMatchObject({ code: 'REQUEST_ID_REUSED', requestId: R1 });
  });
});

describe('answer: without observers', () => {
  const answered: StageOutcome = {
    outcome: 'answered',
    messageId: 'msg-1',
    reply: { status: 'OK', code: 'OK', auditId: 'a-1', repliedAt: '2026-06-01T10:00:00.000Z', digest: 'd' },
  };
  const down: RegistrySource = { get: async () => Promise.reject(new RegistryUnavailableError('down')) };

  it('answers, refuses, fails and resends the same with no observer, or one that hooks nothing', async () => {
    for (const observe of [undefined, {}]) {
      const { ports: p, rec } = ports({ observe });
      const answerer = lookupAnswerer(p);
      await expect(answerer.answer({ lookup: legalLookup(), version: identity, finalAttempt: false })).resolves.toMatchObject({ outcome: 'answered' });
      await expect(answerer.authenticate(message('{nope'))).rejects.toThrow(new PoisonMessageError('NOT_A_FORWARDED_LOOKUP'));
      await answerer.resent(legalLookup({ receivedMessageId: 'msg-9' }), answered);
      const failing = ports({ observe }, down);
      await lookupAnswerer(failing.ports).answer({ lookup: legalLookup(), version: identity, finalAttempt: true });
      expect(rec.audits.map((a) => a.code)).toEqual(['OK']);
      expect(rec.direct.map((d) => d.reply.code)).toEqual(['ALREADY_ANSWERED']);
      expect(failing.rec.audits.map((a) => a.code)).toEqual(['REGISTRY_UNAVAILABLE']);
    }
    expect(new PoisonMessageError('x').name).toBe('PoisonMessageError');
  });
});

describe('answer: a requestId used again after the window', () => {
  const DAY = 24 * 3600 * 1000;
  const done = (at?: string): Reservation => ({
    state: 'done',
    appended: { auditId: `hanoi-land-office/${R1}`, created: false, partition: 'population#2026-05-17#03', seq: 7, ...(at ? { at } : {}) },
  });
  const at = (msBefore: number) => new Date(NOW.getTime() - msBefore).toISOString();

  it('answers REQUEST_ID_REUSED, releases nothing and adds nothing under the first lookup’s record, when that record is older than 15 days', async () => {
    const { ports: p, rec } = ports({}, undefined, undefined, done(at(15 * DAY + 1)));
    const outcome = await lookupAnswerer(p).answer({ lookup: legalLookup(), version: identity, finalAttempt: false });
    const { consumer, reply } = only(rec.direct);
    expect(consumer).toBe('hanoi-land-office');
    expect(reply).toMatchObject({ requestId: R1, status: 'INVALID', code: 'REQUEST_ID_REUSED' });
    expect(reply.data).toBeUndefined();
    expect(rec.sent).toEqual([]);
    expect(rec.audits).toEqual([]);
    expect(outcome).toEqual({
      outcome: 'answered',
      messageId: 'msg-1',
      reply: { status: 'INVALID', code: 'REQUEST_ID_REUSED', auditId: `hanoi-land-office/${R1}`, repliedAt: NOW.toISOString(), digest: expect.any(String) },
    });
    expect(rec.events).toEqual([
      [
        'answered',
        {
          consumer: 'hanoi-land-office',
          requestId: R1,
          contract: 'population.identity-verification',
          code: 'REQUEST_ID_REUSED',
          receivedAt: legalLookup().receivedAt,
        },
      ],
    ]);
  });

  it.each([
    ['made exactly 15 days ago', done(at(15 * DAY))],
    ['made a minute ago (a redelivery after a crash between record and reply)', done(at(60_000))],
    ['of unknown time', done()],
  ])('answers as a redelivery (the one reply, under the record already there) when the record is %s', async (_what, reservation) => {
    const { ports: p, rec } = ports({}, undefined, undefined, reservation);
    await lookupAnswerer(p).answer({ lookup: legalLookup(), version: identity, finalAttempt: false });
    expect(rec.direct).toEqual([]);
    expect(only(rec.sent)).toMatchObject({ requestId: R1, status: 'OK', code: 'OK' });
  });
});

describe('reusedAfterWindow', () => {
  it('holds only for a record made more than 15 days before now, of a time it can read', () => {
    expect(REQUEST_ID_WINDOW_SECONDS).toBe(15 * 24 * 3600);
    const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
    expect(reusedAfterWindow(ago(REQUEST_ID_WINDOW_SECONDS * 1000 + 1), NOW)).toBe(true);
    expect(reusedAfterWindow(ago(REQUEST_ID_WINDOW_SECONDS * 1000), NOW)).toBe(false);
    expect(reusedAfterWindow(ago(0), NOW)).toBe(false);
    expect(reusedAfterWindow(undefined, NOW)).toBe(false);
    expect(reusedAfterWindow('not a time', NOW)).toBe(false);
  });
});

describe('answer: take, exactly once by the audit marker and record', () => {
  const AUDIT_ID = `hanoi-land-office/${R1}`;
  const LEASE = NOW.getTime() + 30_000;
  const take = (over: Partial<ForwardedLookup> = {}) => ({ lookup: legalLookup(over), version: identity, finalAttempt: false, leaseUntil: LEASE });
  /** An exclusive step that runs the answerer's own step, or returns what it is given, and counts its runs. */
  function step(run?: (input: AnswerInput) => Promise<StageOutcome & { replayed?: true }>, reused = false) {
    const runs: AnswerInput[] = [];
    const s: ExclusiveStep = {
      run: async (input) => {
        runs.push(input);
        if (reused) throw new Error('reused');
        if (!run) throw new Error('no step');
        return run(input);
      },
      isReused: (error) => reused && (error as Error).message === 'reused',
    };
    return { step: s, runs };
  }
  const firstReply = { requestId: R1, status: 'OK', code: 'OK', repliedAt: '2026-06-01T09:00:00.000Z' };
  const recordOf = (over: Record<string, unknown> = {}) => ({
    auditId: AUDIT_ID,
    receivedMessageId: 'msg-1',
    status: 'OK',
    code: 'OK',
    recordedBy: 'adapter',
    at: '2026-06-01T08:59:59.000Z',
    reply: { at: firstReply.repliedAt, seal: sealReplyDigest('pepper', AUDIT_ID, digestOf(firstReply)) },
    ...over,
  });
  const done = (record: Record<string, unknown> | undefined, at = '2026-06-01T08:59:59.000Z'): Reservation => ({
    state: 'done',
    appended: { auditId: AUDIT_ID, created: false, partition: 'population#2026-06-01#03', seq: 4, at, ...(record ? { record } : {}) },
  });

  it('answers a lookup met first: the marker holds it for this attempt until its lease ends, no exclusive step is run', async () => {
    const { ports: p, rec } = ports();
    const { step: s, runs } = step();
    await lookupAnswerer(p).take(take(), s);
    expect(rec.reserveOptions).toEqual([{ leaseUntil: LEASE }]);
    expect(runs).toEqual([]);
    expect(rec.reads).toBe(1);
    expect(only(rec.audits)).toMatchObject({ code: 'OK', recordedBy: 'adapter' });
    expect(only(rec.sent)).toMatchObject({ code: 'OK', requestId: R1 });
  });

  it('tells another attempt to come back while the lease of the attempt answering runs, reading and sending nothing', async () => {
    const { ports: p, rec } = ports({}, undefined, undefined, { state: 'busy', until: new Date(LEASE).toISOString() });
    const { step: s, runs } = step();
    await expect(lookupAnswerer(p).take(take({ receivedMessageId: 'msg-2' }), s)).rejects.toThrow(LookupInProgressError);
    expect(new LookupInProgressError('x').name).toBe('LookupInProgressError');
    expect([rec.reads, rec.audits.length, rec.sent.length, rec.direct.length, runs.length]).toEqual([0, 0, 0, 0, 0]);
  });

  it('finishes a lookup whose attempt stopped between marker and record in the exclusive step, which holds it whatever the lease', async () => {
    const { ports: p, rec } = ports({}, undefined, undefined, { state: 'orphaned' });
    const answerer = lookupAnswerer(p);
    const { step: s, runs } = step((input) => answerer.answer(input));
    await answerer.take(take(), s);
    expect(runs).toHaveLength(1);
    expect(rec.reserveOptions).toEqual([{ leaseUntil: LEASE }, { takeover: true }]);
    expect(only(rec.sent)).toMatchObject({ code: 'OK' });
  });

  it('sends a resend the router carried through (another message) the very first reply when a fresh read reproduces it, else points at it', async () => {
    const first = ports();
    await lookupAnswerer(first.ports).take(take(), step().step);
    const answered = only(first.rec.sent);
    const kept = { ...only(first.rec.audits), auditId: AUDIT_ID };
    const resend = ports({ now: () => new Date(NOW.getTime() + 60_000) }, undefined, undefined, done(kept));
    await lookupAnswerer(resend.ports).take(take({ receivedMessageId: 'msg-9' }), step().step);
    expect(only(resend.rec.sent)).toEqual(answered);
    // A record whose reply a fresh read does not reproduce (here: another reply's digest) is pointed at, with no data.
    const other = ports({}, undefined, undefined, done(recordOf()));
    await lookupAnswerer(other.ports).take(take({ receivedMessageId: 'msg-9' }), step().step);
    expect([other.rec.sent.length, other.rec.audits.length]).toEqual([0, 0]);
    expect(only(other.rec.direct).reply).toMatchObject({
      code: 'ALREADY_ANSWERED',
      requestId: R1,
      original: { status: 'OK', code: 'OK', auditId: AUDIT_ID, repliedAt: firstReply.repliedAt, digest: digestOf(firstReply) },
    });
    expect(only(other.rec.direct).reply.data).toBeUndefined();
  });

  it('sends a redelivery of the message answered the very reply its record names (the reply may never have left), and points at it when it would differ', async () => {
    // The first answer, and the record it left.
    const first = ports();
    await lookupAnswerer(first.ports).take(take(), step().step);
    const answered = only(first.rec.sent);
    const kept = { ...only(first.rec.audits), auditId: AUDIT_ID };
    // The same message again, later: the same reply, byte for byte, under the same record.
    const later = () => new Date(NOW.getTime() + 3_600_000);
    const again = ports({ now: later }, undefined, undefined, done(kept));
    const { step: s, runs } = step();
    await lookupAnswerer(again.ports).take(take(), s);
    expect(runs).toEqual([]);
    expect(again.rec.reads).toBe(1);
    expect(only(again.rec.sent)).toEqual(answered);
    expect(only(again.rec.appendedWith)).toBeInstanceOf(Promise);
    expect(again.rec.direct).toEqual([]);
    // The registry's record changed since: the answer given is pointed at, not contradicted.
    const changed: RegistrySource = { get: async () => ({ ...record, updatedAt: '2026-05-20T00:00:00.000Z' }) };
    const moved = ports({ now: later }, changed, undefined, done(kept));
    await lookupAnswerer(moved.ports).take(take(), step().step);
    expect(moved.rec.sent).toEqual([]);
    expect(only(moved.rec.direct).reply).toMatchObject({
      code: 'ALREADY_ANSWERED',
      original: { code: 'OK', auditId: AUDIT_ID, repliedAt: answered.repliedAt, digest: digestOf(answered) },
    });
  });

  it('points at the first reply when the subject has gone from the registry since', async () => {
    const gone: RegistrySource = { get: async () => undefined };
    const { ports: p, rec } = ports({}, gone, undefined, done(recordOf()));
    await lookupAnswerer(p).take(take(), step().step);
    expect(rec.sent).toEqual([]);
    expect(rec.audits).toEqual([]);
    expect(only(rec.direct).reply).toMatchObject({ code: 'ALREADY_ANSWERED', original: { code: 'OK', digest: digestOf(firstReply) } });
  });

  it('asks the exclusive step about a record kept before replies were recorded (an earlier version’s idempotency record knows)', async () => {
    for (const record of [
      recordOf({ reply: undefined }),
      undefined,
      recordOf({ reply: { at: firstReply.repliedAt, seal: 'not-a-seal' } }),
      recordOf({ reply: { at: 7, seal: 'x' } }),
      recordOf({ status: undefined }),
      recordOf({ code: undefined }),
    ]) {
      const { ports: p, rec } = ports({}, undefined, undefined, done(record));
      const stored: StageOutcome = {
        outcome: 'answered',
        messageId: 'msg-1',
        reply: { status: 'OK', code: 'OK', auditId: AUDIT_ID, repliedAt: firstReply.repliedAt, digest: 'd' },
      };
      const { step: s, runs } = step(async () => ({ ...stored, replayed: true }));
      await lookupAnswerer(p).take(take({ receivedMessageId: 'msg-9' }), s);
      expect(runs).toHaveLength(1);
      expect(rec.reads).toBe(0);
      expect(only(rec.direct).reply).toMatchObject({ code: 'ALREADY_ANSWERED', original: stored.reply });
    }
  });

  it('sends nothing more when the exclusive step ran before for the same message, and REQUEST_ID_REUSED when it says the id was used by another request', async () => {
    const stored: StageOutcome = {
      outcome: 'answered',
      messageId: 'msg-1',
      reply: { status: 'OK', code: 'OK', auditId: AUDIT_ID, repliedAt: firstReply.repliedAt, digest: 'd' },
    };
    const same = ports({}, undefined, undefined, { state: 'orphaned' });
    await lookupAnswerer(same.ports).take(take(), step(async () => ({ ...stored, replayed: true })).step);
    expect([same.rec.sent.length, same.rec.direct.length]).toEqual([0, 0]);
    const fresh = ports({}, undefined, undefined, { state: 'orphaned' });
    // Run now (not read back): what it sent is its own answer, nothing is pointed at, even for another message.
    await lookupAnswerer(fresh.ports).take(take({ receivedMessageId: 'msg-9' }), step(async () => stored).step);
    expect([fresh.rec.sent.length, fresh.rec.direct.length]).toEqual([0, 0]);
    const reused = ports({}, undefined, undefined, { state: 'orphaned' });
    await lookupAnswerer(reused.ports).take(take(), step(undefined, true).step);
    expect(only(reused.rec.direct).reply).toMatchObject({ code: 'REQUEST_ID_REUSED', requestId: R1 });
    const failing = ports({}, undefined, undefined, { state: 'orphaned' });
    await expect(lookupAnswerer(failing.ports).take(take(), step().step)).rejects.toThrow('no step');
  });

  it('refuses REQUEST_ID_REUSED for a record older than the window, whoever it points at, and asks no step', async () => {
    const old = new Date(NOW.getTime() - (REQUEST_ID_WINDOW_SECONDS * 1000 + 1)).toISOString();
    for (const [record, messageId] of [
      [recordOf({ at: old }), 'msg-9'],
      [recordOf({ at: old }), 'msg-1'],
      [recordOf({ at: old, reply: undefined }), 'msg-9'],
    ] as const) {
      const { ports: p, rec } = ports({}, undefined, undefined, done(record, old));
      const { step: s, runs } = step();
      await lookupAnswerer(p).take(take({ receivedMessageId: messageId }), s);
      expect(runs).toEqual([]);
      expect([rec.sent.length, rec.audits.length]).toEqual([0, 0]);
      expect(only(rec.direct).reply).toMatchObject({ code: 'REQUEST_ID_REUSED', status: 'INVALID' });
    }
  });

  it('answers a failure on the final attempt under the marker written, and rethrows it before', async () => {
    const down: RegistrySource = { get: async () => Promise.reject(new RegistryUnavailableError('down')) };
    const before = ports({}, down);
    await expect(lookupAnswerer(before.ports).take(take(), step().step)).rejects.toThrow(RegistryUnavailableError);
    expect(before.rec.audits).toEqual([]);
    const last = ports({}, down);
    await lookupAnswerer(last.ports).take({ ...take(), finalAttempt: true }, step().step);
    expect(only(last.rec.audits)).toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
    expect(only(last.rec.appendedWith)).toBeInstanceOf(Promise);
    // A marker that could not be written: the failure is answered, recorded on its own.
    const unwritten = ports({
      responder: {
        ...before.ports.responder,
        audit: { ...before.ports.responder.audit, reserve: async () => Promise.reject(new Error('throttled')) },
      },
    });
    await expect(lookupAnswerer(unwritten.ports).take(take(), step().step)).rejects.toThrow('throttled');
    const unwrittenLast = ports();
    unwrittenLast.ports.responder.audit.reserve = async () => Promise.reject(new Error('throttled'));
    await lookupAnswerer(unwrittenLast.ports).take({ ...take(), finalAttempt: true }, step().step);
    expect(only(unwrittenLast.rec.audits)).toMatchObject({ code: 'INTERNAL' });
    expect(unwrittenLast.rec.appendedWith).toEqual([undefined]);
  });

  it('reads the consent (beside the marker) only for a lookup made under consent', async () => {
    let gets = 0;
    const counting = {
      get: async () => {
        gets++;
        return consent;
      },
    };
    const legalPorts = ports({ consents: counting });
    await lookupAnswerer(legalPorts.ports).take(take(), step().step);
    expect(gets).toBe(0);
    const consented = ports({ consents: counting });
    await lookupAnswerer(consented.ports).take({ lookup: consentLookup(), version: residence, finalAttempt: false, leaseUntil: LEASE }, step().step);
    expect(gets).toBe(1);
    expect(only(consented.rec.sent)).toMatchObject({ code: 'OK' });
  });

  it('returns, from the exclusive step, the first reply pointed at when it would now differ', async () => {
    const gone: RegistrySource = { get: async () => undefined };
    const { ports: p, rec } = ports({}, gone, undefined, done(recordOf()));
    const out = await lookupAnswerer(p).answer({ lookup: legalLookup(), version: identity, finalAttempt: false });
    expect(out).toEqual({
      outcome: 'answered',
      messageId: 'msg-1',
      reply: { status: 'OK', code: 'OK', auditId: AUDIT_ID, repliedAt: firstReply.repliedAt, digest: digestOf(firstReply) },
    });
    expect(only(rec.direct).reply.code).toBe('ALREADY_ANSWERED');
  });
});
