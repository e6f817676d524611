/** The contract lifecycle service's rules, over an in-memory registry: who acted, governance at publish, the sunset at deprecate and retire. */
import { describe, expect, it } from 'vitest';
import { addApproval, assertTransition, LifecycleError, type ApproverRole, type VersionRecord } from '../../contracts/lifecycle.ts';
import type { ContractDefinition, VersionDefinition } from '../../contracts/model.ts';
import { Actor, ActorError, actorOf } from '../../domain/actor.ts';
import { BeforeSunsetError, ContractLifecycle, GovernanceError, NoVersionError, type ContractRegistryPort } from '../../domain/contracts/lifecycle-service.ts';
import { lifecycleContract as c } from '../fixtures/lifecycle-contract.ts';

/** The registry's behaviour without DynamoDB: the same transitions and approvals (contracts/lifecycle.ts). */
function memoryRegistry(): ContractRegistryPort & { store: Map<string, VersionRecord> } {
  const store = new Map<string, VersionRecord>();
  const step = (
    _d: ContractDefinition,
    version: string,
    action: Parameters<typeof assertTransition>[0],
    by: string,
    now = new Date(),
    set: Partial<VersionRecord> = {},
    note?: string,
  ) => {
    const current = store.get(version);
    if (!current) throw new LifecycleError('a draft');
    const to = action === 'approve' ? (set.status ?? 'proposed') : assertTransition(action, current.status);
    const next: VersionRecord = {
      ...current,
      ...set,
      status: to,
      events: [...current.events, { at: now.toISOString(), action, by, from: current.status, to, ...(note ? { note } : {}) }],
    };
    store.set(version, next);
    return Promise.resolve(next);
  };
  return {
    store,
    records: () => Promise.resolve([...store.values()]),
    propose: (d, v, by, now = new Date()) => {
      const from = store.get(v.version)?.status ?? 'draft';
      assertTransition('propose', from);
      const record: VersionRecord = {
        contractId: d.id,
        version: v.version,
        status: 'proposed',
        digest: 'x',
        approvals: [],
        events: [{ at: now.toISOString(), action: 'propose', by, from, to: 'proposed' }],
      };
      store.set(v.version, record);
      return Promise.resolve(record);
    },
    withdraw: (d, version, by, now) => step(d, version, 'withdraw', by, now),
    approve: (d, v, role: ApproverRole, by, now = new Date()) => {
      const current = store.get(v.version);
      if (!current) throw new LifecycleError('a draft');
      assertTransition('approve', current.status);
      const { approvals, complete } = addApproval(current.approvals, { role, by, at: now.toISOString() }, d.stewards);
      return step(d, v.version, 'approve', by, now, { approvals, status: complete ? 'approved' : 'proposed' });
    },
    publish: (d, v, by, now) => step(d, v.version, 'publish', by, now),
    deprecate: (d, version, sunset, by, now) => step(d, version, 'deprecate', by, now, { sunset }),
    retire: (d, version, by, now, note) => step(d, version, 'retire', by, now, {}, note),
  };
}

const v = (version: string): VersionDefinition => {
  const found = c.versions.find((x) => x.version === version);
  if (!found) throw new Error(`no version ${version}`);
  return found;
};
const steward = actorOf('steward@test');
const dpo = actorOf('dpo@test');

async function published(service: ContractLifecycle, version: string): Promise<void> {
  await service.propose(c, v(version), steward);
  await service.approve(c, v(version), 'steward', steward);
  await service.approve(c, v(version), 'dpo', dpo);
  await service.publish(c, v(version), steward);
}

describe('who acted', () => {
  it('is an identity: never empty, "unknown" or anonymous', () => {
    expect(actorOf(' steward@test ')).toBe('steward@test');
    for (const bad of [undefined, '', '  ', 'unknown', 'Anonymous']) expect(() => actorOf(bad)).toThrow(ActorError);
    expect(Actor.safeParse('x'.repeat(201)).success).toBe(false);
  });

  it('is recorded on every change', async () => {
    const registry = memoryRegistry();
    await published(new ContractLifecycle({ registry }), '1.0.0');
    expect(registry.store.get('1.0.0')?.events.map((e) => `${e.action}:${e.by}`)).toEqual([
      'propose:steward@test',
      'approve:steward@test',
      'approve:dpo@test',
      'publish:steward@test',
    ]);
  });
});

describe('approval', () => {
  it('takes a steward of the contract and a DPO, two different people', async () => {
    const service = new ContractLifecycle({ registry: memoryRegistry() });
    await service.propose(c, v('1.0.0'), steward);
    await expect(service.approve(c, v('1.0.0'), 'steward', actorOf('someone@else'))).rejects.toThrow(/not a steward/);
    await service.approve(c, v('1.0.0'), 'steward', steward);
    await expect(service.approve(c, v('1.0.0'), 'dpo', steward)).rejects.toThrow(/two people/);
  });
});

describe('publish', () => {
  it('picks the newest approved version when none is named, and refuses when there is none', async () => {
    const service = new ContractLifecycle({ registry: memoryRegistry() });
    await expect(service.publish(c, undefined, steward)).rejects.toThrow(NoVersionError);
    await service.propose(c, v('1.0.0'), steward);
    await service.approve(c, v('1.0.0'), 'steward', steward);
    await service.approve(c, v('1.0.0'), 'dpo', dpo);
    expect((await service.publish(c, undefined, steward)).version).toBe('1.0.0');
  });

  it('refuses a breaking change without a major bump (semver as governance), with the problems', async () => {
    const registry = memoryRegistry();
    const service = new ContractLifecycle({ registry });
    await published(service, '1.0.0');
    await service.propose(c, v('1.2.0'), steward);
    await service.approve(c, v('1.2.0'), 'steward', steward);
    await service.approve(c, v('1.2.0'), 'dpo', dpo);
    const refused = await service.publish(c, v('1.2.0'), steward).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GovernanceError);
    expect((refused as GovernanceError).problems.map((p) => p.message).join('\n')).toMatch(/MINOR bump but the change needs MAJOR/);
    expect(registry.store.get('1.2.0')?.status).toBe('approved');
  });
});

describe('the sunset', () => {
  const at = (iso: string) => () => new Date(iso);

  it('deprecate: a UTC day in the future', async () => {
    const registry = memoryRegistry();
    await published(new ContractLifecycle({ registry }), '1.0.0');
    const service = new ContractLifecycle({ registry, clock: at('2027-01-10T12:00:00Z') });
    await expect(service.deprecate(c, v('1.0.0'), '2027-01-10', steward)).rejects.toThrow(/must be in the future/);
    await expect(service.deprecate(c, v('1.0.0'), '30/06/2027', steward)).rejects.toThrow(/UTC day/);
    expect((await service.deprecate(c, v('1.0.0'), '2027-06-30', steward)).sunset).toBe('2027-06-30');
  });

  it('retire: refused before the sunset, forced only with a reason that is recorded, allowed from the sunset on', async () => {
    const registry = memoryRegistry();
    await published(new ContractLifecycle({ registry }), '1.0.0');
    await new ContractLifecycle({ registry, clock: at('2026-11-29T00:00:00Z') }).deprecate(c, v('1.0.0'), '2027-06-30', steward);
    const early = new ContractLifecycle({ registry, clock: at('2027-06-29T23:59:59Z') });
    await expect(early.retire(c, v('1.0.0'), steward)).rejects.toThrow(BeforeSunsetError);
    await expect(early.retire(c, v('1.0.0'), steward, { force: true, reason: '  ' })).rejects.toThrow(/needs a reason/);
    const forced = await early.retire(c, v('1.0.0'), dpo, { force: true, reason: 'court order 88' });
    expect(forced.events.at(-1)).toMatchObject({ action: 'retire', by: 'dpo@test', note: 'before its sunset 2027-06-30: court order 88' });
  });

  it('retire on the sunset day needs no force', async () => {
    const registry = memoryRegistry();
    await published(new ContractLifecycle({ registry }), '1.0.0');
    await new ContractLifecycle({ registry, clock: at('2026-11-29T00:00:00Z') }).deprecate(c, v('1.0.0'), '2027-06-30', steward);
    const onTime = await new ContractLifecycle({ registry, clock: at('2027-06-30T00:00:00Z') }).retire(c, v('1.0.0'), steward);
    expect(onTime.status).toBe('retired');
    expect(onTime.events.at(-1)?.note).toBeUndefined();
  });
});
