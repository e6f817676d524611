/**
 * The lifecycle rules of a contract version (contracts/lifecycle.ts) and the service that is the only
 * way to change them (domain/contracts/lifecycle-service.ts), over a fake registry port.
 */
import { describe, expect, it } from 'vitest';
import {
  addApproval,
  assertTransition,
  LifecycleError,
  LifecycleEvent,
  TRANSITIONS,
  VersionRecord,
  type Action,
  type Approval,
} from '../../contracts/lifecycle.ts';
import type { LifecycleStatus, VersionDefinition } from '../../contracts/model.ts';
import { actorOf } from '../../domain/actor.ts';
import {
  BeforeSunsetError,
  ContractLifecycle,
  GovernanceError,
  NoVersionError,
  pick,
  type ContractRegistryPort,
} from '../../domain/contracts/lifecycle-service.ts';
import { lifecycleContract as c } from '../fixtures/lifecycle-contract.ts';

const v = (version: string): VersionDefinition => {
  const found = c.versions.find((x) => x.version === version);
  if (!found) throw new Error(`no version ${version}`);
  return found;
};

describe('assertTransition', () => {
  const cases: Array<[Action, LifecycleStatus, LifecycleStatus]> = [
    ['propose', 'draft', 'proposed'],
    ['withdraw', 'proposed', 'draft'],
    ['approve', 'proposed', 'approved'],
    ['publish', 'approved', 'active'],
    ['deprecate', 'active', 'deprecated'],
    ['retire', 'deprecated', 'retired'],
  ];

  it.each(cases)('%s from %s leads to %s, and from no other status', (action, from, to) => {
    expect(assertTransition(action, from)).toBe(to);
    const others: LifecycleStatus[] = (['draft', 'proposed', 'approved', 'active', 'deprecated', 'retired'] as const).filter((s) => s !== from);
    for (const status of others) expect(() => assertTransition(action, status), `${action} from ${status}`).toThrow(LifecycleError);
    expect(TRANSITIONS[action]).toEqual({ from: [from], to });
  });

  it.each([
    ['publish', 'draft', 'cannot publish a version that is draft: propose it first'],
    ['publish', 'proposed', 'cannot publish a version that is proposed: it needs approval by a steward and a data-protection officer'],
    ['retire', 'approved', 'cannot retire a version that is approved: publish it'],
    ['retire', 'active', 'cannot retire a version that is active: deprecate it first, with a sunset date'],
    ['publish', 'deprecated', 'cannot publish a version that is deprecated: it can only be retired'],
    ['publish', 'retired', 'cannot publish a version that is retired: a retired version never comes back; publish a new version'],
  ] as const)('says what to do: %s a %s version', (action, status, message) => {
    expect(() => assertTransition(action, status)).toThrow(message);
  });

  it('throws an error named LifecycleError', () => {
    expect(new LifecycleError('x').name).toBe('LifecycleError');
  });
});

describe('addApproval (four eyes)', () => {
  const steward: Approval = { role: 'steward', by: 'steward@test', at: '2026-06-01T00:00:00.000Z' };
  const dpo: Approval = { role: 'dpo', by: 'dpo@test', at: '2026-06-01T00:00:00.000Z' };

  it('is complete only with both roles', () => {
    expect(addApproval([], steward, ['steward@test'])).toEqual({ approvals: [steward], complete: false });
    expect(addApproval([], dpo, ['steward@test'])).toEqual({ approvals: [dpo], complete: false });
    expect(addApproval([steward], dpo, ['steward@test'])).toEqual({ approvals: [steward, dpo], complete: true });
  });

  it('refuses a role approved already, naming who approved', () => {
    expect(() => addApproval([steward], { ...steward, by: 'other@test' }, ['steward@test', 'other@test'])).toThrow(
      'already approved as steward by steward@test',
    );
  });

  it('refuses the same person in both roles', () => {
    expect(() => addApproval([steward], { ...dpo, by: 'steward@test' }, ['steward@test'])).toThrow(
      'steward@test already approved in another role: approval takes two people',
    );
  });

  it('refuses a steward who is not one of the contract’s, and lets anyone be the dpo', () => {
    expect(() => addApproval([], { ...steward, by: 'x@test' }, ['a@test', 'b@test'])).toThrow(
      'x@test is not a steward of this contract (stewards: a@test, b@test)',
    );
    expect(addApproval([], { ...dpo, by: 'x@test' }, ['a@test']).complete).toBe(false);
  });
});

describe('lifecycle records', () => {
  const event = { at: '2026-06-01T00:00:00.000Z', action: 'propose', by: 'a', from: 'draft', to: 'proposed' };
  const record = { contractId: 'c', version: '1.0.0', status: 'proposed', digest: 'd', approvals: [{ role: 'dpo', by: 'a', at: event.at }], events: [event] };

  it('accept a record as the registry keeps it', () => {
    expect(VersionRecord.parse(record)).toEqual(record);
    expect(VersionRecord.parse({ ...record, sunset: '2027-01-01', publishedAt: event.at }).sunset).toBe('2027-01-01');
    expect(LifecycleEvent.parse({ ...event, note: 'n' }).note).toBe('n');
  });

  it.each([
    ['an unknown status', { status: 'live' }],
    ['an approval in an unknown role', { approvals: [{ role: 'boss', by: 'a', at: event.at }] }],
    ['an approval without a datetime', { approvals: [{ role: 'dpo', by: 'a', at: 'yesterday' }] }],
    ['a sunset that is not a day', { sunset: 'soon' }],
    ['an event to an unknown status', { events: [{ ...event, to: 'gone' }] }],
    ['an event from an unknown status', { events: [{ ...event, from: 'gone' }] }],
    ['an event without a datetime', { events: [{ ...event, at: 'now' }] }],
    ['an extra field', { extra: 1 }],
    ['a publication time that is not a datetime', { publishedAt: 'x' }],
    ['an event with an extra field', { events: [{ ...event, extra: 1 }] }],
    ['an approval with an extra field', { approvals: [{ role: 'dpo', by: 'a', at: event.at, extra: 1 }] }],
  ])('refuse %s', (_what, over) => {
    expect(VersionRecord.safeParse({ ...record, ...over }).success).toBe(false);
  });

  it('refuse records missing a required field', () => {
    for (const key of Object.keys(record)) {
      const partial: Record<string, unknown> = { ...record };
      delete partial[key];
      expect(VersionRecord.safeParse(partial).success, key).toBe(false);
    }
    for (const key of Object.keys(event)) {
      const partial: Record<string, unknown> = { ...event };
      delete partial[key];
      expect(LifecycleEvent.safeParse(partial).success, key).toBe(false);
    }
  });
});

type Call = [string, ...unknown[]];

function registry(records: VersionRecord[] = []): { port: ContractRegistryPort; calls: Call[] } {
  const calls: Call[] = [];
  const done = (version: string): VersionRecord => ({ contractId: c.id, version, status: 'active', digest: 'd', approvals: [], events: [] });
  const port: ContractRegistryPort = {
    records: async () => records,
    propose: async (_d, version, by, now) => {
      calls.push(['propose', version.version, by, now]);
      return done(version.version);
    },
    withdraw: async (_d, version, by, now) => {
      calls.push(['withdraw', version, by, now]);
      return done(version);
    },
    approve: async (_d, version, role, by, now) => {
      calls.push(['approve', version.version, role, by, now]);
      return done(version.version);
    },
    publish: async (_d, version, by, now) => {
      calls.push(['publish', version.version, by, now]);
      return done(version.version);
    },
    deprecate: async (_d, version, sunset, by, now) => {
      calls.push(['deprecate', version, sunset, by, now]);
      return done(version);
    },
    retire: async (_d, version, by, now, note) => {
      calls.push(['retire', version, by, now, note]);
      return done(version);
    },
  };
  return { port, calls };
}

const rec = (version: string, status: LifecycleStatus, sunset?: string): VersionRecord => ({
  contractId: c.id,
  version,
  status,
  ...(sunset ? { sunset } : {}),
  digest: 'd',
  approvals: [],
  events: [],
});

const NOW = new Date('2026-06-01T12:00:00.000Z');
const by = actorOf('steward@test');

describe('ContractLifecycle', () => {
  it('proposes the newest draft when no version is named, at the clock’s time and by the actor', async () => {
    const { port, calls } = registry([rec('2.0.0', 'proposed')]);
    await new ContractLifecycle({ registry: port, clock: () => NOW }).propose(c, undefined, by);
    expect(calls).toEqual([['propose', '1.2.0', 'steward@test', NOW]]);
  });

  it('proposes the version named', async () => {
    const { port, calls } = registry();
    await new ContractLifecycle({ registry: port, clock: () => NOW }).propose(c, v('1.0.0'), by);
    expect(calls[0]?.[1]).toBe('1.0.0');
  });

  it('withdraws and approves through the registry, with the clock’s time', async () => {
    const { port, calls } = registry();
    const life = new ContractLifecycle({ registry: port, clock: () => NOW });
    await life.withdraw(c, v('1.0.0'), by);
    await life.approve(c, v('1.0.0'), 'dpo', by);
    expect(calls).toEqual([
      ['withdraw', '1.0.0', 'steward@test', NOW],
      ['approve', '1.0.0', 'dpo', 'steward@test', NOW],
    ]);
  });

  it('reads one version’s record', async () => {
    const { port } = registry([rec('1.0.0', 'active'), rec('1.1.0', 'draft')]);
    const life = new ContractLifecycle({ registry: port });
    expect((await life.record(c.id, '1.1.0'))?.status).toBe('draft');
    expect(await life.record(c.id, '9.9.9')).toBeUndefined();
  });

  it('publishes the newest approved version when governance allows it', async () => {
    const { port, calls } = registry([rec('1.0.0', 'active'), rec('1.1.0', 'approved'), rec('2.0.0', 'draft')]);
    await new ContractLifecycle({ registry: port, clock: () => NOW }).publish(c, undefined, by);
    expect(calls).toEqual([['publish', '1.1.0', 'steward@test', NOW]]);
  });

  it('refuses a breaking change in the same major against every version published, deprecated and retired ones too', async () => {
    for (const status of ['active', 'deprecated', 'retired'] as const) {
      const { port, calls } = registry([rec('1.0.0', status), rec('1.2.0', 'approved')]);
      const publishing = new ContractLifecycle({ registry: port, clock: () => NOW }).publish(c, v('1.2.0'), by);
      await expect(publishing, status).rejects.toThrow(GovernanceError);
      await expect(publishing).rejects.toThrow(/test\.lifecycle@1\.2\.0 cannot be published:\n {2}/);
      expect(calls).toEqual([]);
    }
  });

  it('does not hold a version to drafts or proposals', async () => {
    const { port, calls } = registry([rec('1.0.0', 'proposed'), rec('1.2.0', 'approved')]);
    await new ContractLifecycle({ registry: port, clock: () => NOW }).publish(c, v('1.2.0'), by);
    expect(calls[0]?.[0]).toBe('publish');
  });

  it('carries governance’s problems on the error', async () => {
    const { port } = registry([rec('1.0.0', 'active')]);
    const error = await new ContractLifecycle({ registry: port }).publish(c, v('1.2.0'), by).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GovernanceError);
    expect((error as GovernanceError).problems.length).toBeGreaterThan(0);
    expect((error as GovernanceError).name).toBe('LifecycleError');
  });

  describe('deprecate', () => {
    it('needs a UTC day after today; tomorrow is the earliest', async () => {
      const { port, calls } = registry();
      const life = new ContractLifecycle({ registry: port, clock: () => NOW });
      await life.deprecate(c, v('1.0.0'), '2026-06-02', by);
      expect(calls).toEqual([['deprecate', '1.0.0', '2026-06-02', 'steward@test', NOW]]);
      await expect(life.deprecate(c, v('1.0.0'), '2026-06-01', by)).rejects.toThrow('the sunset date 2026-06-01 must be in the future');
    });

    it('refuses a sunset at the exact instant of now', async () => {
      const { port } = registry();
      const life = new ContractLifecycle({ registry: port, clock: () => new Date('2026-06-02T00:00:00.000Z') });
      await expect(life.deprecate(c, v('1.0.0'), '2026-06-02', by)).rejects.toThrow(/must be in the future/);
      const later = new ContractLifecycle({ registry: port, clock: () => new Date('2026-06-01T23:59:59.999Z') });
      await expect(later.deprecate(c, v('1.0.0'), '2026-06-02', by)).resolves.toBeDefined();
    });

    it.each(['2026-6-2', '2026-06-02T00:00:00Z', 'x2026-06-02', '2026-06-02x', '2026-13-45'])('refuses %s as a sunset', async (sunset) => {
      const { port, calls } = registry();
      await expect(new ContractLifecycle({ registry: port, clock: () => NOW }).deprecate(c, v('1.0.0'), sunset, by)).rejects.toThrow(
        `the sunset must be a UTC day (YYYY-MM-DD), got ${sunset}`,
      );
      expect(calls).toEqual([]);
    });
  });

  describe('retire', () => {
    const deprecated = [rec('1.0.0', 'deprecated', '2026-07-01')];

    it('retires on the sunset day itself, with no note', async () => {
      const { port, calls } = registry(deprecated);
      const at = new Date('2026-07-01T00:00:00.000Z');
      await new ContractLifecycle({ registry: port, clock: () => at }).retire(c, v('1.0.0'), by);
      expect(calls).toEqual([['retire', '1.0.0', 'steward@test', at, undefined]]);
    });

    it('refuses a millisecond before the sunset unless forced', async () => {
      const { port, calls } = registry(deprecated);
      const life = new ContractLifecycle({ registry: port, clock: () => new Date('2026-06-30T23:59:59.999Z') });
      const error = await life.retire(c, v('1.0.0'), by).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BeforeSunsetError);
      expect((error as BeforeSunsetError).sunset).toBe('2026-07-01');
      expect((error as Error).message).toBe(
        'test.lifecycle@1.0.0 answers until its sunset 2026-07-01: consumers were promised that date. Retire it then, or force it now with a recorded reason',
      );
      expect(calls).toEqual([]);
    });

    it('retires early when forced, recording the trimmed reason', async () => {
      const { port, calls } = registry(deprecated);
      await new ContractLifecycle({ registry: port, clock: () => NOW }).retire(c, v('1.0.0'), by, { force: true, reason: '  court order  ' });
      expect(calls).toEqual([['retire', '1.0.0', 'steward@test', NOW, 'before its sunset 2026-07-01: court order']]);
    });

    it('refuses a forced early retirement without a reason', async () => {
      const { port, calls } = registry(deprecated);
      await expect(new ContractLifecycle({ registry: port, clock: () => NOW }).retire(c, v('1.0.0'), by, { force: true, reason: '   ' })).rejects.toThrow(
        'retiring before the sunset needs a reason, for the record',
      );
      expect(calls).toEqual([]);
    });

    it('leaves a version that is not deprecated to the registry’s own check', async () => {
      const { port, calls } = registry([rec('1.0.0', 'active', '2026-07-01')]);
      await new ContractLifecycle({ registry: port, clock: () => NOW }).retire(c, v('1.0.0'), by);
      expect(calls).toEqual([['retire', '1.0.0', 'steward@test', NOW, undefined]]);
    });
  });
});

describe('pick', () => {
  it('returns the version named', () => {
    expect(pick(c, v('1.0.0'), [], ['approved']).version).toBe('1.0.0');
  });

  it('takes the newest in the statuses, an unknown version counting as a draft', () => {
    expect(pick(c, undefined, [], ['draft']).version).toBe('2.0.0');
    expect(pick(c, undefined, [rec('1.0.0', 'approved'), rec('1.1.0', 'approved')], ['approved']).version).toBe('1.1.0');
  });

  it('says there is none, naming the statuses', () => {
    expect(() => pick(c, undefined, [], ['approved', 'active'])).toThrow(
      new NoVersionError('test.lifecycle has no approved or active version; name one with test.lifecycle@<version>'),
    );
    expect(new NoVersionError('x').name).toBe('NoVersionError');
  });
});
