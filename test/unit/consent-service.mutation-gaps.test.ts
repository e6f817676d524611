/**
 * The consent service (domain/consent/service.ts) and grants (domain/consent/grant.ts) over a fake store
 * and audit recorder: the scope a consent covers, the terms of a grant and their validity at the exact
 * instant, replacement, and the audit records of every change.
 */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { withLifecycle, type Contract, type ContractDefinition, type Lifecycle } from '../../contracts/model.ts';
import { asShipped } from './shipped.ts';
import type { AuditEvent } from '../../domain/audit/records.ts';
import { actorOf } from '../../domain/actor.ts';
import type { ConsentRecord } from '../../domain/consent/consent.ts';
import { termsOf, type GrantPorts, type GrantRequest } from '../../domain/consent/grant.ts';
import {
  ConsentNotFoundError,
  ConsentService,
  ConsentTermsError,
  consentScope,
  parseContractRef,
  type ConsentChange,
  type ConsentRepository,
  type GrantInput,
} from '../../domain/consent/service.ts';
import { SubjectError } from '../../domain/subject.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { consentRecord } from '../fixtures/consent.ts';

const hash = subjectHasher('pepper');
const NOW = new Date('2026-06-01T00:00:00.000Z');
const YEAR_MS = 365 * 24 * 3600 * 1000;

function definition(id: string): ContractDefinition {
  const d = findContract(id);
  if (!d) throw new Error(`no contract ${id}`);
  return d;
}
const withAll = (id: string, lifecycle: Lifecycle): Contract => {
  const d = definition(id);
  return withLifecycle(d, asShipped(d, lifecycle));
};
const residence = withAll('population.residence', { status: 'active' });

describe('parseContractRef', () => {
  it('reads an id, or an id with a major', () => {
    expect(parseContractRef('population.residence')).toEqual({ id: 'population.residence' });
    expect(parseContractRef('population.residence@12')).toEqual({ id: 'population.residence', major: 12 });
  });

  it.each(['', '@1', 'a@1@2', 'a@x', 'a@1.0', 'a@', 'a@1x', 'a@x1'])('refuses %j', (ref) => {
    expect(() => parseContractRef(ref)).toThrow(new ConsentTermsError(`--contract takes id or id@major, e.g. population.residence@1 (got "${ref}")`));
  });
});

describe('consentScope', () => {
  it('covers the newest active major by default, its released categories, and names the purposes a law already covers', () => {
    const s = consentScope(residence, undefined, 'hcmc-public-services', ['SOCIAL_ALLOWANCE_APPLICATION']);
    expect(s.major).toBe(1);
    expect(s.version.version).toBe('1.0.0');
    expect(s.categories).toEqual(['identifier', 'residence']);
    expect(s.coveredByLaw).toEqual([]);
    expect(s.contract).toBe(residence);
  });

  it('takes the highest active major, not the first listed', () => {
    const d = definition('population.residence');
    const two: Contract = withLifecycle(
      { ...d, versions: [...d.versions, ...d.versions.map((v) => ({ ...v, version: '2.0.0' }))] },
      new Map([
        ['1.0.0', { status: 'active' }],
        ['2.0.0', { status: 'active' }],
      ]),
    );
    expect(consentScope(two, undefined, 'hcmc-public-services', ['SOCIAL_ALLOWANCE_APPLICATION']).major).toBe(2);
    const reversed: Contract = { ...two, versions: [...two.versions].reverse() };
    expect(consentScope(reversed, undefined, 'hcmc-public-services', ['SOCIAL_ALLOWANCE_APPLICATION']).major).toBe(2);
  });

  it('names a purpose a legal basis covers', () => {
    const identity = withAll('population.identity-verification', { status: 'active' });
    expect(consentScope(identity, 1, 'hanoi-land-office', ['LAND_REGISTRATION']).coveredByLaw).toEqual(['LAND_REGISTRATION']);
  });

  it('refuses a contract with no active version, a major that does not answer, a non-consumer, no purpose and unknown purposes', () => {
    const drafts = withAll('population.residence', { status: 'draft' });
    expect(() => consentScope(drafts, undefined, 'hcmc-public-services', ['SOCIAL_ALLOWANCE_APPLICATION'])).toThrow(
      'population.residence has no active version; name a major with population.residence@<major>',
    );
    expect(() => consentScope(residence, 7, 'hcmc-public-services', ['SOCIAL_ALLOWANCE_APPLICATION'])).toThrow(
      'population.residence@7 does not answer lookups (UNKNOWN_VERSION)',
    );
    expect(() => consentScope(residence, 1, 'some-bank', ['SOCIAL_ALLOWANCE_APPLICATION'])).toThrow(
      /^some-bank is not a consumer of population\.residence@1\.0\.0 \(consumers: .+\)$/,
    );
    expect(() => consentScope(residence, 1, 'hcmc-public-services', [])).toThrow('name at least one purpose');
    expect(() => consentScope(residence, 1, 'hcmc-public-services', ['SOCIAL_ALLOWANCE_APPLICATION', 'MARKETING', 'SPAM'])).toThrow(
      /^population\.residence@1\.0\.0 allows no purpose MARKETING, SPAM \(allowed: .+\)$/,
    );
  });
});

const request = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  subject: { nationalId: '001203004567' },
  consumer: 'hcmc-public-services',
  contract: 'population.residence',
  purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
  notice: { version: '2', language: 'vi' },
  collection: { method: 'portal', evidence: 'case-1' },
  by: actorOf('portal'),
  ...over,
});

const grantPorts: GrantPorts = {
  contracts: {
    contract: async (d) => ({ contract: withLifecycle(d, asShipped(d)), tampered: [] }),
  },
  hashSubject: hash,
};

describe('termsOf (a grant’s terms)', () => {
  it('builds terms valid for one year from now, with the portal’s notice and the version’s categories', async () => {
    const { input, scope } = await termsOf(request(), grantPorts, NOW);
    expect(input).toMatchObject({
      subjectHash: hash({ nationalId: '001203004567' }),
      consumer: 'hcmc-public-services',
      contract: 'population.residence',
      major: 1,
      purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
      categories: ['identifier', 'residence'],
      validFrom: NOW,
      validUntil: new Date(NOW.getTime() + YEAR_MS),
      collection: { method: 'portal', evidence: 'case-1' },
      by: 'portal',
    });
    expect(input.notice.uri).toBe('https://dichvucong.gov.vn/consent/population.residence');
    expect(input.notice.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(input.notice).toMatchObject({ version: '2', language: 'vi' });
    expect(input).not.toHaveProperty('limits');
    expect(input).not.toHaveProperty('consentId');
    expect(input).not.toHaveProperty('replaces');
    expect(scope.major).toBe(1);
  });

  it('keeps what the request gives: notice uri and hash, limits, id, the consent replaced, a window', async () => {
    const validFrom = new Date('2026-07-01T00:00:00.000Z');
    const validUntil = new Date('2026-08-01T00:00:00.000Z');
    const { input } = await termsOf(
      request({
        notice: { uri: 'https://x', hash: 'sha256:1', version: '2', language: 'vi' },
        limits: { maxUses: 3 },
        consentId: 'cns-9',
        replaces: 'cns-8',
        validFrom,
        validUntil,
      }),
      grantPorts,
      NOW,
    );
    expect(input).toMatchObject({
      notice: { uri: 'https://x', hash: 'sha256:1' },
      limits: { maxUses: 3 },
      consentId: 'cns-9',
      replaces: 'cns-8',
      validFrom,
      validUntil,
    });
  });

  it('hashes the notice it defaults to from its uri, version and language', async () => {
    const a = (await termsOf(request(), grantPorts, NOW)).input.notice.hash;
    const b = (await termsOf(request({ notice: { version: '3', language: 'vi' } }), grantPorts, NOW)).input.notice.hash;
    const c = (await termsOf(request({ notice: { version: '2', language: 'en' } }), grantPorts, NOW)).input.notice.hash;
    const d = (await termsOf(request({ notice: { version: '2', language: 'vi', uri: 'https://other' } }), grantPorts, NOW)).input.notice.hash;
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  it('refuses a consent that ends now or before it starts, at the exact instant', async () => {
    await expect(termsOf(request({ validUntil: NOW }), grantPorts, NOW)).rejects.toThrow(
      'the consent ends in the past; it must be valid for some time to come',
    );
    const later = new Date(NOW.getTime() + 1);
    await expect(termsOf(request({ validUntil: later }), grantPorts, NOW)).resolves.toBeDefined();
    const from = new Date('2026-07-01T00:00:00.000Z');
    await expect(termsOf(request({ validFrom: from, validUntil: from }), grantPorts, NOW)).rejects.toThrow('the consent ends before it starts');
    await expect(termsOf(request({ validFrom: from, validUntil: new Date(from.getTime() + 1) }), grantPorts, NOW)).resolves.toBeDefined();
  });

  it('refuses an unknown contract and a subject that is not the version’s', async () => {
    await expect(termsOf(request({ contract: 'population.nothing' }), grantPorts, NOW)).rejects.toThrow(
      new ConsentTermsError('no contract "population.nothing"; `ndx contract list` shows the catalogue'),
    );
    await expect(termsOf(request({ subject: { parcelId: 'x' } }), grantPorts, NOW)).rejects.toThrow(SubjectError);
  });

  it('uses the finder it is given', async () => {
    const residenceDefinition = definition('population.residence');
    const { input } = await termsOf(
      request({ contract: 'other.name' }),
      { ...grantPorts, find: (id) => (id === 'other.name' ? residenceDefinition : undefined) },
      NOW,
    );
    expect(input.contract).toBe('other.name');
  });
});

function grantedRecord(over: Partial<ConsentRecord> = {}): ConsentRecord {
  return consentRecord({ events: [{ at: '2026-01-01T00:00:00.000Z', type: 'GRANTED', by: 'portal' }], ...over });
}

function service(existing: ConsentRecord[] = [], auditedAlready = 0) {
  const store = new Map(existing.map((r) => [r.consentId, r]));
  const audited: Array<{ event: AuditEvent; auditId: string }> = [];
  const changes: Array<[string, ConsentChange, string, string | undefined, Date | undefined]> = [];
  let calls = 0;
  const repo: ConsentRepository = {
    get: async (id) => store.get(id),
    grant: async (input: GrantInput) => {
      const r = grantedRecord({ consentId: input.consentId ?? 'cns-new', subjectHash: input.subjectHash, consumer: input.consumer, contract: input.contract });
      store.set(r.consentId, r);
      return r;
    },
    change: async (id, change, by, reason, now) => {
      changes.push([id, change, by, reason, now]);
      const r = store.get(id);
      if (!r) throw new ConsentNotFoundError(id);
      const next = {
        ...r,
        status: change === 'REVOKED' ? ('REVOKED' as const) : r.status,
        events: [...r.events, { at: '2026-06-01T00:00:00.000Z', type: change, by, ...(reason ? { reason } : {}) }],
      };
      store.set(id, next);
      return next;
    },
    listBySubject: async (h) => [...store.values()].filter((r) => r.subjectHash === h),
  };
  const svc = new ConsentService({
    store: repo,
    audit: {
      record: async (event, auditId) => {
        audited.push({ event, auditId });
        const created = calls++ >= auditedAlready;
        return { auditId, created, partition: 'p' };
      },
    },
    grants: grantPorts,
  });
  return { svc, audited, changes, store };
}

const input = (over: Partial<GrantInput> = {}): GrantInput => ({
  subjectHash: 'h1',
  consumer: 'hcmc-public-services',
  contract: 'population.residence',
  major: 1,
  purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
  categories: ['identifier', 'residence'],
  validFrom: NOW,
  validUntil: new Date('2027-01-01T00:00:00.000Z'),
  notice: { uri: 'u', version: '1', hash: 'h', language: 'vi' },
  collection: { method: 'portal', evidence: 'case' },
  by: 'portal',
  ...over,
});

describe('ConsentService', () => {
  it('audits every event of a consent under its fixed audit id, with the terms that identify it', async () => {
    const { svc, audited } = service();
    const record = await svc.grant(input({ consentId: 'cns-5' }), NOW);
    expect(record.consentId).toBe('cns-5');
    expect(audited).toEqual([
      {
        event: {
          kind: 'consent-change',
          at: '2026-01-01T00:00:00.000Z',
          consentId: 'cns-5',
          change: 'GRANTED',
          by: 'portal',
          subjectHash: 'h1',
          consumer: 'hcmc-public-services',
          contract: 'population.residence',
          major: 1,
          purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
        },
        auditId: 'consent/cns-5/0',
      },
    ]);
  });

  it('counts only the records it appended', async () => {
    const { svc } = service([], 1);
    const record = grantedRecord({ events: [...grantedRecord().events, { at: '2026-02-01T00:00:00.000Z', type: 'PAUSED', by: 'citizen', reason: 'travel' }] });
    expect(await svc.recordEvents(record)).toBe(1);
  });

  it('writes a change’s reason into its audit record, and none when there is none', async () => {
    const { svc, audited, changes } = service([grantedRecord()]);
    await svc.pause('cns-1', 'citizen', 'travel');
    await svc.resume('cns-1', 'citizen');
    await svc.revoke('cns-1', 'citizen', 'done');
    expect(changes.map(([id, change, by, reason]) => [id, change, by, reason])).toEqual([
      ['cns-1', 'PAUSED', 'citizen', 'travel'],
      ['cns-1', 'RESUMED', 'citizen', undefined],
      ['cns-1', 'REVOKED', 'citizen', 'done'],
    ]);
    const last = audited.filter((a) => a.auditId.endsWith('/3')).map((a) => a.event);
    expect(last[0]).toMatchObject({ change: 'REVOKED', reason: 'done' });
    const resumed = audited.find((a) => a.auditId === 'consent/cns-1/2')?.event;
    expect(resumed).toMatchObject({ change: 'RESUMED' });
    expect(resumed).not.toHaveProperty('reason');
  });

  it('revokes the consent it replaces once the new one is in place, saying by which', async () => {
    for (const status of ['ACTIVE', 'PAUSED'] as const) {
      const { svc, changes } = service([grantedRecord({ status })]);
      await svc.grant(input({ consentId: 'cns-2', replaces: 'cns-1' }), NOW);
      expect(changes, status).toEqual([['cns-1', 'REVOKED', 'portal', 'replaced by cns-2', NOW]]);
    }
  });

  it('does not revoke again a replaced consent that is revoked or expired', async () => {
    for (const status of ['REVOKED', 'EXPIRED'] as const) {
      const { svc, changes } = service([grantedRecord({ status })]);
      await svc.grant(input({ consentId: 'cns-2', replaces: 'cns-1' }), NOW);
      expect(changes).toEqual([]);
    }
  });

  it('refuses to replace a consent that does not exist, or that belongs to another subject, agency or contract', async () => {
    const { svc } = service([grantedRecord()]);
    await expect(svc.grant(input({ replaces: 'cns-0' }), NOW)).rejects.toThrow(new ConsentNotFoundError('no consent cns-0 to replace'));
    for (const over of [{ subjectHash: 'h2' }, { consumer: 'danang-tax-office' }, { contract: 'population.identity-verification' }]) {
      const { svc: s, store } = service([grantedRecord()]);
      await expect(s.grant(input({ ...over, replaces: 'cns-1' }), NOW)).rejects.toThrow(
        'cns-1 is a consent of another subject, agency or contract; it cannot be replaced by this one',
      );
      expect(store.size).toBe(1);
    }
  });

  it('grants a request checked against the contract, and needs the grant ports for it', async () => {
    const { svc } = service();
    const { record, scope } = await svc.grantFor(request({ consentId: 'cns-7' }), NOW);
    expect(record.consentId).toBe('cns-7');
    expect(scope.categories).toEqual(['identifier', 'residence']);
    const bare = new ConsentService({ store: service().svc.store, audit: service().svc.audit });
    await expect(bare.grantFor(request(), NOW)).rejects.toThrow('ConsentService.grantFor needs the grants ports (contracts, subject hasher)');
  });

  it('gets a consent or says there is none, and lists a subject’s consents', async () => {
    const { svc } = service([grantedRecord(), grantedRecord({ consentId: 'cns-2', subjectHash: 'h2' })]);
    expect((await svc.get('cns-1')).consentId).toBe('cns-1');
    await expect(svc.get('cns-0')).rejects.toThrow(new ConsentNotFoundError('no consent cns-0'));
    expect((await svc.listBySubject('h2')).map((r) => r.consentId)).toEqual(['cns-2']);
  });

  it('names its errors', () => {
    expect([new ConsentNotFoundError('x').name, new ConsentTermsError('x').name]).toEqual(['ConsentNotFoundError', 'ConsentTermsError']);
  });
});
