import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bumpOf, changeReasons, governanceProblems, requiredBump } from '../../contracts/governance.ts';
import type { VersionDefinition } from '../../contracts/model.ts';
import { lifecycleContract as c } from '../fixtures/lifecycle-contract.ts';

const v = (version: string) => c.versions.find((x) => x.version === version)!;
const next = (over: Partial<VersionDefinition>): VersionDefinition => ({ ...v('1.0.0'), version: '1.0.1', ...over });

describe('semver that carries governance', () => {
  it('reads bumps from version numbers', () => {
    expect([bumpOf('1.0.0', '1.0.1'), bumpOf('1.0.0', '1.1.0'), bumpOf('1.9.9', '2.0.0'), bumpOf('1.0.0', '1.0.0')]).toEqual([
      'PATCH',
      'MINOR',
      'MAJOR',
      'NONE',
    ]);
  });

  it('asks nothing for an identical version, PATCH for descriptions only', () => {
    expect(requiredBump(v('1.0.0'), next({}))).toBe('NONE');
    expect(requiredBump(v('1.0.0'), next({ changelog: 'Clarified.' }))).toBe('PATCH');
    const described = next({
      response: z.strictObject({ nationalId: v('1.0.0').response.shape.nationalId!, fullName: z.string().describe('Full name, as registered.') }),
    });
    expect(requiredBump(v('1.0.0'), described)).toBe('PATCH');
  });

  it('asks MINOR for a compatible schema change in a category already released', () => {
    expect(requiredBump(v('1.0.0'), v('1.1.0'))).toBe('MINOR');
    expect(requiredBump(v('1.0.0'), next({ rateLimit: { perAgencyPerMinute: 5 } }))).toBe('MINOR');
  });

  it('asks MAJOR for a breaking schema change', () => {
    expect(requiredBump(v('1.1.0'), v('1.2.0'))).toBe('MAJOR');
    expect(changeReasons(v('1.1.0'), v('1.2.0')).some((r) => r.bump === 'MAJOR' && r.path === '$.fullName')).toBe(true);
  });

  it.each([
    ['a new recipient', { consumers: ['hanoi-land-office', 'danang-tax-office'] }],
    ['a new purpose', { purposes: [...v('1.0.0').purposes, { code: 'TAX_REGISTRATION', description: 'x' }] }],
    ['a different legal basis', { legalBases: [{ ...v('1.0.0').legalBases[0]!, article: 'Art. 19.1(d)' }] }],
    ['a longer retention', { retentionDays: 3650 }],
  ] as const)('asks MAJOR for %s even though the schema is unchanged', (_what, over) => {
    expect(requiredBump(v('1.0.0'), next(over as Partial<VersionDefinition>))).toBe('MAJOR');
  });

  it('asks MAJOR for a compatible optional field that releases a new personal-data category', () => {
    const withResidence = next({
      response: z.strictObject({ nationalId: v('1.0.0').response.shape.nationalId!, fullName: z.string(), commune: z.string().optional() }),
      fields: { ...v('1.0.0').fields, commune: { category: 'residence', sensitivity: 'personal', description: 'Commune of residence.' } },
    });
    const reasons = changeReasons(v('1.0.0'), withResidence);
    expect(reasons.find((r) => r.bump === 'MAJOR')?.message).toMatch(/released data categories/);
    expect(reasons.some((r) => r.path === '$.commune' && r.bump === 'MINOR')).toBe(true);
  });
});

describe('governanceProblems', () => {
  it('allows the first version and a MINOR that carries a compatible change', () => {
    expect(governanceProblems(c, v('1.0.0'), [])).toEqual([]);
    expect(governanceProblems(c, v('1.1.0'), ['1.0.0'])).toEqual([]);
  });

  it('refuses a breaking change without a major, and lists what breaks', () => {
    const problems = governanceProblems(c, v('1.2.0'), ['1.0.0', '1.1.0']);
    expect(problems[0]!.message).toMatch(/MINOR bump but the change needs MAJOR/);
    expect(problems.filter((p) => p.path === '$.fullName').length).toBeGreaterThan(0);
  });

  it('allows the same change as a new major, beside the old one', () => {
    expect(governanceProblems(c, v('2.0.0'), ['1.0.0', '1.1.0'])).toEqual([]);
  });

  it('refuses going backwards within a major', () => {
    expect(governanceProblems(c, v('1.1.0'), ['1.0.0', '1.2.0'])[0]!.message).toMatch(/only move forward/);
  });
});

describe('the demo deployment', () => {
  it('publishes versions that exist in the catalogue', async () => {
    const { DEMO_PUBLISHED } = await import('../../synthetic/demo.ts');
    const { findContract } = await import('../../contracts/catalog.ts');
    const { findIndicator } = await import('../../contracts/indicators/catalog.ts');
    for (const ref of DEMO_PUBLISHED) {
      const [id, version] = ref.split('@') as [string, string];
      expect(
        (findContract(id) ?? findIndicator(id))?.versions.some((x) => x.version === version),
        ref,
      ).toBe(true);
    }
  });
});
