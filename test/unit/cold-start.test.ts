/**
 * What a lookup function builds as it loads (a cold start's work; timings live in `npm run bench:cold`): schemas for
 * requests it may never be sent are built on first use instead.
 */
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { IndicatorReply, IndicatorRequest } from '../../contracts/indicators/protocol.ts';
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
});
