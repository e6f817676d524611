/**
 * The data steward's workflow against the local engine: propose, approve in two roles, publish,
 * resolve by major, refuse a breaking change without a major bump, run a new major beside the old,
 * deprecate (lookups carry a notice), retire (lookups are refused).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceProblems } from '../../contracts/governance.ts';
import { LifecycleError } from '../../contracts/lifecycle.ts';
import { AgencyClient } from '../../cli/agency-client.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { ContractRegistry } from '../../aws/contract-registry.ts';
import { names } from '../../config/names.ts';
import { lifecycleContract as c, withLifecycleContract } from '../fixtures/lifecycle-contract.ts';
import { startHarness, type Harness } from './support.ts';

let h: Harness;
let reg: ContractRegistry;
const v = (version: string) => c.versions.find((x) => x.version === version)!;
const land = () => new AgencyClient(sqsClient(), 'hanoi-land-office');
const lookup = (version: string) =>
  land().lookup({ requestId: randomUUID(), contract: c.id, version, purpose: 'LAND_REGISTRATION', subject: { nationalId: h.demo.living.nationalId } }, 20_000);

async function approveAndPublish(version: string) {
  await reg.propose(c, v(version), 'steward@test');
  await reg.approve(c, v(version), 'steward', 'steward@test');
  await reg.approve(c, v(version), 'dpo', 'dpo@test');
  const published = (await reg.records(c.id)).filter((r) => ['active', 'deprecated', 'retired'].includes(r.status)).map((r) => r.version);
  const problems = governanceProblems(c, v(version), published);
  if (problems.length) return problems;
  await reg.publish(c, v(version), 'steward@test');
  return [];
}

beforeAll(async () => {
  h = await startHarness({ count: 100, deps: { findContract: withLifecycleContract } });
  reg = new ContractRegistry(documentClient(), names.contractTable);
});
afterAll(async () => {
  await h?.stop();
});

describe('contract lifecycle', () => {
  it('does not answer a draft, nor a proposed version', async () => {
    expect(await lookup('1')).toMatchObject({ status: 'DENIED', code: 'CONTRACT_NOT_ACTIVE' });
    await reg.propose(c, v('1.0.0'), 'steward@test');
    expect(await lookup('1')).toMatchObject({ code: 'CONTRACT_NOT_ACTIVE' });
  });

  it('needs a steward of the contract and a different person as DPO', async () => {
    await expect(reg.approve(c, v('1.0.0'), 'steward', 'someone@else')).rejects.toThrow(/not a steward/);
    await reg.approve(c, v('1.0.0'), 'steward', 'steward@test');
    await expect(reg.approve(c, v('1.0.0'), 'dpo', 'steward@test')).rejects.toThrow(/two people/);
    await expect(reg.publish(c, v('1.0.0'), 'steward@test')).rejects.toThrow(LifecycleError);
    expect((await reg.approve(c, v('1.0.0'), 'dpo', 'dpo@test')).status).toBe('approved');
    expect((await reg.publish(c, v('1.0.0'), 'steward@test')).status).toBe('active');
    const reply = await lookup('1');
    expect(reply).toMatchObject({ status: 'OK', version: '1.0.0' });
    expect(Object.keys(reply.data!).sort()).toEqual(['fullName', 'nationalId']);
  });

  it('resolves a major to its newest active version after a compatible MINOR', async () => {
    expect(await approveAndPublish('1.1.0')).toEqual([]);
    const reply = await lookup('1');
    expect(reply).toMatchObject({ status: 'OK', version: '1.1.0' });
    expect(Object.keys(reply.data!).sort()).toEqual(['dateOfBirth', 'fullName', 'nationalId']);
    expect(await lookup('1.0.0')).toMatchObject({ status: 'OK', version: '1.0.0' });
  });

  it('refuses to publish a breaking change without a major bump, listing what breaks', async () => {
    const problems = await approveAndPublish('1.2.0');
    expect(problems.map((p) => p.message).join('\n')).toMatch(/MINOR bump but the change needs MAJOR/);
    expect(problems.some((p) => p.path?.includes('fullName'))).toBe(true);
    expect((await reg.record(c.id, '1.2.0'))!.status).toBe('approved'); // not published
    expect(await lookup('1')).toMatchObject({ version: '1.1.0' });
  });

  it('runs a new major beside the old one', async () => {
    expect(await approveAndPublish('2.0.0')).toEqual([]);
    expect(await lookup('2')).toMatchObject({ status: 'OK', version: '2.0.0' });
    expect(await lookup('1')).toMatchObject({ status: 'OK', version: '1.1.0' });
  });

  it('answers a deprecated version with a notice naming its sunset, then refuses it once retired', async () => {
    for (const version of ['1.0.0', '1.1.0']) await reg.deprecate(c, version, '2099-12-31', 'steward@test');
    const deprecated = await lookup('1');
    expect(deprecated).toMatchObject({ status: 'OK', version: '1.1.0', notice: { kind: 'DEPRECATED', sunset: '2099-12-31' } });
    await expect(reg.retire(c, '2.0.0', 'steward@test')).rejects.toThrow(/deprecate it first/);
    for (const version of ['1.0.0', '1.1.0']) await reg.retire(c, version, 'steward@test');
    expect(await lookup('1')).toMatchObject({ status: 'DENIED', code: 'VERSION_RETIRED' });
    expect(await lookup('3')).toMatchObject({ status: 'INVALID', code: 'UNKNOWN_VERSION' });
    expect(await lookup('2')).toMatchObject({ status: 'OK', version: '2.0.0' });
  });

  it('keeps a published version’s content frozen: changed code is not served', async () => {
    const tampered = { ...c, versions: c.versions.map((x) => (x.version === '2.0.0' ? { ...x, retentionDays: 9999 } : x)) };
    const { tampered: found, contract } = await reg.contract(tampered);
    expect(found).toEqual(['2.0.0']);
    expect(contract.versions.find((x) => x.version === '2.0.0')!.status).toBe('draft');
  });
});
