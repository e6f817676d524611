/**
 * Governance at its edges (contracts/governance.ts): the highest reason decides the bump, whatever its
 * order; the previous version is the newest published below, in any order given; a version is checked
 * against every version still answering in its major; the same version twice and a backport to an
 * older major; the subject schema's own compatibility.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bumpOf, changeReasons, governanceProblems, requiredBump } from '../../contracts/governance.ts';
import { NationalId } from '../../contracts/identifiers.ts';
import { defineContract, type ContractDefinition, type VersionDefinition } from '../../contracts/model.ts';
import { basisOf, gate, newestVersion } from '../../domain/contracts/gate.ts';
import { lifecycleContract as c } from '../fixtures/lifecycle-contract.ts';

const v = (contract: ContractDefinition, version: string): VersionDefinition => {
  const found = contract.versions.find((x) => x.version === version);
  if (!found) throw new Error(`no version ${version}`);
  return found;
};
const v100 = v(c, '1.0.0');
const next = (over: Partial<VersionDefinition>): VersionDefinition => ({ ...v100, version: '1.0.1', ...over });

describe('the bump a step needs', () => {
  it('is the highest reason’s, even when a lesser reason comes last', () => {
    const step = next({ consumers: ['hanoi-land-office', 'danang-tax-office'], rateLimit: { perAgencyPerMinute: 5 } });
    const reasons = changeReasons(v100, step);
    expect(reasons.map((r) => r.bump)).toEqual(['MAJOR', 'MINOR']);
    expect(requiredBump(v100, step)).toBe('MAJOR');
  });

  it('names what changed', () => {
    expect(changeReasons(v100, next({ consumers: ['a'] }))).toEqual([{ bump: 'MAJOR', message: 'recipients change: [hanoi-land-office] → [a]' }]);
    expect(changeReasons(v100, next({ purposes: [{ code: 'X', description: 'x' }] }))[0]).toEqual({
      bump: 'MAJOR',
      message: 'purposes change: [LAND_REGISTRATION] → [X]',
    });
    expect(changeReasons(v100, next({ retentionDays: 10 }))).toEqual([{ bump: 'MAJOR', message: 'retention changes: 365 → 10 days' }]);
    expect(changeReasons(v100, next({ rateLimit: { perAgencyPerMinute: 5 } }))).toEqual([{ bump: 'MINOR', message: 'rate limit changes: 1000 → 5/min' }]);
    const basis = v100.legalBases[0];
    if (!basis) throw new Error('no basis');
    expect(changeReasons(v100, next({ legalBases: [{ ...basis, purposes: ['OTHER'] }] }))).toEqual([{ bump: 'MAJOR', message: 'legal bases change' }]);
  });

  it('does not count the order of recipients or purposes as a change', () => {
    const two = next({ consumers: ['b', 'a'] });
    expect(changeReasons({ ...two, consumers: ['a', 'b'] }, two)).toEqual([]);
  });

  it('checks the subject schema’s own compatibility as a request: a stricter subject is MAJOR, a looser one MINOR', () => {
    const stricter = next({ subject: z.strictObject({ nationalId: z.string().length(3) }) });
    const looser = next({ subject: z.strictObject({ nationalId: z.string() }) });
    const subjectReasons = (step: VersionDefinition) => changeReasons(v100, step).filter((r) => r.message.startsWith('subject $.nationalId: '));
    expect(subjectReasons(looser).length).toBeGreaterThan(0);
    expect(subjectReasons(looser).every((r) => r.bump !== 'MAJOR' && r.path === '$.nationalId')).toBe(true);
    expect(subjectReasons(looser).map((r) => r.bump)).toContain('MINOR');
    expect(requiredBump(v100, looser)).toBe('MINOR');
    expect(subjectReasons(stricter).some((r) => r.bump === 'MAJOR')).toBe(true);
    expect(requiredBump(v100, stricter)).toBe('MAJOR');
  });

  it('asks MAJOR when the subject’s key changes', () => {
    expect(
      changeReasons(v100, next({ subject: z.strictObject({ parcelId: z.string() }) as unknown as VersionDefinition['subject'] })).map((r) => r.message),
    ).toContain('the subject key changes');
  });

  it('asks nothing when nothing changes and PATCH when only the changelog does', () => {
    expect(changeReasons(v100, next({}))).toEqual([]);
    expect(changeReasons(v100, next({ changelog: 'Reworded.' }))).toEqual([{ bump: 'PATCH', message: 'descriptions change' }]);
  });

  it('refuses version numbers that are not semver', () => {
    expect(() => bumpOf('1.0', '1.0.1')).toThrow('not semver: 1.0 / 1.0.1');
    expect(() => bumpOf('1.0.0', 'x')).toThrow('not semver: 1.0.0 / x');
  });
});

describe('governanceProblems', () => {
  it('compares with the newest published version below, given in any order and beside other majors', () => {
    const problems = governanceProblems(c, v(c, '1.2.0'), ['1.1.0', '1.0.0', '2.0.0']);
    expect(problems[0]?.message).toBe('1.1.0 → 1.2.0 is a MINOR bump but the change needs MAJOR:');
    const listed = problems.slice(1).filter((p) => p.message.startsWith('  ['));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((p) => p.message.startsWith('  [MAJOR] '))).toBe(true);
  });

  it('lists only the reasons above the bump made', () => {
    const c2 = defineContract({
      ...c,
      versions: [v100, { ...v100, version: '1.1.0', rateLimit: { perAgencyPerMinute: 5 }, consumers: ['hanoi-land-office', 'x'] }],
    });
    const problems = governanceProblems(c2, v(c2, '1.1.0'), ['1.0.0']);
    expect(problems.map((p) => p.message)).toEqual([
      '1.0.0 → 1.1.0 is a MINOR bump but the change needs MAJOR:',
      '  [MAJOR] recipients change: [hanoi-land-office] → [hanoi-land-office,x]',
    ]);
  });

  it('refuses the same version published twice', () => {
    expect(governanceProblems(c, v100, ['1.0.0']).map((p) => p.message)).toEqual([
      'a version at or above 1.0.0 is already published in major 1: versions only move forward',
    ]);
  });

  it('allows a backport to an older major after a newer major is out', () => {
    expect(governanceProblems(c, v(c, '1.1.0'), ['1.0.0', '2.0.0'])).toEqual([]);
  });

  it('checks every version still answering in the major, not only the previous one', () => {
    const status = (values: [string, ...string[]]) => z.strictObject({ nationalId: NationalId, status: z.enum(values) });
    const field = { category: 'identifier', sensitivity: 'personal', description: 'x' } as const;
    const fields = { nationalId: field, status: field };
    const c3 = defineContract({
      ...c,
      versions: [
        { ...v100, version: '1.0.0', response: status(['A']), fields },
        { ...v100, version: '1.1.0', response: status(['A', 'B']), fields },
        { ...v100, version: '1.2.0', response: status(['A', 'B']), fields, changelog: 'Same as 1.1.0.' },
        { ...v100, version: '2.0.0', response: status(['A']), fields },
      ],
    });
    const transitive = governanceProblems(c3, v(c3, '1.2.0'), ['1.0.0', '1.1.0', '2.0.0']);
    expect(transitive.length).toBeGreaterThan(0);
    expect(transitive.every((p) => p.message.startsWith('breaks consumers of 1.0.0 (BACKWARD_TRANSITIVE): '))).toBe(true);
    expect(transitive[0]?.path).toMatch(/status/);
    expect(governanceProblems(c3, v(c3, '1.2.0'), ['1.1.0'])).toEqual([]);
    expect(governanceProblems(c3, v(c3, '1.2.0'), ['1.0.0', '1.1.0'], 'BACKWARD')).toEqual([]);
  });
});

describe('the gate of a change (domain/contracts/gate.ts)', () => {
  it('checks the newest version by default against the earlier versions of its major only, oldest first', () => {
    const g = gate(c);
    expect(newestVersion(c).version).toBe('2.0.0');
    expect(g.candidate.version).toBe('2.0.0');
    expect(g.against).toEqual([]);
    expect(g.ok).toBe(true);
    const breaking = gate(c, v(c, '1.2.0'));
    expect(breaking.against.map((x) => x.version)).toEqual(['1.0.0', '1.1.0']);
    expect(breaking.compatibility.compatible).toBe(false);
    expect(breaking.problems.length).toBeGreaterThan(0);
    expect(breaking.ok).toBe(false);
  });

  it('passes a compatible candidate whose number carries its change, and fails one whose number does not', () => {
    expect(gate(c, v(c, '1.1.0')).ok).toBe(true);
    const same = defineContract({ ...c, versions: [v100, { ...v100, version: '1.0.1', consumers: ['hanoi-land-office', 'x'] }] });
    const g = gate(same);
    expect(g.compatibility.compatible).toBe(true);
    expect(g.ok).toBe(false);
    expect(gate(c, v(c, '1.1.0'), 'BACKWARD').against.map((x) => x.version)).toEqual(['1.0.0']);
  });

  it('refuses a contract with no version', () => {
    expect(() => newestVersion({ ...c, versions: [] })).toThrow('test.lifecycle has no version');
  });

  it('reads a version’s basis: legal for every pair, consent for none, both otherwise', () => {
    expect(basisOf(v100)).toBe('legal');
    expect(basisOf({ ...v100, legalBases: [] })).toBe('consent');
    expect(basisOf({ ...v100, consumers: ['hanoi-land-office', 'other'] })).toBe('legal+consent');
    expect(basisOf({ ...v100, purposes: [...v100.purposes, { code: 'OTHER', description: 'x' }] })).toBe('legal+consent');
  });
});

describe('governance at the edges of what only describes', () => {
  const fullName = (s: z.ZodString) => z.strictObject({ nationalId: NationalId, fullName: s });

  it('counts a changed title or other annotation in the response as a PATCH, like a description', () => {
    const titled = next({ response: fullName(z.string().meta({ title: 'Full name' })) });
    expect(changeReasons(v100, titled).map((r) => r.bump)).toEqual(['PATCH']);
    expect(requiredBump(v100, titled)).toBe('PATCH');
    const example = next({ response: fullName(z.string().meta({ examples: ['Nguyễn Văn A'] })) });
    expect(changeReasons(v100, example).map((r) => r.bump)).toEqual(['PATCH']);
    expect(changeReasons(v100, next({ response: fullName(z.string().describe('Full name as registered.')) })).map((r) => r.bump)).toEqual(['PATCH']);
  });

  it('asks PATCH when only a field’s or a purpose’s description changes, and nothing when a field’s sensitivity does', () => {
    const described = next({
      fields: {
        ...v100.fields,
        fullName: { ...(v100.fields.fullName as NonNullable<(typeof v100.fields)['fullName']>), description: 'Full name as registered.' },
      },
    });
    expect(changeReasons(v100, described)).toEqual([{ bump: 'PATCH', message: 'descriptions change' }]);
    const purposes = next({ purposes: v100.purposes.map((p) => ({ ...p, description: `${p.description} Reworded.` })) });
    expect(changeReasons(v100, purposes)).toEqual([{ bump: 'PATCH', message: 'descriptions change' }]);
    const sensitivity = next({
      fields: { ...v100.fields, fullName: { ...(v100.fields.fullName as NonNullable<(typeof v100.fields)['fullName']>), sensitivity: 'sensitive' } },
    });
    expect(changeReasons(v100, sensitivity)).toEqual([]);
  });

  it('checks the bump against the newest version below even when the same version is already published', () => {
    const messages = governanceProblems(c, v(c, '1.2.0'), ['1.0.0', '1.2.0', '1.1.0']).map((p) => p.message);
    expect(messages[0]).toBe('a version at or above 1.2.0 is already published in major 1: versions only move forward');
    expect(messages[1]).toBe('1.1.0 → 1.2.0 is a MINOR bump but the change needs MAJOR:');
  });

  it('gives each listed reason its path when it has one', () => {
    const problems = governanceProblems(c, v(c, '1.2.0'), ['1.1.0']);
    const listed = problems.filter((p) => p.message.startsWith('  ['));
    expect(listed.some((p) => p.path === '$.fullName')).toBe(true);
    expect(problems[0]).not.toHaveProperty('path');
  });

  it('checks compatibility only against versions of its own major that it knows', () => {
    expect(governanceProblems(c, v(c, '2.0.0'), ['1.0.0', '1.1.0'])).toEqual([]);
    expect(governanceProblems(c, v(c, '1.1.0'), ['1.0.0', '1.0.5'])).toEqual([]);
  });
});
