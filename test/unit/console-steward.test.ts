/**
 * The stewards' rules (domain/console/steward.ts): who may take which lifecycle action on which
 * contract, at each boundary (role without being listed, listed without the role, an e-mail in
 * another case, the DPO role alone, operators and citizens); which actions a version offers in each
 * status; the actor recorded; the form's values; and the pages in both languages.
 */
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { versionDiff } from '../../contracts/governance.ts';
import { LIFECYCLE, type LifecycleStatus } from '../../contracts/model.ts';
import type { VersionRecord } from '../../contracts/lifecycle.ts';
import { MESSAGES } from '../../console/i18n.ts';
import { confirmActionPage, diffPage, versionPage } from '../../console/pages/steward.ts';
import { stewardRoutes } from '../../console/routes/steward.ts';
import type { RouteContext } from '../../console/app.ts';
import { ConcurrentChangeError } from '../../domain/contracts/lifecycle-service.ts';
import type { Principal } from '../../domain/console/principal.ts';
import { LifecycleError } from '../../contracts/lifecycle.ts';
import { z } from 'zod';
import { NationalId } from '../../contracts/identifiers.ts';
import {
  actionsNow,
  type ContractUsage,
  isStewardOf,
  isStewardRefusal,
  NotAllowedError,
  refusalOf,
  STEWARD_ACTIONS,
  type StewardAction,
  StewardDesk,
  StewardInputError,
  StewardNotFoundError,
  type StewardPorts,
} from '../../domain/console/steward.ts';
import { lifecycleContract } from '../fixtures/lifecycle-contract.ts';

const contract = { ...lifecycleContract, stewards: ['steward@population.mps.gov.vn', 'second@population.mps.gov.vn'] };

const stewardAndDpo: Principal = { kind: 'staff', email: 'steward@population.mps.gov.vn', roles: ['steward', 'dpo'] };
const otherSteward: Principal = { kind: 'staff', email: 'second@population.mps.gov.vn', roles: ['steward'] };
const dpoOnly: Principal = { kind: 'staff', email: 'dpo@ndx.gov.vn', roles: ['dpo'] };
const stewardElsewhere: Principal = { kind: 'staff', email: 'steward@land.mae.gov.vn', roles: ['steward'] };
const listedWithoutRole: Principal = { kind: 'staff', email: 'second@population.mps.gov.vn', roles: ['operator'] };
const listedDpoOnly: Principal = { kind: 'staff', email: 'second@population.mps.gov.vn', roles: ['dpo'] };
const operator: Principal = { kind: 'staff', email: 'operator@ndx.gov.vn', roles: ['operator'] };
const citizen: Principal = { kind: 'citizen', subjectHash: 'a'.repeat(64) };

describe('who is a steward of a contract', () => {
  it('needs the steward role and the e-mail among the contract’s stewards (in any case)', () => {
    expect(isStewardOf(stewardAndDpo, contract)).toBe(true);
    expect(isStewardOf({ ...otherSteward, email: 'Second@Population.MPS.gov.vn' } as Principal, contract)).toBe(true);
    expect(isStewardOf(stewardElsewhere, contract)).toBe(false);
    expect(isStewardOf(listedWithoutRole, contract)).toBe(false);
    expect(isStewardOf(listedDpoOnly, contract)).toBe(false);
    expect(isStewardOf(citizen, contract)).toBe(false);
  });
});

describe('who may take which action', () => {
  const table: Array<[string, Principal, Partial<Record<StewardAction, ReturnType<typeof refusalOf>>>]> = [
    ['a steward of the contract who is also a DPO', stewardAndDpo, {}],
    ['another steward of the contract (no DPO role)', otherSteward, { 'approve-dpo': 'dpo' }],
    [
      'a DPO alone',
      dpoOnly,
      { propose: 'steward-of', withdraw: 'steward-of', 'approve-steward': 'steward-of', publish: 'steward-of', deprecate: 'steward-of', retire: 'steward-of' },
    ],
    [
      'a steward of another contract',
      stewardElsewhere,
      {
        propose: 'steward-of',
        withdraw: 'steward-of',
        'approve-steward': 'steward-of',
        'approve-dpo': 'dpo',
        publish: 'steward-of',
        deprecate: 'steward-of',
        retire: 'steward-of',
      },
    ],
    [
      'listed as steward but a DPO by role',
      listedDpoOnly,
      { propose: 'steward-of', 'approve-steward': 'steward-of', publish: 'steward-of', withdraw: 'steward-of', deprecate: 'steward-of', retire: 'steward-of' },
    ],
    ['an operator', operator, Object.fromEntries(STEWARD_ACTIONS.map((a) => [a, 'area']))],
    ['a citizen', citizen, Object.fromEntries(STEWARD_ACTIONS.map((a) => [a, 'area']))],
  ];
  it.each(table)('%s', (_who, p, refused) => {
    for (const a of STEWARD_ACTIONS) expect(refusalOf(p, contract, a), a).toBe(refused[a]);
  });
});

const record = (status: LifecycleStatus, approvals: VersionRecord['approvals'] = []): VersionRecord => ({
  contractId: contract.id,
  version: '1.0.0',
  status,
  digest: 'd',
  approvals,
  events: [],
});

describe('the actions a version offers', () => {
  it('follows the lifecycle: one step from each status, nothing once retired', () => {
    const offered = Object.fromEntries(LIFECYCLE.map((s) => [s, actionsNow(stewardAndDpo, contract, s, record(s))]));
    expect(offered).toEqual({
      draft: ['propose'],
      proposed: ['withdraw', 'approve-steward', 'approve-dpo'],
      approved: ['publish'],
      active: ['deprecate'],
      deprecated: ['retire'],
      retired: [],
    });
  });

  it('does not offer a role already approved in, but leaves the four-eyes refusal to the registry', () => {
    const approvedAsSteward = record('proposed', [
      { role: 'steward', by: stewardAndDpo.kind === 'staff' ? stewardAndDpo.email : '', at: '2026-11-01T00:00:00.000Z' },
    ]);
    expect(actionsNow(stewardAndDpo, contract, 'proposed', approvedAsSteward)).toEqual(['withdraw', 'approve-dpo']);
    expect(actionsNow(dpoOnly, contract, 'proposed', approvedAsSteward)).toEqual(['approve-dpo']);
    const approvedAsDpo = record('proposed', [{ role: 'dpo', by: 'dpo@ndx.gov.vn', at: '2026-11-01T00:00:00.000Z' }]);
    expect(actionsNow(stewardAndDpo, contract, 'proposed', approvedAsDpo)).toEqual(['withdraw', 'approve-steward']);
    expect(actionsNow(dpoOnly, contract, 'draft')).toEqual([]);
    expect(actionsNow(operator, contract, 'proposed')).toEqual([]);
  });
});

/** The lifecycle service's calls, recorded; each returns a record in the status it leads to. */
function recordingPorts(over: Partial<StewardPorts> = {}) {
  const calls: Array<{ action: string; version: string; by: string; role?: string; sunset?: string; early?: unknown }> = [];
  const records: VersionRecord[] = [];
  const call = (c: (typeof calls)[number], status: LifecycleStatus) => {
    calls.push(c);
    return Promise.resolve(record(status));
  };
  const ports: StewardPorts = {
    contracts: () => [contract],
    findContract: (id) => (id === contract.id ? contract : undefined),
    lifecycle: {
      records: () => Promise.resolve(records),
      propose: (_c, v, by) => call({ action: 'propose', version: v?.version ?? '', by }, 'proposed'),
      withdraw: (_c, v, by) => call({ action: 'withdraw', version: v.version, by }, 'draft'),
      approve: (_c, v, role, by) => call({ action: 'approve', version: v.version, by, role }, 'proposed'),
      publish: (_c, v, by) => call({ action: 'publish', version: v?.version ?? '', by }, 'active'),
      deprecate: (_c, v, sunset, by) => call({ action: 'deprecate', version: v.version, by, sunset }, 'deprecated'),
      retire: (_c, v, by, early) => call({ action: 'retire', version: v.version, by, early }, 'retired'),
    },
    usage: () => Promise.resolve([]),
    agencyName: (id) => (id === 'hanoi-land-office' ? 'Hà Nội Land Registration Office' : undefined),
    clock: () => new Date('2026-11-29T10:00:00Z'),
    ...over,
  };
  return { ports, calls, records };
}

describe('acting on a version', () => {
  it('records the signed-in e-mail as the actor, and the role of an approval', async () => {
    const { ports, calls } = recordingPorts();
    const desk = new StewardDesk(ports);
    await desk.act(stewardAndDpo, contract.id, '1.0.0', 'propose');
    await desk.act(stewardAndDpo, contract.id, '1.0.0', 'approve-steward');
    await desk.act(dpoOnly, contract.id, '1.0.0', 'approve-dpo');
    await desk.act(otherSteward, contract.id, '1.1.0', 'withdraw');
    await desk.act(otherSteward, contract.id, '1.1.0', 'publish');
    expect(calls).toEqual([
      { action: 'propose', version: '1.0.0', by: 'steward@population.mps.gov.vn' },
      { action: 'approve', version: '1.0.0', by: 'steward@population.mps.gov.vn', role: 'steward' },
      { action: 'approve', version: '1.0.0', by: 'dpo@ndx.gov.vn', role: 'dpo' },
      { action: 'withdraw', version: '1.1.0', by: 'second@population.mps.gov.vn' },
      { action: 'publish', version: '1.1.0', by: 'second@population.mps.gov.vn' },
    ]);
  });

  it.each([
    ['a DPO proposing', dpoOnly, 'propose', 'steward-of'],
    ['a DPO approving as steward', dpoOnly, 'approve-steward', 'steward-of'],
    ['a steward of another contract publishing', stewardElsewhere, 'publish', 'steward-of'],
    ['a steward without the DPO role approving as DPO', otherSteward, 'approve-dpo', 'dpo'],
    ['an operator retiring', operator, 'retire', 'area'],
    ['a citizen deprecating', citizen, 'deprecate', 'area'],
  ] as const)('refuses %s before the registry is asked', async (_what, p, action, refusal) => {
    const { ports, calls } = recordingPorts();
    const error = await new StewardDesk(ports).act(p, contract.id, '1.0.0', action, { sunset: '2027-01-01' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect((error as NotAllowedError).refusal).toBe(refusal);
    expect(calls).toEqual([]);
  });

  it('says why in its errors, and checks the area before looking the contract up (no probing of ids)', async () => {
    const desk = new StewardDesk(recordingPorts().ports);
    const refused = (p: Principal, action: StewardAction, id = contract.id) => desk.act(p, id, '1.0.0', action).catch((e: unknown) => e as Error);
    expect(await refused(otherSteward, 'approve-dpo')).toMatchObject({
      name: 'NotAllowedError',
      message: 'approving as data-protection officer needs the dpo role',
    });
    expect(await refused(dpoOnly, 'publish')).toMatchObject({
      message: 'only a steward of test.lifecycle may do this (stewards: steward@population.mps.gov.vn, second@population.mps.gov.vn)',
    });
    expect(await refused(citizen, 'propose', 'no.such')).toMatchObject({
      name: 'NotAllowedError',
      refusal: 'area',
      message: 'the catalogue is for data stewards and data-protection officers',
    });
    expect(await refused(stewardAndDpo, 'propose', 'no.such')).toMatchObject({ name: 'StewardNotFoundError', message: 'no contract no.such' });
    expect(await desk.act(stewardAndDpo, contract.id, '9.9.9', 'propose').catch((e: unknown) => e)).toMatchObject({
      message: 'test.lifecycle has no version 9.9.9',
    });
    expect(await desk.version(stewardAndDpo, contract.id, '9.9.9').catch((e: unknown) => e)).toMatchObject({ message: 'test.lifecycle has no version 9.9.9' });
    expect(() => desk.diff(stewardAndDpo, contract.id, '9.9.9', '1.0.0')).toThrow('test.lifecycle has no version 9.9.9');
  });

  it('tells the console which refusals to show with their reason: the lifecycle’s and the form’s, nothing else', () => {
    expect(isStewardRefusal(new LifecycleError('x'))).toBe(true);
    expect(isStewardRefusal(new StewardInputError('sunset', 'x'))).toBe(true);
    expect(isStewardRefusal(new NotAllowedError('area', 'x'))).toBe(false);
    expect(isStewardRefusal(new Error('x'))).toBe(false);
  });

  it('passes a sunset that is a real day, and refuses one that is not', async () => {
    const { ports, calls } = recordingPorts();
    const desk = new StewardDesk(ports);
    await desk.act(stewardAndDpo, contract.id, '1.0.0', 'deprecate', { sunset: ' 2027-06-30 ' });
    expect(calls[0]).toMatchObject({ action: 'deprecate', sunset: '2027-06-30' });
    for (const sunset of ['2027-02-30', '30/06/2027', '2027-6-30', '12027-06-30', 'x2027-06-30', '', undefined]) {
      const error = await desk.act(stewardAndDpo, contract.id, '1.0.0', 'deprecate', sunset === undefined ? {} : { sunset }).catch((e: unknown) => e);
      expect(error, String(sunset)).toBeInstanceOf(StewardInputError);
      expect(error).toMatchObject({ name: 'StewardInputError', field: 'sunset', message: `the sunset must be a day (YYYY-MM-DD), got "${sunset ?? ''}"` });
    }
    expect(calls).toHaveLength(1);
  });

  it('retires early only with a reason, which it passes on; without one the lifecycle decides (the sunset)', async () => {
    const { ports, calls } = recordingPorts();
    const desk = new StewardDesk(ports);
    await desk.act(stewardAndDpo, contract.id, '1.0.0', 'retire', { reason: '  court order 2026-88 ' });
    await desk.act(stewardAndDpo, contract.id, '1.0.0', 'retire', { reason: '   ' });
    expect(calls.map((c) => c.early)).toEqual([{ force: true, reason: 'court order 2026-88' }, undefined]);
    await expect(desk.act(stewardAndDpo, contract.id, '1.0.0', 'retire', { reason: 'x'.repeat(501) })).rejects.toMatchObject({
      field: 'reason',
      message: 'at most 500 characters',
    });
    await desk.act(stewardAndDpo, contract.id, '1.0.0', 'retire', {});
    expect(calls.at(-1)?.early).toBeUndefined();
    await desk.act(stewardAndDpo, contract.id, '1.0.0', 'retire', { reason: 'x'.repeat(500) });
    expect(calls).toHaveLength(4);
  });

  it('answers an unknown contract, version or a malformed id as not found', async () => {
    const desk = new StewardDesk(recordingPorts().ports);
    await expect(desk.act(stewardAndDpo, 'no.such', '1.0.0', 'propose')).rejects.toBeInstanceOf(StewardNotFoundError);
    await expect(desk.act(stewardAndDpo, contract.id, '9.9.9', 'propose')).rejects.toBeInstanceOf(StewardNotFoundError);
    await expect(desk.contract(stewardAndDpo, 'Test.Lifecycle')).rejects.toBeInstanceOf(StewardNotFoundError);
    // Whatever the port would answer, only a well-formed id reaches it.
    const lenient = new StewardDesk({ ...recordingPorts().ports, findContract: () => contract });
    for (const id of ['Test.Lifecycle', '/test.lifecycle', 'test.lifecycle/', '-test', 'a'.repeat(101), 'test lifecycle', ''])
      await expect(lenient.contract(stewardAndDpo, id), id).rejects.toBeInstanceOf(StewardNotFoundError);
    await expect(lenient.contract(stewardAndDpo, 'a'.repeat(100))).resolves.toBeDefined();
    await expect(desk.version(stewardAndDpo, contract.id, '1.0.1')).rejects.toBeInstanceOf(StewardNotFoundError);
    expect(() => desk.diff(stewardAndDpo, contract.id, '1.0.0', '7.0.0')).toThrow(StewardNotFoundError);
  });
});

describe('reading the catalogue', () => {
  it('is refused to operators and citizens, in the domain as at the door', async () => {
    const desk = new StewardDesk(recordingPorts().ports);
    for (const p of [operator, citizen]) {
      await expect(desk.catalogue(p)).rejects.toBeInstanceOf(NotAllowedError);
      await expect(desk.version(p, contract.id, '1.0.0')).rejects.toBeInstanceOf(NotAllowedError);
      await expect(desk.usage(p, contract.id)).rejects.toBeInstanceOf(NotAllowedError);
      expect(() => desk.diff(p, contract.id, '1.0.0', '1.1.0')).toThrow(NotAllowedError);
    }
  });

  it('joins the registry’s records: a version it does not know is a draft', async () => {
    const { ports, records } = recordingPorts();
    records.push({ ...record('deprecated'), sunset: '2027-06-30' }, { ...record('active'), version: '1.1.0' });
    const [view] = await new StewardDesk(ports).catalogue(dpoOnly);
    expect(view!.versions.map((v) => [v.definition.version, v.status, v.sunset])).toEqual([
      ['1.0.0', 'deprecated', '2027-06-30'],
      ['1.1.0', 'active', undefined],
      ['1.2.0', 'draft', undefined],
      ['2.0.0', 'draft', undefined],
    ]);
    expect(view!.versions[0]!.record).toEqual({ ...record('deprecated'), sunset: '2027-06-30' });
    expect(view!.versions[2]!.record).toBeUndefined();
    expect(view!.stewardOf).toBe(false);
    expect(view!.agencies).toEqual({ 'hanoi-land-office': 'Hà Nội Land Registration Office' });
  });

  it('lists versions oldest first whatever order the code gives them in, and works without a clock of its own', async () => {
    const reversed = { ...contract, versions: [...contract.versions].reverse() };
    const desk = new StewardDesk({ ...recordingPorts().ports, contracts: () => [reversed], findContract: () => reversed, clock: undefined });
    const [view] = await desk.catalogue(stewardAndDpo);
    expect(view!.versions.map((v) => v.definition.version)).toEqual(['1.0.0', '1.1.0', '1.2.0', '2.0.0']);
    expect((await desk.usage(stewardAndDpo, contract.id)).to).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('gives the same diff as ndx contract diff (contracts/governance.ts versionDiff)', () => {
    const view = new StewardDesk(recordingPorts().ports).diff(stewardAndDpo, contract.id, '1.1.0', '1.2.0');
    expect(view.diff).toEqual(versionDiff(contract.versions[1]!, contract.versions[2]!));
    expect(view.diff.requiredBump).toBe('MAJOR');
    expect(view.diff.bump).toBe('MINOR');
    const backward = view.diff.response.find((r) => r.direction === 'backward')!;
    const forward = view.diff.response.find((r) => r.direction === 'forward')!;
    expect(backward.changes.some((c) => c.breaking && c.bump === 'MAJOR' && c.path === '$.fullName')).toBe(true);
    expect(forward.changes.every((c) => c.bump === undefined)).toBe(true);
    expect(forward.changes.length).toBeGreaterThan(0);
  });

  it('reads the reply as ndx writing and the request as agencies writing, in both directions', () => {
    const v1 = contract.versions[0]!;
    const looser = { ...v1, version: '1.1.0', subject: z.strictObject({ nationalId: z.string() }), rateLimit: { perAgencyPerMinute: 5 } };
    const d = versionDiff(v1, looser);
    expect(d.subject.map((r) => r.direction)).toEqual(['backward', 'forward']);
    expect(d.response.map((r) => r.direction)).toEqual(['backward', 'forward']);
    // ndx on the new version reads what agencies built for the old one send: accepted; the other way round: not.
    const [backward, forward] = d.subject;
    expect(backward!.changes.length).toBeGreaterThan(0);
    expect(backward!.changes.every((c) => !c.breaking && (c.bump === 'MINOR' || c.bump === 'PATCH'))).toBe(true);
    expect(backward!.changes.some((c) => c.bump === 'MINOR')).toBe(true);
    expect(forward!.changes.some((c) => c.breaking && c.bump === undefined)).toBe(true);
    expect(d.requiredBump).toBe('MINOR');
    expect(versionDiff(v1, { ...v1, subject: z.strictObject({ nationalId: NationalId }) }).requiredBump).toBe('NONE');
    // The highest reason decides, whatever comes last: a new recipient (MAJOR) before a rate limit (MINOR).
    const both = versionDiff(v1, { ...looser, subject: v1.subject, consumers: [...v1.consumers, 'danang-tax-office'] });
    expect(both.reasons.map((r) => r.bump)).toEqual(['MAJOR', 'MINOR']);
    expect(both.requiredBump).toBe('MAJOR');
    // Agencies built for 1.1.0 (an optional date of birth) read what 1.0.0 sends: the reply is read tolerantly.
    const added = versionDiff(v1, contract.versions[1]!);
    expect(added.response.find((r) => r.direction === 'forward')!.changes.every((c) => !c.breaking)).toBe(true);
    expect(added.response.find((r) => r.direction === 'backward')!.changes.map((c) => [c.path, c.breaking, c.bump])).toContainEqual([
      '$.dateOfBirth',
      false,
      'MINOR',
    ]);
  });
});

describe('the consumers report', () => {
  const usage: ContractUsage[] = [
    { consumer: 'hanoi-land-office', version: '1.0.0', lookups: 5, ok: 4, first: '2026-11-02T01:00:00.000Z', last: '2026-11-20T01:00:00.000Z' },
    { consumer: 'unknown-agency', version: '1.0.0', lookups: 2, ok: 2, first: '2026-11-03T01:00:00.000Z', last: '2026-11-04T01:00:00.000Z' },
    { consumer: 'hanoi-land-office', version: '1.1.0', lookups: 1, ok: 1, first: '2026-11-21T01:00:00.000Z', last: '2026-11-21T01:00:00.000Z' },
  ];

  it('reads the last 30 days by default, names the agencies and sums each version', async () => {
    const asked: unknown[] = [];
    const { ports } = recordingPorts({
      usage: (id, range) => {
        asked.push({ id, ...range });
        return Promise.resolve(usage);
      },
    });
    const view = await new StewardDesk(ports).usage(stewardAndDpo, contract.id);
    expect(asked).toEqual([{ id: contract.id, from: '2026-10-30', to: '2026-11-29' }]);
    expect(view.rows.map((r) => r.agencyName)).toEqual(['Hà Nội Land Registration Office', 'unknown-agency', 'Hà Nội Land Registration Office']);
    expect(view.versions).toEqual([
      { version: '1.0.0', lookups: 7, agencies: 2 },
      { version: '1.1.0', lookups: 1, agencies: 1 },
    ]);
  });

  it('gives each row its version’s status, and orders the versions by semver', async () => {
    const rows: ContractUsage[] = [
      { ...usage[2]!, version: '1.10.0' },
      { ...usage[0]!, version: '1.2.0' },
      { ...usage[1]!, version: '1.1.0' },
    ];
    const { ports, records } = recordingPorts({ usage: () => Promise.resolve(rows) });
    records.push({ ...record('active'), version: '1.2.0' }, { ...record('deprecated'), version: '1.1.0', sunset: '2027-01-01' });
    const view = await new StewardDesk(ports).usage(stewardAndDpo, contract.id);
    expect(view.versions.map((v) => v.version)).toEqual(['1.1.0', '1.2.0', '1.10.0']);
    expect(view.rows.map((r) => [r.version, r.status])).toEqual([
      ['1.10.0', undefined],
      ['1.2.0', 'active'],
      ['1.1.0', 'deprecated'],
    ]);
    expect('status' in view.rows[0]!).toBe(false);
  });

  it('takes a window of real days, the right way round, at most 366 days', async () => {
    const desk = new StewardDesk(recordingPorts().ports);
    const refused = (range: { from?: string; to?: string }) => desk.usage(dpoOnly, contract.id, range).catch((e: unknown) => e);
    expect(await refused({ from: '2026-11-02', to: '2026-11-01' })).toMatchObject({ field: 'from', message: '2026-11-02 is after 2026-11-01' });
    expect(await refused({ from: '2026-02-30', to: '2026-03-01' })).toMatchObject({ field: 'from', message: 'not a day: 2026-02-30' });
    expect(await refused({ from: '2026-03-01', to: '2026-13-01' })).toMatchObject({ field: 'to', message: 'not a day: 2026-13-01' });
    expect(await refused({ from: '2025-01-01', to: '2026-01-03' })).toMatchObject({ field: 'from', message: 'at most 366 days at a time' });
    expect(await desk.usage(dpoOnly, contract.id, { from: ' 2026-11-01 ', to: ' 2026-11-03 ' })).toMatchObject({ from: '2026-11-01', to: '2026-11-03' });
    expect((await desk.usage(dpoOnly, contract.id, { from: '2025-01-01', to: '2026-01-02' })).from).toBe('2025-01-01');
    expect((await desk.usage(dpoOnly, contract.id, { from: '2026-11-01', to: '2026-11-01' })).to).toBe('2026-11-01');
  });
});

describe('the pages', () => {
  const c = (lang: 'vi' | 'en') => ({ m: MESSAGES[lang], path: '/console/catalog', local: false, principal: stewardAndDpo, csrf: 'x'.repeat(43) });

  it.each(['vi', 'en'] as const)('a version page in %s: one h1, every action offered, fields with category and sensitivity', async (lang) => {
    const { ports, records } = recordingPorts();
    records.push(record('proposed'));
    const view = await new StewardDesk(ports).version(stewardAndDpo, contract.id, '1.0.0');
    const page = renderToString(versionPage(c(lang), view));
    expect(page.match(/<h1/g)).toHaveLength(1);
    expect(page).toContain(`lang="${lang}"`);
    for (const a of ['withdraw', 'approve-steward', 'approve-dpo']) expect(page).toContain(`href="/console/catalog/test.lifecycle/1.0.0/${a}"`);
    expect(page).toContain(MESSAGES[lang].category.identity);
    expect(page).toContain(MESSAGES[lang].steward.sensitivityName.personal);
    expect(page).toContain('Law on Personal Data Protection');
    expect(page).not.toMatch(/undefined|\[object Object\]/);
  });

  it('a confirmation carries the CSRF token, the effect, and the sunset or reason field the action needs', async () => {
    const { ports, records } = recordingPorts();
    records.push({ ...record('deprecated'), sunset: '2027-06-30' }, { ...record('active'), version: '1.1.0' });
    const desk = new StewardDesk(ports);
    const retire = renderToString(
      confirmActionPage(c('vi'), await desk.version(stewardAndDpo, contract.id, '1.0.0'), 'retire', { today: '2026-11-29', early: true }),
    );
    expect(retire).toContain('name="csrf" value="xxxxxxxx');
    expect(retire).toContain(MESSAGES.vi.steward.effect.retire);
    expect(retire).toMatch(/<textarea[^>]*name="reason"[^>]*required/);
    const deprecate = renderToString(confirmActionPage(c('en'), await desk.version(stewardAndDpo, contract.id, '1.1.0'), 'deprecate', { today: '2026-11-29' }));
    expect(deprecate).toMatch(/<input[^>]*type="date"[^>]*name="sunset"[^>]*min="2026-11-30"/);
    expect(deprecate).not.toContain('name="reason"');
  });

  it('a diff marks breaking changes, the bump each needs, and whether the number carries the change', () => {
    const view = new StewardDesk(recordingPorts().ports).diff(stewardAndDpo, contract.id, '1.1.0', '1.2.0');
    const page = renderToString(diffPage(c('en'), contract, view));
    expect(page).toContain(MESSAGES.en.steward.doesNotCarry);
    expect(page).toContain('$.fullName');
    expect(page).toContain(`>${MESSAGES.en.steward.breaking}<`);
    expect(page).toContain(MESSAGES.en.steward.bump.MAJOR);
    const ok = renderToString(diffPage(c('vi'), contract, new StewardDesk(recordingPorts().ports).diff(stewardAndDpo, contract.id, '1.1.0', '2.0.0')));
    expect(ok).toContain(MESSAGES.vi.steward.carries);
  });
});

describe('the action route’s answers', () => {
  const post = async (lifecycle: Partial<StewardPorts['lifecycle']>, action = 'approve-dpo', principal: Principal = stewardAndDpo) => {
    const { ports } = recordingPorts();
    const desk = new StewardDesk({ ...ports, lifecycle: { ...ports.lifecycle, ...lifecycle } });
    const route = stewardRoutes(desk).find((r) => r.method === 'POST')!;
    const path = `/console/catalog/${contract.id}/1.0.0/${action}`;
    const ctx = {
      req: { method: 'POST', path, query: {}, headers: {}, body: '', requestId: 'r' },
      c: { m: MESSAGES.en, path, local: false, principal, csrf: 'x'.repeat(43) },
      principal,
      form: new URLSearchParams(),
    } as unknown as RouteContext;
    return route.handle(ctx, route.pattern.exec(path)!);
  };

  it('redirects to the version after the action (PRG), with what was done', async () => {
    expect(await post({})).toMatchObject({ status: 303, headers: { location: `/console/catalog/${contract.id}/1.0.0?done=approve-dpo` } });
  });

  it('answers someone else acting first 409 with the reason, a refused role 403, an unknown action 404', async () => {
    const conflict = await post({
      approve: () => Promise.reject(new ConcurrentChangeError('test.lifecycle@1.0.0 changed meanwhile; try again')),
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toContain('changed meanwhile; try again');
    expect((await post({}, 'approve-dpo', otherSteward)).status).toBe(403);
    expect((await post({}, 'approve-thrice')).status).toBe(404);
  });

  it('lets an unexpected failure through (app.ts answers it 503 without details)', async () => {
    await expect(post({ approve: () => Promise.reject(new Error('network down')) })).rejects.toThrow('network down');
  });
});
