/**
 * The citizen's and the operator's desks at their edges: what each view takes from the contract (the
 * newest version of the consent's major, the version of the access), what it shows when a contract,
 * an agency or a version is unknown, the order of consents, the consent ids that are even looked up,
 * the actor and reason recorded, the default clock, and whether more dead letters wait than are listed.
 */
import { describe, expect, it } from 'vitest';
import type { ContractDefinition } from '../../contracts/model.ts';
import type { CitizenTrail, TrailEntry } from '../../domain/audit/citizen-view.ts';
import type { ConsentRecord } from '../../domain/consent/consent.ts';
import { CITIZEN_ACTOR, CitizenDesk, NotYoursError } from '../../domain/console/citizen.ts';
import { OperatorDesk, type OperatorPorts, UnknownQueueError } from '../../domain/console/operator.ts';
import type { Principal } from '../../domain/console/principal.ts';
import { consentRecord } from '../fixtures/consent.ts';

const me = 'a'.repeat(64);
const citizen: Principal = { kind: 'citizen', subjectHash: me };

/** A contract with two minors of major 1 and a major 2, each describing its purpose and field differently. */
const contract = {
  id: 'test.desk',
  title: 'Desk test contract',
  versions: [
    {
      version: '1.0.0',
      purposes: [{ code: 'P', description: 'one-zero' }],
      fields: { f: { category: 'identity', sensitivity: 'personal', description: 'f 1.0' } },
    },
    {
      version: '1.1.0',
      purposes: [{ code: 'P', description: 'one-one' }],
      fields: { f: { category: 'residence', sensitivity: 'personal', description: 'f 1.1' } },
    },
    { version: '2.0.0', purposes: [{ code: 'P', description: 'two' }], fields: { f: { category: 'land', sensitivity: 'personal', description: 'f 2' } } },
  ],
} as unknown as ContractDefinition;

function entry(over: Partial<TrailEntry> = {}): TrailEntry {
  return { auditId: 'a1', at: '2026-11-29T00:00:00.000Z', consumer: 'agency-x', fields: [], status: 'OK', code: 'OK', intact: true, ...over };
}

function desk(options: { records?: ConsentRecord[]; entries?: TrailEntry[]; clock?: () => Date } = {}) {
  const calls: unknown[][] = [];
  const records = new Map((options.records ?? []).map((r) => [r.consentId, r]));
  const d = new CitizenDesk({
    trail: async (): Promise<CitizenTrail> => ({ entries: options.entries ?? [], withheld: 0, released: 0 }),
    consents: {
      get: async (id) => {
        calls.push(['get', id]);
        return records.get(id);
      },
      listBySubject: async () => [...records.values()],
    },
    change: async (...args) => {
      calls.push(['change', ...args]);
      return records.get(args[0]) as ConsentRecord;
    },
    findContract: (id) => (id === contract.id ? contract : undefined),
    agencyName: (id) => (id === 'known-agency' ? 'Known Agency' : undefined),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { d, calls };
}

describe('CitizenDesk at its edges', () => {
  it('records who changed a consent and why, in fixed words', async () => {
    expect(CITIZEN_ACTOR).toBe('citizen (ndx console, national identity sign-in)');
    const { d, calls } = desk({ records: [consentRecord({ consentId: 'cns-1', subjectHash: me })] });
    await d.change(citizen, 'cns-1', 'PAUSED');
    expect(calls.at(-1)).toEqual(['change', 'cns-1', 'PAUSED', CITIZEN_ACTOR, 'by the citizen in the ndx console']);
  });

  it('says why it refuses: staff have no consents; an id that is not the citizen’s is "no consent <id>"', async () => {
    const staff: Principal = { kind: 'staff', email: 's@ndx.gov.vn', roles: ['dpo'] };
    await expect(desk().d.consents(staff)).rejects.toThrow('only a citizen has consents and a trail here');
    await expect(desk().d.consent(citizen, 'cns-none')).rejects.toThrow('no consent cns-none');
  });

  it('looks up only ids of 1 to 100 word characters, colons and dashes, whole', async () => {
    const { d, calls } = desk();
    for (const id of ['x/cns-1', 'cns-1/x', 'cns 1', '', 'a'.repeat(101)]) await expect(d.consent(citizen, id)).rejects.toThrow(NotYoursError);
    expect(calls).toEqual([]);
    await expect(d.consent(citizen, 'a'.repeat(100))).rejects.toThrow(NotYoursError);
    await expect(d.consent(citizen, 'cns:a-1')).rejects.toThrow(NotYoursError);
    expect(calls).toEqual([
      ['get', 'a'.repeat(100)],
      ['get', 'cns:a-1'],
    ]);
  });

  it('lists consents newest first, with the terms of the newest version of their major', async () => {
    const older = consentRecord({
      consentId: 'cns-old',
      subjectHash: me,
      contract: contract.id,
      major: 1,
      purposes: ['P'],
      validFrom: '2025-01-01T00:00:00.000Z',
    });
    const newer = consentRecord({
      consentId: 'cns-new',
      subjectHash: me,
      contract: contract.id,
      major: 2,
      purposes: ['P'],
      validFrom: '2026-01-01T00:00:00.000Z',
    });
    const views = await desk({ records: [older, newer], clock: () => new Date('2026-06-01T00:00:00Z') }).d.consents(citizen);
    expect(views.map((v) => v.record.consentId)).toEqual(['cns-new', 'cns-old']);
    expect(views.map((v) => v.purposes)).toEqual([[{ code: 'P', description: 'two' }], [{ code: 'P', description: 'one-one' }]]);
    expect(views[0]?.contractTitle).toBe('Desk test contract');
  });

  it('shows ids where the contract or agency is unknown, and no description for an unknown purpose', async () => {
    const r = consentRecord({ consentId: 'cns-x', subjectHash: me, contract: 'no.such', consumer: 'agency-x', purposes: ['Q'] });
    const [v] = await desk({ records: [r], clock: () => new Date('2026-06-01T00:00:00Z') }).d.consents(citizen);
    expect(v).toMatchObject({ agencyName: 'agency-x', contractTitle: 'no.such', purposes: [{ code: 'Q' }] });
    expect(v?.purposes[0]).not.toHaveProperty('description');
    const known = consentRecord({ consentId: 'cns-k', subjectHash: me, contract: contract.id, major: 1, consumer: 'known-agency', purposes: ['Q'] });
    const [k] = await desk({ records: [known], clock: () => new Date('2026-06-01T00:00:00Z') }).d.consents(citizen);
    expect(k?.agencyName).toBe('Known Agency');
    expect(k?.purposes).toEqual([{ code: 'Q' }]);
  });

  it('reads the time from the real clock when given none', async () => {
    const past = consentRecord({ consentId: 'cns-p', subjectHash: me, validFrom: '2000-01-01T00:00:00.000Z', validUntil: '2001-01-01T00:00:00.000Z' });
    const future = consentRecord({ consentId: 'cns-f', subjectHash: me, validFrom: '2000-01-01T00:00:00.000Z', validUntil: '2999-01-01T00:00:00.000Z' });
    const views = await desk({ records: [past, future] }).d.consents(citizen);
    expect(Object.fromEntries(views.map((v) => [v.record.consentId, v.status]))).toEqual({ 'cns-p': 'EXPIRED', 'cns-f': 'ACTIVE' });
  });

  it('describes each access from its own version, and only what it knows', async () => {
    const entries = [
      entry({
        auditId: 'v11',
        contract: contract.id,
        version: '1.1.0',
        purpose: 'P',
        fields: ['f', 'g'],
        basis: { kind: 'consent', consentId: 'cns-1' },
        onBehalfOf: 'case-7',
      }),
      entry({
        auditId: 'v20',
        contract: contract.id,
        version: '2.0.0',
        purpose: 'P',
        fields: ['f'],
        basis: { kind: 'legal', id: 'l', instrument: 'Law', article: 'Art. 1' },
      }),
      entry({ auditId: 'v99', contract: contract.id, version: '9.9.9', purpose: 'P', fields: ['f'] }),
      entry({ auditId: 'none', consumer: 'known-agency', fields: ['f'] }),
      entry({ auditId: 'unknown', contract: 'no.such', version: '1.0.0', purpose: 'P' }),
    ];
    const view = await desk({ entries }).d.trail(citizen);
    const [v11, v20, v99, none, unknown] = view.accesses;
    expect(v11).toMatchObject({
      agency: { id: 'agency-x', name: 'agency-x' },
      onBehalfOf: 'case-7',
      contract: { id: contract.id, title: 'Desk test contract', version: '1.1.0' },
      purpose: { code: 'P', description: 'one-one' },
      basis: { kind: 'consent', consentId: 'cns-1' },
      fields: [{ name: 'f', category: 'residence', description: 'f 1.1' }, { name: 'g' }],
    });
    expect(v20?.purpose?.description).toBe('two');
    expect(v20?.basis).toEqual({ kind: 'legal', instrument: 'Law', article: 'Art. 1' });
    expect(v20?.fields).toEqual([{ name: 'f', category: 'land', description: 'f 2' }]);
    expect(v99?.purpose).toEqual({ code: 'P' });
    expect(v99?.fields).toEqual([{ name: 'f' }]);
    expect(v99).not.toHaveProperty('onBehalfOf');
    expect(none).not.toHaveProperty('contract');
    expect(none).not.toHaveProperty('purpose');
    expect(none).not.toHaveProperty('basis');
    expect(none?.agency).toEqual({ id: 'known-agency', name: 'Known Agency' });
    expect(unknown?.contract).toEqual({ id: 'no.such', title: 'no.such', version: '1.0.0' });
    expect(unknown?.purpose).toEqual({ code: 'P' });
    const noVersion = await desk({ entries: [entry({ contract: contract.id, purpose: 'P' })] }).d.trail(citizen);
    expect(noVersion.accesses[0]?.contract).toEqual({ id: contract.id, title: 'Desk test contract' });
  });
});

describe('OperatorDesk at its edges', () => {
  const queue = { name: 'ndx-agency-a-in', deadLetterQueue: 'ndx-agency-a-in-dlq' } as OperatorPorts['queues'][number];
  function ports(depth: number, listed: number, over: Partial<OperatorPorts> = {}): OperatorPorts {
    return {
      queues: [queue],
      status: async () => ({}) as never,
      deadLetters: async () => ({ depth, messages: Array.from({ length: listed }, () => ({}) as never) }),
      redrive: async () => ({}) as never,
      lookups: async function* () {},
      verify: async () => ({}) as never,
      ...over,
    };
  }

  it('says more dead letters wait only when the depth is over what was listed', async () => {
    expect((await new OperatorDesk(ports(3, 3)).deadLetters('ndx-agency-a-in')).more).toBe(false);
    expect((await new OperatorDesk(ports(4, 3)).deadLetters('ndx-agency-a-in')).more).toBe(true);
    expect((await new OperatorDesk(ports(2, 3)).deadLetters('ndx-agency-a-in')).more).toBe(false);
    expect(await new OperatorDesk(ports(4, 3)).deadLetters('ndx-agency-a-in-dlq')).toMatchObject({ queue, depth: 4 });
  });

  it('names an unknown queue in its error, and lists the configured ones', () => {
    const d = new OperatorDesk(ports(0, 0));
    expect(d.queues).toEqual([queue]);
    expect(() => d.queue('ndx-other')).toThrow(UnknownQueueError);
    expect(() => d.queue('ndx-other')).toThrow("ndx-other is not one of ndx's queues");
    expect(new UnknownQueueError('x').name).toBe('UnknownQueueError');
  });

  it('stamps the health view with the real time when given no clock', async () => {
    const before = Date.now();
    const view = await new OperatorDesk(ports(0, 0, { status: async () => ({ queues: [], registries: [] }) as never })).health();
    expect(Date.parse(view.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(view.at)).toBeLessThanOrEqual(Date.now());
  });
});
