/**
 * The small domain modules: audit records and ids (domain/audit/records.ts), subjects and actors
 * (domain/subject.ts, domain/actor.ts), ending a lookup (domain/lookup/respond.ts) and the contract
 * catalogue's cache (domain/contracts/catalog.ts), each at its exact limits.
 */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { withLifecycle, type Contract, type ContractDefinition } from '../../contracts/model.ts';
import type { LookupReply } from '../../contracts/protocol.ts';
import {
  AuditContentionError,
  AuditEntry,
  AuditEvent,
  AuditRecord,
  AuditRecordNotFoundError,
  auditIdOf,
  auditShards,
  consentAuditId,
  KINDS,
  markerKey,
} from '../../domain/audit/records.ts';
import { Actor, ActorError, actorOf } from '../../domain/actor.ts';
import { ContractCatalog } from '../../domain/contracts/catalog.ts';
import { deliver, respond } from '../../domain/lookup/respond.ts';
import { knownSubject, SubjectError, subjectFor } from '../../domain/subject.ts';

function definition(id: string): ContractDefinition {
  const d = findContract(id);
  if (!d) throw new Error(`no contract ${id}`);
  return d;
}

describe('audit ids', () => {
  it('names a lookup by agency and requestId, or by message when it has no requestId', () => {
    expect(auditIdOf('agency-a', 'req-1', 'msg-1')).toBe('agency-a/req-1');
    expect(auditIdOf('agency-a', null, 'msg-1')).toBe('agency-a/message/msg-1');
    expect(consentAuditId('cns-1', 0)).toBe('consent/cns-1/0');
    expect(markerKey('lookup', 'a/b')).toEqual({ pk: 'lookup#a/b', sk: 'record' });
    expect(KINDS).toEqual(['lookup', 'consent-change', 'audit-hide', 'security']);
  });

  it('names its errors', () => {
    expect([new AuditRecordNotFoundError('x').name, new AuditContentionError('x').name]).toEqual(['AuditRecordNotFoundError', 'AuditContentionError']);
  });
});

describe('auditShards (NDX_AUDIT_SHARDS)', () => {
  it('defaults to 16 when unset or empty', () => {
    expect(auditShards({})).toBe(16);
    expect(auditShards({ NDX_AUDIT_SHARDS: '' })).toBe(16);
  });

  it('takes an integer from 1 to 1024, both limits included', () => {
    expect(auditShards({ NDX_AUDIT_SHARDS: '1' })).toBe(1);
    expect(auditShards({ NDX_AUDIT_SHARDS: '1024' })).toBe(1024);
  });

  it.each(['0', '1025', '2.5', 'x', '-1'])('refuses %s, saying what it takes', (raw) => {
    expect(() => auditShards({ NDX_AUDIT_SHARDS: raw })).toThrow(`NDX_AUDIT_SHARDS must be an integer from 1 to 1024, got "${raw}"`);
  });
});

describe('audit record schemas', () => {
  const lookup = {
    at: '2026-06-01T00:00:00.000Z',
    consumer: 'a',
    requestId: null,
    receivedMessageId: 'm',
    fields: [],
    status: 'OK',
    code: 'OK',
    recordedBy: 'router',
  };
  const chain = { auditId: 'a/m', recordedAt: '2026-06-01T00:00:00.000Z', pk: 'chain#p', sk: '000000000001', partition: 'p', seq: 1, prevHash: 'x', hash: 'y' };
  const consentChange = {
    kind: 'consent-change',
    at: '2026-06-01T00:00:00.000Z',
    consentId: 'c',
    change: 'GRANTED',
    by: 'portal',
    subjectHash: 'h',
    consumer: 'a',
    contract: 'x.y',
    major: 1,
    purposes: ['P'],
  };
  const hide = {
    kind: 'audit-hide',
    at: '2026-06-01T00:00:00.000Z',
    target: 't',
    hiddenUntil: '2026-07-01T00:00:00.000Z',
    reason: 'investigation',
    by: 'officer',
  };
  const security = {
    kind: 'security',
    at: '2026-06-01T00:00:00.000Z',
    stage: 'adapter',
    registry: 'population',
    reason: 'BAD_MAC',
    messageId: 'm',
    bodyDigest: 'd',
  };

  it('accept each kind of event, and each as a chained record', () => {
    expect(AuditEntry.parse(lookup)).toEqual(lookup);
    for (const e of [{ kind: 'lookup', ...lookup }, consentChange, hide, security]) {
      expect(AuditEvent.parse(e)).toEqual(e);
      expect(AuditRecord.parse({ ...e, ...chain })).toEqual({ ...e, ...chain });
    }
  });

  it.each([
    ['a lookup recorded by someone else', { kind: 'lookup', ...lookup, recordedBy: 'agency' }],
    ['a lookup with an unknown code', { kind: 'lookup', ...lookup, code: 'MAYBE' }],
    ['a lookup with an unknown status', { kind: 'lookup', ...lookup, status: 'FINE' }],
    ['a lookup at no datetime', { kind: 'lookup', ...lookup, at: 'today' }],
    ['a lookup with an extra field', { kind: 'lookup', ...lookup, extra: 1 }],
    ['a consent change of an unknown kind', { ...consentChange, change: 'EDITED' }],
    ['a consent change with a fractional major', { ...consentChange, major: 1.5 }],
    ['a consent change without purposes', { ...consentChange, purposes: undefined }],
    ['a hide without a reason', { ...hide, reason: '' }],
    ['a hide until no datetime', { ...hide, hiddenUntil: 'later' }],
    ['a security event of another stage', { ...security, stage: 'router' }],
    ['a security event with an unknown reason', { ...security, reason: 'BAD_LUCK' }],
    ['an unknown kind', { ...security, kind: 'other' }],
  ])('refuse %s', (_what, event) => {
    expect(AuditEvent.safeParse(event).success).toBe(false);
  });

  it('refuse a chained record out of the chain: seq 0 or fractional, no hash, no datetime', () => {
    const e = { kind: 'lookup', ...lookup };
    for (const over of [
      { seq: 0 },
      { seq: 1.5 },
      { hash: undefined },
      { prevHash: undefined },
      { recordedAt: 'x' },
      { partition: undefined },
      { pk: undefined },
      { sk: undefined },
      { auditId: undefined },
    ]) {
      expect(AuditRecord.safeParse({ ...e, ...chain, ...over }).success, JSON.stringify(over)).toBe(false);
    }
  });
});

describe('subjects', () => {
  const identity = definition('population.identity-verification');
  const version = identity.versions[0];
  if (!version) throw new Error('no version');

  it('returns a subject that is exactly the version’s', () => {
    expect(subjectFor(version, identity.id, { nationalId: '001203004567' })).toEqual({ nationalId: '001203004567' });
  });

  it('names each wrong key and why, never the value', () => {
    const error = (() => {
      try {
        subjectFor(version, identity.id, { nationalId: '12', extra: 'secret-value' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SubjectError);
    expect(error?.name).toBe('SubjectError');
    expect(error?.message).toMatch(/^not a subject of population\.identity-verification@1\.0\.0 \(it takes nationalId\): /);
    expect(error?.message).toContain('not a key of this subject (extra)');
    expect(error?.message).toMatch(/nationalId: /);
    expect(error?.message).not.toContain('secret-value');
    expect(() => subjectFor(version, identity.id, {})).toThrow(/nationalId: missing/);
  });

  it('knows a subject of some contract', () => {
    expect(knownSubject({ nationalId: '001203004567' })).toEqual({ nationalId: '001203004567' });
  });

  it('says what is wrong with a subject whose keys some contract takes', () => {
    expect(() => knownSubject({ nationalId: '12' })).toThrow(/^not a valid subject: nationalId: /);
  });

  it('lists the subjects there are when no contract takes these keys', () => {
    expect(() => knownSubject({ colour: 'red' })).toThrow(/^no contract looks anything up by colour; subjects are .*nationalId/);
    expect(() => knownSubject({})).toThrow(/^no contract looks anything up by nothing; subjects are /);
    expect(() => knownSubject({ b: '1', a: '2' }, [identity])).toThrow('no contract looks anything up by a+b; subjects are nationalId');
  });

  it('matches the keys in any order', () => {
    const two: ContractDefinition = {
      ...identity,
      versions: [{ ...version, subject: version.subject.extend({ a: version.subject.shape.nationalId }) }],
    };
    expect(() => knownSubject({ nationalId: '1', a: '2' }, [two])).toThrow(/^not a valid subject: /);
  });
});

describe('actors', () => {
  it('takes an identity, trimmed', () => {
    expect(actorOf('  steward@test ')).toBe('steward@test');
    expect(actorOf('x'.repeat(200))).toHaveLength(200);
  });

  it.each([
    [undefined, 'an actor is required'],
    ['', 'an actor is required'],
    ['   ', 'an actor is required'],
    ['x'.repeat(201), 'at most 200 characters'],
    ['unknown', 'not an identity'],
    ['Anonymous', 'not an identity'],
    ['undefined', 'not an identity'],
    ['NULL', 'not an identity'],
  ])('refuses %j: %s', (value, why) => {
    expect(() => actorOf(value)).toThrow(new ActorError(`who is acting is not known (${why}): every change records an identity`));
  });

  it('accepts names that only contain a refused word', () => {
    expect(Actor.parse('unknown-user')).toBe('unknown-user');
    expect(Actor.parse('the-anonymous')).toBe('the-anonymous');
    expect(new ActorError('x').name).toBe('ActorError');
  });
});

describe('respond', () => {
  const reply = { requestId: null, status: 'OK', code: 'OK', message: 'm', repliedAt: '2026-06-01T00:00:00.000Z' } as LookupReply;

  it('audits first, builds the reply with the audit id, then sends it to the agency’s in-queue', async () => {
    const order: string[] = [];
    const sent: Array<[string, unknown]> = [];
    const out = await respond(
      {
        audit: {
          append: async () => {
            order.push('audit');
            return { auditId: 'a-1' };
          },
        },
        queues: {
          sendJson: async (q, body) => {
            order.push('send');
            sent.push([q, body]);
          },
        },
      },
      { at: reply.repliedAt, consumer: 'agency-a', requestId: null, receivedMessageId: 'm', fields: [], status: 'OK', code: 'OK', recordedBy: 'router' },
      (auditId) => {
        order.push(`build ${auditId}`);
        return reply;
      },
    );
    expect(order).toEqual(['audit', 'build a-1', 'send']);
    expect(sent).toEqual([['ndx-agency-agency-a-in', reply]]);
    expect(out).toEqual({ reply, auditId: 'a-1' });
  });
});

describe('the contract catalogue’s cache', () => {
  const d = definition('population.identity-verification');
  const contract: Contract = withLifecycle(d, new Map());

  function catalog(ttlMs?: number, tampered: string[] = []) {
    let loads = 0;
    const reported: Array<[string, string[]]> = [];
    const c = new ContractCatalog({
      registry: {
        contract: async () => {
          loads++;
          return { contract, tampered };
        },
      },
      ...(ttlMs === undefined ? {} : { ttlMs }),
      onTampered: (id, versions) => reported.push([id, versions]),
    });
    return { c, loads: () => loads, reported };
  }

  it('keeps a contract for exactly its lifetime (30 s by default)', async () => {
    const { c, loads } = catalog();
    await c.load(d.id, 1_000);
    await c.load(d.id, 30_999);
    expect(loads()).toBe(1);
    await c.load(d.id, 31_000);
    expect(loads()).toBe(2);
  });

  it('uses the lifetime it is given', async () => {
    const { c, loads } = catalog(10);
    await c.load(d.id, 0);
    await c.load(d.id, 9);
    await c.load(d.id, 10);
    expect(loads()).toBe(2);
  });

  it('knows no contract the catalogue does not have, and reports tampered versions only when there are some', async () => {
    const quiet = catalog();
    expect(await quiet.c.load('population.nothing', 0)).toBeUndefined();
    expect(await quiet.c.load(d.id, 0)).toBe(contract);
    expect(quiet.reported).toEqual([]);
    const loud = catalog(undefined, ['1.0.0']);
    await loud.c.load(d.id, 0);
    expect(loud.reported).toEqual([[d.id, ['1.0.0']]]);
  });

  it('forgets a failed load, so the next call tries again', async () => {
    let calls = 0;
    const c = new ContractCatalog({ registry: { contract: async () => (calls++ === 0 ? Promise.reject(new Error('down')) : { contract, tampered: [] }) } });
    await expect(c.load(d.id, 0)).rejects.toThrow('down');
    await expect(c.load(d.id, 1)).resolves.toBe(contract);
  });
});

describe('deliver (domain/lookup/respond.ts)', () => {
  const reply: LookupReply = { requestId: 'r', status: 'OK', code: 'OK', message: 'm', repliedAt: '2026-06-01T00:00:00.000Z' };
  const route = { kind: 'mailbox' as const, key: 'A'.repeat(43) };

  it('sends a reply without a route to the agency’s in-queue, and one with a route to the mailbox only', async () => {
    const sent: Array<[string, unknown]> = [];
    const boxed: Array<[unknown, string, LookupReply]> = [];
    const deps = {
      queues: { sendJson: async (queue: string, body: unknown) => sent.push([queue, body]) },
      mailbox: { deliver: async (r: typeof route, consumer: string, body: LookupReply) => void boxed.push([r, consumer, body]) },
    };
    await deliver(deps, 'agency-a', reply);
    expect(sent).toEqual([['ndx-agency-agency-a-in', reply]]);
    expect(boxed).toEqual([]);
    await deliver(deps, 'agency-a', reply, route);
    expect(boxed).toEqual([[route, 'agency-a', reply]]);
    expect(sent).toHaveLength(1);
  });

  it('refuses a reply route where the stage has no mailbox', async () => {
    const sent: unknown[] = [];
    await expect(deliver({ queues: { sendJson: async (_q: string, body: unknown) => sent.push(body) } }, 'agency-a', reply, route)).rejects.toThrow(
      'a reply has a reply route but this stage has no mailbox',
    );
    expect(sent).toEqual([]);
  });
});
