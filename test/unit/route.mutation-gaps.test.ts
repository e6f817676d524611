/**
 * The router's half of a lookup (domain/lookup/route.ts) over fake ports: what it audits, replies,
 * forwards and observes for each outcome, and the resend protocol. No engine, no AWS.
 */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { withLifecycle, type Contract, type Lifecycle } from '../../contracts/model.ts';
import { asShipped } from './shipped.ts';
import type { LookupReply } from '../../contracts/protocol.ts';
import type { AuditEntry } from '../../domain/audit/records.ts';
import { consentTermsDigest, type ConsentRecord } from '../../domain/consent/consent.ts';
import { readEnvelope } from '../../domain/lookup/envelope.ts';
import type { ForwardedLookup } from '../../domain/lookup/forwarded.ts';
import type { StageOutcome } from '../../domain/lookup/resend.ts';
import type { KeyedRouteInput, OnceStep } from '../../domain/lookup/intake.ts';
import { lookupRouter, type RouterPorts } from '../../domain/lookup/route.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { consentRecord } from '../fixtures/consent.ts';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const hash = subjectHasher('pepper');
const REQUEST_ID = '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e';

function contractWith(id: string, lifecycle: Lifecycle): Contract {
  const d = findContract(id);
  if (!d) throw new Error(`no contract ${id}`);
  return withLifecycle(d, asShipped(d, lifecycle));
}

const legalBody = {
  requestId: REQUEST_ID,
  contract: 'population.identity-verification',
  purpose: 'LAND_REGISTRATION',
  subject: { nationalId: '001203004567' },
};
const consentBody = {
  requestId: REQUEST_ID,
  contract: 'population.residence',
  purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
  subject: { nationalId: '001203004567' },
  consentId: 'cns-1',
};

/** The router's records as for a request seen the first time: every step runs, every record is stored. */
const direct: OnceStep = { run: (_input, step) => step(), record: async () => undefined, isReused: () => false, isInProgress: () => false };

const consent: ConsentRecord = consentRecord({ subjectHash: hash({ nationalId: '001203004567' }) });

function input(body: unknown, over: Partial<KeyedRouteInput> = {}): KeyedRouteInput {
  return {
    key: 'hanoi-land-office:key',
    consumer: 'hanoi-land-office',
    envelope: readEnvelope(typeof body === 'string' ? body : JSON.stringify(body)),
    digest: 'digest-1',
    messageId: 'msg-1',
    receivedAt: '2026-06-01T09:59:59.000Z',
    finalAttempt: false,
    ...over,
  };
}

interface Recorded {
  audits: AuditEntry[];
  sent: Array<{ queue: string; body: LookupReply }>;
  forwards: Array<{ lookup: ForwardedLookup; registry: string }>;
  direct: Array<{ consumer: string; reply: LookupReply }>;
  rate: Array<{ consumer: string; contract: string; perMinute: number }>;
  consentReads: string[];
  uses: string[];
  events: Array<[string, unknown]>;
}

function ports(
  over: Partial<RouterPorts> = {},
  opts: { contract?: Contract; allowed?: boolean; consent?: ConsentRecord; useOk?: boolean; authentic?: boolean } = {},
): { ports: RouterPorts; rec: Recorded } {
  const rec: Recorded = { audits: [], sent: [], forwards: [], direct: [], rate: [], consentReads: [], uses: [], events: [] };
  const p: RouterPorts = {
    contracts: {
      load: async (id) => (opts.contract && opts.contract.id === id ? opts.contract : findContract(id) ? contractWith(id, { status: 'active' }) : undefined),
    },
    rateLimit: {
      take: async (consumer, contract, perMinute) => {
        rec.rate.push({ consumer, contract, perMinute });
        return opts.allowed ?? true;
      },
    },
    consents: {
      get: async (id) => {
        rec.consentReads.push(id);
        return opts.consent;
      },
      use: async (_c, useId) => {
        rec.uses.push(useId);
        return opts.useOk ?? true;
      },
    },
    consentAuthentic: async () => () => opts.authentic ?? true,
    hashSubject: async () => hash,
    responder: {
      audit: {
        append: async (entry) => {
          rec.audits.push(entry);
          return { auditId: `audit-${rec.audits.length}` };
        },
      },
      queues: {
        sendJson: async (queue, body) => {
          rec.sent.push({ queue, body: body as LookupReply });
        },
      },
    },
    forward: async (lookup, registry) => {
      rec.forwards.push({ lookup, registry });
    },
    send: async (consumer, reply) => {
      rec.direct.push({ consumer, reply });
    },
    observe: {
      answered: (e) => rec.events.push(['answered', e]),
      forwarded: (e) => rec.events.push(['forwarded', e]),
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

describe('route: requests refused before the contract is read', () => {
  it('answers a malformed message with its code, audited by the router, replying with the message id', async () => {
    const { ports: p, rec } = ports();
    const out = await lookupRouter(p).route(input('{not json'), direct);
    const audit = only(rec.audits);
    expect(audit).toEqual({
      at: NOW.toISOString(),
      consumer: 'hanoi-land-office',
      requestId: null,
      receivedMessageId: 'msg-1',
      fields: [],
      recordedBy: 'router',
      status: 'INVALID',
      code: 'MALFORMED_MESSAGE',
    });
    const { queue, body } = only(rec.sent);
    expect(queue).toContain('hanoi-land-office');
    expect(body).toMatchObject({ requestId: null, receivedMessageId: 'msg-1', code: 'MALFORMED_MESSAGE', status: 'INVALID' });
    expect(body.issues).toBeDefined();
    expect(body).not.toHaveProperty('contract');
    // The reply is made at the service's clock, as its audit record is.
    expect(body.repliedAt).toBe(NOW.toISOString());
    expect(out).toMatchObject({
      outcome: 'answered',
      messageId: 'msg-1',
      reply: { code: 'MALFORMED_MESSAGE', status: 'INVALID', auditId: 'audit-1', repliedAt: body.repliedAt },
    });
    expect(out).not.toHaveProperty('contract');
    expect(rec.events).toEqual([
      ['answered', { consumer: 'hanoi-land-office', requestId: null, contract: undefined, code: 'MALFORMED_MESSAGE', receivedAt: '2026-06-01T09:59:59.000Z' }],
    ]);
    expect(rec.forwards).toEqual([]);
  });

  it('replies with the requestId and without the message id when the request names one', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).route(input({ ...legalBody, contract: 'population.nothing' }), direct);
    const { body } = only(rec.sent);
    expect(body).toMatchObject({ requestId: REQUEST_ID, code: 'UNKNOWN_CONTRACT', contract: 'population.nothing', purpose: 'LAND_REGISTRATION' });
    expect(body).not.toHaveProperty('receivedMessageId');
    expect(body).not.toHaveProperty('version');
    expect(body).not.toHaveProperty('issues');
  });
});

describe('route: admission refused', () => {
  it('audits the subject hash and the version of a non-consumer, and answers without reading consent or the rate limit', async () => {
    const { ports: p, rec } = ports();
    const out = await lookupRouter(p).route(input(legalBody, { consumer: 'some-bank' }), direct);
    const audit = only(rec.audits);
    expect(audit).toMatchObject({
      code: 'NOT_A_CONSUMER',
      requestId: REQUEST_ID,
      contract: 'population.identity-verification',
      version: '1.0.0',
      purpose: 'LAND_REGISTRATION',
      subjectHash: hash({ nationalId: '001203004567' }),
    });
    expect(only(rec.sent).body).toMatchObject({ version: '1.0.0', contract: 'population.identity-verification' });
    expect(out).toMatchObject({ contract: 'population.identity-verification', version: '1.0.0', purpose: 'LAND_REGISTRATION' });
    expect(rec.rate).toEqual([]);
    expect(rec.consentReads).toEqual([]);
  });

  it('never hashes a subject that does not fit the contract, and passes on the issues', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).route(input({ ...legalBody, subject: { nationalId: '999203004567' } }), direct);
    const audit = only(rec.audits);
    expect(audit.code).toBe('SCHEMA_VIOLATION');
    expect(audit).not.toHaveProperty('subjectHash');
    expect(only(rec.sent).body.issues?.[0]?.path).toMatch(/^subject/);
  });

  it('audits an unknown contract without a version', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).route(input({ ...legalBody, contract: 'population.nothing' }), direct);
    expect(only(rec.audits)).not.toHaveProperty('version');
  });

  it('carries onBehalfOf into the audit record', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).route(input({ ...legalBody, onBehalfOf: 'officer-7' }, { consumer: 'some-bank' }), direct);
    expect(only(rec.audits).onBehalfOf).toBe('officer-7');
  });
});

describe('route: the rate limit', () => {
  it('takes one unit for the consumer and contract at the version’s limit, and answers RATE_LIMITED when none is left', async () => {
    const { ports: p, rec } = ports({}, { allowed: false });
    const out = await lookupRouter(p).route(input(legalBody), direct);
    const version = findContract('population.identity-verification')?.versions[0];
    expect(rec.rate).toEqual([
      { consumer: 'hanoi-land-office', contract: 'population.identity-verification', perMinute: version?.rateLimit.perAgencyPerMinute },
    ]);
    expect(only(rec.audits)).toMatchObject({
      code: 'RATE_LIMITED',
      version: '1.0.0',
      registry: 'population',
      subjectHash: hash({ nationalId: '001203004567' }),
    });
    expect(out.outcome).toBe('answered');
    expect(rec.forwards).toEqual([]);
  });
});

describe('route: forwarding', () => {
  it('forwards a lookup on its legal basis to the provider, with the terms it decided, and audits nothing yet', async () => {
    const { ports: p, rec } = ports();
    const out = await lookupRouter(p).route(input(legalBody), direct);
    const { lookup, registry } = only(rec.forwards);
    expect(registry).toBe('population');
    expect(lookup).toMatchObject({
      kind: 'ndx.forwarded-lookup.v1',
      consumer: 'hanoi-land-office',
      version: '1.0.0',
      basis: { kind: 'legal', id: 'pdpl-19-1-c-land' },
      subjectHash: hash({ nationalId: '001203004567' }),
      requestDigest: 'digest-1',
      receivedMessageId: 'msg-1',
      receivedAt: '2026-06-01T09:59:59.000Z',
    });
    expect(lookup.request.requestId).toBe(REQUEST_ID);
    expect(lookup).not.toHaveProperty('notice');
    expect(lookup).not.toHaveProperty('consentTermsDigest');
    expect(rec.consentReads).toEqual([]);
    expect(rec.audits).toEqual([]);
    expect(out).toEqual({
      outcome: 'forwarded',
      messageId: 'msg-1',
      registry: 'population',
      forward: expect.objectContaining({ version: '1.0.0', requestDigest: 'digest-1' }),
    });
    expect(rec.events).toEqual([
      [
        'forwarded',
        { consumer: 'hanoi-land-office', requestId: REQUEST_ID, contract: 'population.identity-verification', version: '1.0.0', registry: 'population' },
      ],
    ]);
  });

  it('carries the deprecation notice of a deprecated version', async () => {
    const contract = contractWith('population.identity-verification', { status: 'deprecated', sunset: '2027-01-01' });
    const { ports: p, rec } = ports({}, { contract });
    await lookupRouter(p).route(input(legalBody), direct);
    expect(only(rec.forwards).lookup.notice).toMatchObject({ kind: 'DEPRECATED', sunset: '2027-01-01' });
  });
});

describe('route: consent', () => {
  const asCitizenService = { consumer: 'hcmc-public-services' };

  it('forwards on a consent that covers the lookup, counting one use per agency and request, with the terms’ digest', async () => {
    const { ports: p, rec } = ports({}, { consent });
    const out = await lookupRouter(p).route(input(consentBody, asCitizenService), direct);
    expect(rec.consentReads).toEqual(['cns-1']);
    expect(rec.uses).toEqual([`hcmc-public-services/${REQUEST_ID}`]);
    const { lookup } = only(rec.forwards);
    expect(lookup.basis).toEqual({ kind: 'consent', consentId: 'cns-1' });
    expect(lookup.consentTermsDigest).toBe(consentTermsDigest(consent));
    expect(out.outcome).toBe('forwarded');
  });

  it('answers CONSENT_LIMIT_REACHED when the use cannot be counted', async () => {
    const { ports: p, rec } = ports({}, { consent, useOk: false });
    await lookupRouter(p).route(input(consentBody, asCitizenService), direct);
    expect(only(rec.audits)).toMatchObject({
      code: 'CONSENT_LIMIT_REACHED',
      basis: { kind: 'consent', consentId: 'cns-1' },
      version: '1.0.0',
      registry: 'population',
    });
    expect(rec.forwards).toEqual([]);
  });

  it('answers the check’s denial and counts no use', async () => {
    const { ports: p, rec } = ports({}, { consent: { ...consent, status: 'PAUSED' } });
    await lookupRouter(p).route(input(consentBody, asCitizenService), direct);
    expect(only(rec.audits).code).toBe('CONSENT_PAUSED');
    expect(rec.uses).toEqual([]);
  });

  it('answers CONSENT_REQUIRED when the consent is missing or its signature is not the platform’s', async () => {
    for (const opts of [{}, { consent, authentic: false }]) {
      const { ports: p, rec } = ports({}, opts);
      await lookupRouter(p).route(input(consentBody, asCitizenService), direct);
      expect(only(rec.audits).code).toBe('CONSENT_REQUIRED');
      expect(rec.uses).toEqual([]);
    }
  });
});

describe('route: failures', () => {
  const failing = { hashSubject: async () => Promise.reject(new TypeError('boom')) } satisfies Partial<RouterPorts>;

  it('rethrows before the final attempt, so the message is retried', async () => {
    const { ports: p, rec } = ports(failing);
    await expect(lookupRouter(p).route(input(legalBody), direct)).rejects.toThrow('boom');
    expect(rec.audits).toEqual([]);
    expect(rec.events).toEqual([]);
  });

  it('answers INTERNAL on the final attempt and reports the error’s name only', async () => {
    const { ports: p, rec } = ports(failing);
    const out = await lookupRouter(p).route(input(legalBody, { finalAttempt: true }), direct);
    expect(only(rec.audits)).toMatchObject({ code: 'INTERNAL', requestId: REQUEST_ID, status: 'ERROR' });
    expect(rec.events[0]).toEqual(['failed', { consumer: 'hanoi-land-office', messageId: 'msg-1', error: 'TypeError' }]);
    expect(out).toMatchObject({ outcome: 'answered', reply: { code: 'INTERNAL' } });
    // The subject could not be hashed: the record names none.
    expect(only(rec.audits).subjectHash).toBeUndefined();
  });

  it('names the subject in the INTERNAL record when it can still be hashed (its marker is kept with the subject’s)', async () => {
    const takeFails = { rateLimit: { take: async () => Promise.reject(new Error('throttled')) } } satisfies Partial<RouterPorts>;
    const { ports: p, rec } = ports(takeFails);
    await lookupRouter(p).route(input(legalBody, { finalAttempt: true }), direct);
    expect(only(rec.audits)).toMatchObject({ code: 'INTERNAL', subjectHash: hash({ nationalId: '001203004567' }) });
    // An admission that fails for another reason than the subject still names it, as decide does.
    const { ports: q, rec: r2 } = ports({ ...takeFails, contracts: { load: async () => Promise.reject(new Error('down')) } });
    await lookupRouter(q).route(input(legalBody, { finalAttempt: true }), direct);
    expect(only(r2.audits).subjectHash).toBeUndefined();
    const { ports: u, rec: r3 } = ports({ ...failing, contracts: { load: async () => undefined } });
    await lookupRouter(u).route(input(legalBody, { finalAttempt: true }), direct);
    expect(only(r3.audits).subjectHash).toBeUndefined();
  });

  it('names no subject in the INTERNAL record of a malformed subject or an unreadable request', async () => {
    const takeFails = { rateLimit: { take: async () => Promise.reject(new Error('throttled')) } } satisfies Partial<RouterPorts>;
    // The audit write fails once (the first answer), then works: the final attempt's INTERNAL is what is recorded.
    for (const body of [{ ...legalBody, subject: { nationalId: '12' } }, 'not json']) {
      let calls = 0;
      const { ports: p, rec } = ports(takeFails);
      const append = p.responder.audit.append;
      p.responder.audit.append = async (e, r) => {
        if (calls++ === 0) throw new Error('audit down');
        return append(e, r);
      };
      await lookupRouter(p).route(input(body, { finalAttempt: true }), direct);
      expect(only(rec.audits)).toMatchObject({ code: 'INTERNAL' });
      expect(only(rec.audits).subjectHash).toBeUndefined();
    }
  });

  it('names the subject of a contract it does not know (as decide does for UNKNOWN_CONTRACT)', async () => {
    let calls = 0;
    const { ports: p, rec } = ports({ contracts: { load: async () => undefined } });
    const append = p.responder.audit.append;
    p.responder.audit.append = async (e, r) => {
      if (calls++ === 0) throw new Error('audit down');
      return append(e, r);
    };
    await lookupRouter(p).route(input(legalBody, { finalAttempt: true }), direct);
    expect(only(rec.audits)).toMatchObject({ code: 'INTERNAL', subjectHash: hash({ nationalId: '001203004567' }) });
  });
});

/** The router's records kept in memory, as aws/idempotency.ts keeps them: a record met comes back replayed. */
function memoryOnce(): OnceStep & { records: Map<string, StageOutcome> } {
  const records = new Map<string, StageOutcome>();
  const met = (key: string) => {
    const stored = records.get(key);
    return stored ? { ...stored, replayed: true as const } : undefined;
  };
  return {
    records,
    async run(input, step) {
      const stored = met(input.key);
      if (stored) return stored;
      const outcome = await step();
      records.set(input.key, outcome);
      return outcome;
    },
    async record(input, outcome) {
      const stored = met(input.key);
      if (!stored) records.set(input.key, outcome);
      return stored;
    },
    isReused: () => false,
    isInProgress: () => false,
  };
}

describe('route: the router’s records', () => {
  it('records a forward before it is sent, and sends nothing when a record is met (the resend protocol takes it)', async () => {
    const once = memoryOnce();
    const { ports: p, rec } = ports();
    const first = await lookupRouter(p).route(input(legalBody), once);
    expect(first).toMatchObject({ outcome: 'forwarded', messageId: 'msg-1', registry: 'population' });
    expect(once.records.get('hanoi-land-office:key')).toEqual(first);
    expect(rec.forwards).toHaveLength(1);
    const again = await lookupRouter(p).route(input(legalBody, { messageId: 'msg-2' }), once);
    expect(again).toEqual({ ...first, replayed: true });
    expect(rec.forwards).toHaveLength(1);
  });

  it('answers a resend by its record even when the agency is now over its rate limit (the resend is counted, not refused)', async () => {
    const once = memoryOnce();
    const { ports: p } = ports();
    const first = await lookupRouter(p).route(input(legalBody), once);
    const { ports: q, rec } = ports({}, { allowed: false });
    const again = await lookupRouter(q).route(input(legalBody, { messageId: 'msg-2' }), once);
    expect(again).toEqual({ ...first, replayed: true });
    expect(rec.rate).toHaveLength(1);
    expect([rec.audits, rec.sent, rec.forwards]).toEqual([[], [], []]);
  });

  it('on the final attempt, answers INTERNAL when its own recorded forward could not be sent (the record stays for a resend)', async () => {
    const once = memoryOnce();
    const { ports: p, rec } = ports({ forward: async () => Promise.reject(new Error('queue down')) });
    const out = await lookupRouter(p).route(input(legalBody, { finalAttempt: true }), once);
    expect(out).toMatchObject({ outcome: 'answered', reply: { code: 'INTERNAL' } });
    expect(out).not.toHaveProperty('replayed');
    expect(only(rec.audits)).toMatchObject({ code: 'INTERNAL', requestId: REQUEST_ID });
    expect(only(rec.sent).body).toMatchObject({ code: 'INTERNAL', requestId: REQUEST_ID });
    expect(once.records.get('hanoi-land-office:key')).toMatchObject({ outcome: 'forwarded', messageId: 'msg-1' });
    // Not on the final attempt: rethrown, so the message is retried (and its record sends the forward again).
    const { ports: q } = ports({ forward: async () => Promise.reject(new Error('queue down')) });
    await expect(lookupRouter(q).route(input(legalBody), memoryOnce())).rejects.toThrow('queue down');
  });

  it('on the final attempt, gives back a record another message made instead of answering INTERNAL', async () => {
    const once = memoryOnce();
    const { ports: p } = ports();
    const first = await lookupRouter(p).route(input(legalBody), once);
    const { ports: q, rec } = ports({ forward: async () => Promise.reject(new Error('queue down')) });
    // A failure before the record is met (the rate limit), on another message's final attempt.
    q.rateLimit.take = async () => Promise.reject(new Error('throttled'));
    const out = await lookupRouter(q).route(input(legalBody, { messageId: 'msg-2', finalAttempt: true }), once);
    expect(out).toEqual({ ...first, replayed: true });
    expect(rec.audits).toEqual([]);
  });

  it('lets a reused id or a step in progress through on the final attempt (no INTERNAL answer)', async () => {
    for (const flag of ['isReused', 'isInProgress'] as const) {
      const once = { ...memoryOnce(), [flag]: () => true, record: async () => Promise.reject(new Error('taken')) };
      const { ports: p, rec } = ports();
      await expect(lookupRouter(p).route(input(legalBody, { finalAttempt: true }), once)).rejects.toThrow('taken');
      expect(rec.audits).toEqual([]);
    }
  });
});

describe('route: the resend protocol', () => {
  const answered: StageOutcome = {
    outcome: 'answered',
    messageId: 'msg-1',
    reply: { status: 'OK', code: 'OK', auditId: 'a-1', repliedAt: '2026-06-01T10:00:00.000Z', digest: 'd' },
    contract: 'population.identity-verification',
    version: '1.0.0',
    purpose: 'LAND_REGISTRATION',
  };
  const forwarded: StageOutcome = {
    outcome: 'forwarded',
    messageId: 'msg-1',
    registry: 'population',
    forward: { version: '1.0.0', basis: { kind: 'legal', id: 'b', instrument: 'i', article: 'a' }, subjectHash: 'h', requestDigest: 'digest-1' },
  };

  it('does nothing for the same message delivered again when the router answered it', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).resent(input(legalBody), answered);
    expect([rec.direct, rec.forwards, rec.sent, rec.events]).toEqual([[], [], [], []]);
  });

  it('forwards again the same message delivered again when its forward was recorded (it may never have left)', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).resent(input(legalBody), forwarded);
    expect(rec.forwards.map((f) => [f.registry, f.lookup.receivedMessageId, f.lookup.subjectHash])).toEqual([['population', 'msg-1', 'h']]);
    expect(rec.direct).toEqual([]);
  });

  it('points another message at the first answer', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).resent(input(legalBody, { messageId: 'msg-2' }), answered);
    const { consumer, reply } = only(rec.direct);
    expect(consumer).toBe('hanoi-land-office');
    expect(reply).toMatchObject({
      code: 'ALREADY_ANSWERED',
      requestId: REQUEST_ID,
      contract: 'population.identity-verification',
      version: '1.0.0',
      purpose: 'LAND_REGISTRATION',
      original: answered.reply,
      repliedAt: NOW.toISOString(),
    });
    expect(rec.events).toEqual([
      [
        'answered',
        {
          consumer: 'hanoi-land-office',
          requestId: REQUEST_ID,
          contract: 'population.identity-verification',
          code: 'ALREADY_ANSWERED',
          receivedAt: '2026-06-01T09:59:59.000Z',
        },
      ],
    ]);
  });

  it('points without the fields the first answer did not have', async () => {
    const { ports: p, rec } = ports();
    const bare: StageOutcome = { outcome: 'answered', messageId: 'msg-1', reply: answered.reply };
    await lookupRouter(p).resent(input(legalBody, { messageId: 'msg-2' }), bare);
    const { reply } = only(rec.direct);
    expect(reply).not.toHaveProperty('contract');
    expect(reply).not.toHaveProperty('version');
    expect(reply).not.toHaveProperty('purpose');
  });

  it('forwards again a lookup forwarded before, as the new message, with the stored terms', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).resent(input(legalBody, { messageId: 'msg-2' }), forwarded);
    const { lookup, registry } = only(rec.forwards);
    expect(registry).toBe('population');
    expect(lookup).toMatchObject({ receivedMessageId: 'msg-2', version: '1.0.0', subjectHash: 'h', basis: { id: 'b' } });
    expect(rec.events).toEqual([
      [
        'forwarded',
        { consumer: 'hanoi-land-office', requestId: REQUEST_ID, contract: 'population.identity-verification', version: '1.0.0', registry: 'population' },
      ],
    ]);
  });

  it('forwards nothing for a resent message that is not a request', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).resent(input('{not json', { messageId: 'msg-2' }), forwarded);
    expect(rec.forwards).toEqual([]);
  });

  it('answers REQUEST_ID_REUSED for another request under a used requestId, and for a message without one', async () => {
    const { ports: p, rec } = ports();
    await lookupRouter(p).reused(input(legalBody, { messageId: 'msg-2' }));
    await lookupRouter(p).reused(input('{not json', { messageId: 'msg-3' }));
    expect(rec.direct.map((d) => [d.reply.code, d.reply.requestId])).toEqual([
      ['REQUEST_ID_REUSED', REQUEST_ID],
      ['REQUEST_ID_REUSED', null],
    ]);
  });
});
