/**
 * What a lookup function builds as it loads (a cold start's work; timings live in `npm run bench:cold`): schemas for
 * requests it may never be sent are built on first use instead.
 */
import fc from 'fast-check';
import * as z from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { IndicatorReply, IndicatorRequest } from '../../contracts/indicators/protocol.ts';
import { withRateLimit } from '../../contracts/model.ts';
import { identityVerification } from '../../contracts/population/identity-verification.ts';
import { EnterpriseItem, EnterpriseProfile, Representation, RepresentationItem } from '../../registries/business/record.ts';
import { ParcelOwnerRow, ParcelRecord } from '../../registries/land/record.ts';
import { PopulationRecord } from '../../registries/population/record.ts';
import { SocialInsuranceRecord } from '../../registries/social-insurance/record.ts';

/** Whether a `z.lazy` schema has built its inner schema yet (zod caches it on the definition). */
const built = (schema: z.ZodLazy) => (schema._zod.def as { _cachedInner?: unknown })._cachedInner !== undefined;

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
});
