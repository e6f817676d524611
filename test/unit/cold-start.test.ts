/**
 * What a lookup function builds as it loads (a cold start's work; timings live in `npm run bench:cold`): schemas for
 * requests it may never be sent are built on first use instead.
 */
import fc from 'fast-check';
import * as z from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { IndicatorReply, IndicatorRequest } from '../../contracts/indicators/protocol.ts';
import { CONTRACTS } from '../../contracts/catalog.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { defineContract, type VersionDefinition, withRateLimit } from '../../contracts/model.ts';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { AuditAnchor } from '../../domain/audit/anchor.ts';
import { AuditEntry, AuditRecord } from '../../domain/audit/records.ts';
import { EnterpriseItem, EnterpriseProfile, Representation, RepresentationItem } from '../../registries/business/record.ts';
import { ParcelOwnerRow, ParcelRecord } from '../../registries/land/record.ts';
import { PopulationRecord } from '../../registries/population/record.ts';
import { SocialInsuranceRecord } from '../../registries/social-insurance/record.ts';

/** Whether a `z.lazy` schema has built its inner schema yet (zod caches it on the definition). */
const built = (schema: z.ZodLazy) => (schema._zod.def as { _cachedInner?: unknown })._cachedInner !== undefined;

/**
 * How many zod schemas `run` builds: zod gives every schema it constructs its `_zod` internals with
 * `Object.defineProperty` (zod 4; the tests below check that the count sees a schema being built).
 */
async function schemasBuilt(run: () => unknown): Promise<number> {
  const define = vi.spyOn(Object, 'defineProperty');
  try {
    await run();
    return define.mock.calls.filter(([, key]) => key === '_zod').length;
  } finally {
    define.mockRestore();
  }
}

describe('cold start', () => {
  it('loading the router or the agency API builds neither indicator schema; the first indicator request does', async () => {
    expect(IndicatorRequest).toBeInstanceOf(z.ZodLazy);
    expect(IndicatorReply).toBeInstanceOf(z.ZodLazy);
    await import('../../functions/router/handler.ts');
    await import('../../functions/api/handler.ts');
    expect([built(IndicatorRequest), built(IndicatorReply)]).toEqual([false, false]);

    const request = IndicatorRequest.parse({ kind: 'indicator', requestId: crypto.randomUUID(), indicator: 'population.living-population', period: '2026-10' });
    expect(request).toMatchObject({ version: '1', format: 'sdmx-json' });
    expect([built(IndicatorRequest), built(IndicatorReply)]).toEqual([true, false]);
  });

  it('loading the adapter builds no registry’s record schemas; an adapter builds its own registry’s when it reads', async () => {
    const records = {
      PopulationRecord,
      SocialInsuranceRecord,
      ParcelRecord,
      ParcelOwnerRow,
      EnterpriseProfile,
      EnterpriseItem,
      Representation,
      RepresentationItem,
    };
    for (const schema of Object.values(records)) expect(schema).toBeInstanceOf(z.ZodLazy);
    await import('../../functions/adapter/handler.ts');
    expect(Object.entries(records).filter(([, schema]) => built(schema))).toEqual([]);

    // The first read builds the one it needs (what it accepts is unchanged: test/unit/world.test.ts and the registries tests).
    const person = PopulationRecord.safeParse({ nationalId: '001203004567' });
    expect(person.success).toBe(false);
    expect(
      Object.entries(records)
        .filter(([, schema]) => built(schema))
        .map(([name]) => name),
    ).toEqual(['PopulationRecord']);
  });

  it('loading the router, the agency API or the adapter starts none of ICU’s locale services (their first use costs about 10 ms)', async () => {
    const spies = [
      vi.spyOn(Number.prototype, 'toLocaleString'),
      vi.spyOn(Date.prototype, 'toLocaleString'),
      vi.spyOn(String.prototype, 'localeCompare'),
      vi.spyOn(Intl, 'NumberFormat'),
      vi.spyOn(Intl, 'DateTimeFormat'),
      vi.spyOn(Intl, 'Collator'),
    ];
    try {
      // Every module evaluated afresh, the contracts' included (the imports above have loaded some of them already).
      vi.resetModules();
      await import('../../functions/router/handler.ts');
      await import('../../functions/api/handler.ts');
      await import('../../functions/adapter/handler.ts');
      expect(spies.map((s) => s.mock.calls.length)).toEqual(spies.map(() => 0));
      // The spies see a call (the test would notice one).
      (12_345).toLocaleString('en-US');
      expect(spies[0]?.mock.calls.length).toBe(1);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('a rate-limit version’s changelog writes both limits as toLocaleString("en-US") does', () => {
    const base = identityVerification.versions[0];
    if (!base) throw new Error('identity verification has a first version');
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.integer({ min: 0, max: 2 ** 53 - 1 }), (from, to) => {
        const v = withRateLimit({ ...base, rateLimit: { perAgencyPerMinute: from } }, '1.1.0', to);
        expect(v.changelog).toBe(
          `Rate limit ${from.toLocaleString('en-US')} → ${to.toLocaleString('en-US')} a minute per agency, for a national day (ndx.config.ts PROD_TRAFFIC).`,
        );
        expect(v.rateLimit).toEqual({ perAgencyPerMinute: to });
      }),
    );
    // Not an integer: as toLocaleString writes it (three decimals at most).
    expect(withRateLimit(base, '1.1.0', 1234.5678).changelog).toContain('→ 1,234.568 a minute');
  });

  it('loading the router, the agency API or the adapter builds no contract’s schemas; reading a contract’s versions builds its own, once', async () => {
    // Every shipped contract builds its versions when they are first read (contracts/model.ts defineContract).
    for (const c of [...CONTRACTS, ...INDICATORS]) expect(typeof Object.getOwnPropertyDescriptor(c, 'versions')?.get, c.id).toBe('function');

    vi.resetModules();
    const atLoad = await schemasBuilt(async () => {
      await import('../../functions/router/handler.ts');
      await import('../../functions/api/handler.ts');
      await import('../../functions/adapter/handler.ts');
    });
    expect(atLoad).toBeGreaterThan(0); // the count sees schemas being built (the protocol's, the consent's...)
    const fresh = (await import('../../contracts/catalog.ts')).findContract('population.identity-verification');
    if (!fresh) throw new Error('population.identity-verification is shipped');
    // Its first read builds its schemas (not built as the functions loaded), the next ones nothing.
    expect(await schemasBuilt(() => fresh.versions)).toBeGreaterThan(2);
    expect(await schemasBuilt(() => fresh.versions)).toBe(0);
    expect(fresh.versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
  });

  it('a contract whose versions are a function: checked and built when first read, then kept; given as a list, checked at once', () => {
    const base = identityVerification.versions[0] as VersionDefinition;
    let builds = 0;
    const lazy = defineContract({ ...identityVerification, versions: () => [{ ...base, version: `1.0.${builds++}` }] });
    expect(builds).toBe(0);
    expect(lazy.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect(lazy.versions).toBe(lazy.versions);
    expect(builds).toBe(1);
    expect({ ...lazy }.versions).toBe(lazy.versions); // spread and copied like a plain definition
    expect(JSON.parse(JSON.stringify({ id: lazy.id, n: lazy.versions.length }))).toEqual({ id: 'population.identity-verification', n: 1 });

    const bad = [{ ...base, version: 'one' }];
    const problem = 'invalid contract population.identity-verification:\n  population.identity-verification@one: version is not semver';
    const invalid = defineContract({ ...identityVerification, versions: () => bad });
    expect(() => invalid.versions).toThrow(problem);
    expect(() => invalid.versions).toThrow(problem); // not kept: every read says so
    expect(() => defineContract({ ...identityVerification, versions: bad })).toThrow(problem);
  });

  it('the functions that record lookups build none of the trail’s record, entry or anchor schemas; their readers build them on first use', async () => {
    for (const schema of [AuditEntry, AuditRecord, AuditAnchor]) expect(schema).toBeInstanceOf(z.ZodLazy);
    vi.resetModules();
    await import('../../functions/router/handler.ts');
    await import('../../functions/api/handler.ts');
    await import('../../functions/adapter/handler.ts');
    // The very schemas the functions loaded (the modules were evaluated afresh for them).
    const { AuditEntry: entry, AuditRecord: record } = await import('../../domain/audit/records.ts');
    const { AuditAnchor: anchor } = await import('../../domain/audit/anchor.ts');
    expect([entry, record, anchor]).not.toContain(AuditEntry);
    expect([built(entry), built(record), built(anchor)]).toEqual([false, false, false]);
    expect(anchor.safeParse({ kind: 'ndx.audit-anchor.v1', takenAt: '2026-11-24T00:00:00Z', partitions: [] }).success).toBe(true);
    expect([built(entry), built(record), built(anchor)]).toEqual([false, false, true]);
  });
});
