/**
 * The exported documents against the running local engine: real replies of every contract validate
 * against the exported reply schema (reader form, with fields added: tolerance; writer form, as
 * written), the requests that got them against the exported request schema, and the lifecycle in the
 * documents exported with --endpoint is what `ndx contract list` shows, sunset included.
 */
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/program.ts';
import { CONTRACTS, findContract } from '../../contracts/catalog.ts';
import { exportVersion } from '../../contracts/export.ts';
import type { LookupRequestInput } from '../../contracts/protocol.ts';
import { documentClient } from '../../aws/clients.ts';
import { ContractRegistry } from '../../aws/contract-registry.ts';
import { names } from '../../config/names.ts';
import { worldExamples } from '../../synthetic/world.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { PROJECT_ROOT } from '../../local/engine.ts';
import { asyncApiProblems, strictAjv, transport, VERSIONS } from '../unit/export-support.ts';
import { asker } from './ask.ts';
import { startHarness, type Harness } from './support.ts';

const COUNT = 300;
const ex = worldExamples({ seed: DEMO_SEED, count: COUNT });
const { ask, stop: stopAsking } = asker();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ count: COUNT });
});
afterAll(async () => {
  await stopAsking();
  await h?.stop();
});

/** A subject each contract answers OK for, from the seeded world. */
const SUBJECTS: Record<string, () => Record<string, string>> = {
  'population.identity-verification': () => ({ nationalId: ex.owner.nationalId }),
  'land.parcel': () => ({ parcelId: ex.parcel }),
  'land.parcels-by-owner': () => ({ nationalId: ex.owner.nationalId }),
  'social-insurance.participation': () => ({ nationalId: ex.employee.nationalId }),
  'social-insurance.benefits': () => ({ nationalId: ex.employee.nationalId }),
  'business.enterprise-profile': () => ({ enterpriseCode: ex.employee.employerCode }),
  'business.enterprises-by-representative': () => ({ nationalId: ex.representative.nationalId }),
};

/** Who asks, for what, and on what basis: a legal basis of the version, else the demo's active consent. */
function lookupOf(contractId: string): { agency: string; request: Omit<LookupRequestInput, 'requestId'> } {
  const v = findContract(contractId)!.versions.at(-1)!;
  const basis = v.legalBases[0];
  if (basis) return { agency: basis.consumers[0]!, request: { contract: contractId, purpose: basis.purposes[0]!, subject: SUBJECTS[contractId]!() } };
  const consent = h.demo.consents.find((c) => c.state === 'ACTIVE' && v.consumers.includes(c.consumer));
  if (!consent) throw new Error(`no legal basis and no demo consent for ${contractId}`);
  return {
    agency: consent.consumer,
    request: { contract: contractId, purpose: consent.purpose, subject: { nationalId: consent.nationalId }, consentId: consent.consentId },
  };
}

/** The reply with a field added at the top, in data, and in the first object nested in data. */
function withAddedFields(reply: Record<string, unknown>): Record<string, unknown> {
  const data = structuredClone(reply.data) as Record<string, unknown>;
  const nested = Array.isArray(data.items) ? (data.items as Record<string, unknown>[])[0] : data;
  const inner = Object.values(nested ?? {}).find((x) => x && typeof x === 'object' && !Array.isArray(x)) as Record<string, unknown> | undefined;
  if (inner) inner.addedLater = 1;
  if (nested) nested.addedLater = 'x';
  data.addedLater = true;
  return { ...reply, data, addedLater: { any: 'thing' } };
}

describe('real replies against the exported schemas', () => {
  for (const { contract, version, lifecycle, at } of VERSIONS) {
    it(at, async () => {
      const doc = exportVersion('jsonschema', contract, version, { lifecycle, transport }) as { $id: string };
      const ajv = strictAjv('2020-12');
      ajv.addSchema(doc);
      const schema = (def: string) => ajv.getSchema(`${doc.$id}#/$defs/${def}`)!;
      const { agency, request } = lookupOf(contract.id);
      const page = version.list ? { page: { size: 1 } } : {};
      const first = await ask(agency, { ...request, ...page });
      expect(first, JSON.stringify(first)).toMatchObject({ status: 'OK', contract: contract.id });
      const replies: Record<string, unknown>[] = [first];
      if (version.list) {
        const token = (first.data as { nextPageToken?: string }).nextPageToken;
        expect(token).toBeDefined();
        const nextRequest = { ...request, page: { size: 1, token: token! } };
        expect(schema('LookupRequest')({ requestId: crypto.randomUUID(), ...nextRequest })).toBe(true);
        replies.push(await ask(agency, nextRequest));
      }
      expect(schema('LookupRequest')({ requestId: first.requestId, ...request, ...page }), JSON.stringify(schema('LookupRequest').errors)).toBe(true);
      for (const reply of replies) {
        expect(schema('LookupReply')(reply), JSON.stringify(schema('LookupReply').errors)).toBe(true);
        expect(schema('LookupReplyAsWritten')(reply), JSON.stringify(schema('LookupReplyAsWritten').errors)).toBe(true);
        const added = withAddedFields(reply);
        expect(schema('LookupReply')(added), JSON.stringify(schema('LookupReply').errors)).toBe(true);
        expect(schema('LookupReplyAsWritten')(added)).toBe(false);
      }
    });
  }
});

describe('lifecycle in the documents exported from the contract registry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ndx-export-'));

  async function exported(...args: string[]): Promise<Record<string, unknown>> {
    const out = join(dir, `${args.join('_').replace(/[^a-z0-9.]+/gi, '_')}.json`);
    expect(await run(['--endpoint', h.engine.endpoint.url, 'contract', 'export', ...args, '--out', out])).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  }

  it('ODCS status and sunset are what `ndx contract list` shows, for every version', async () => {
    const deprecated = findContract('land.parcel')!;
    const sunset = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    await new ContractRegistry(documentClient(), names.contractTable).deprecate(deprecated, '1.0.0', sunset, 'steward@land.mae.gov.vn');

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/ndx.mjs'), '--json', '--endpoint', h.engine.endpoint.url, 'contract', 'list'],
      { timeout: 30_000 },
    );
    const listed = JSON.parse(stdout) as { contract: string; version: string; status: string; sunset?: string }[];
    // Lookup contracts and indicator contracts (whose ODCS documents follow the same lifecycle).
    expect(listed).toHaveLength(VERSIONS.length + INDICATORS.flatMap((c) => c.versions).length);
    for (const row of listed) {
      const odcs = await exported(`${row.contract}@${row.version}`, '--format', 'odcs');
      const custom = odcs.customProperties as { property: string; value: unknown }[];
      expect({ at: `${row.contract}@${row.version}`, status: odcs.status, sunset: custom.find((p) => p.property === 'sunset')?.value }).toEqual({
        at: `${row.contract}@${row.version}`,
        status: row.status,
        sunset: row.sunset,
      });
      expect(custom).toContainEqual(expect.objectContaining({ property: 'lifecycleSource', value: 'contract registry' }));
    }
    expect(listed.find((r) => r.contract === deprecated.id)).toMatchObject({ status: 'deprecated', sunset });

    // The agency's AsyncAPI document says the same, and stays valid.
    const agency = await exported('--agency', 'hanoi-land-office', '--format', 'asyncapi');
    expect(await asyncApiProblems(agency)).toEqual([]);
    expect(JSON.stringify(agency)).toContain(`land.parcel@1.0.0: Lifecycle: deprecated: it stops answering on ${sunset} (from the contract registry).`);
    expect(CONTRACTS.filter((c) => c.versions.some((v) => v.consumers.includes('hanoi-land-office'))).length).toBeGreaterThan(1);
  });

  it('offline, the shipped catalogue', async () => {
    const out = join(dir, 'offline.json');
    expect(await run(['contract', 'export', 'land.parcel@1.0.0', '--format', 'odcs', '--offline', '--out', out])).toBe(0);
    const odcs = JSON.parse(readFileSync(out, 'utf8')) as { status: string; customProperties: { property: string; value: unknown }[] };
    expect(odcs.status).toBe('active');
    expect(odcs.customProperties).toContainEqual(expect.objectContaining({ property: 'lifecycleSource', value: 'shipped catalogue' }));
    // The newest version in the code, 1.1.0 (a higher rate limit), is a draft until a steward publishes it.
    expect(await run(['contract', 'export', 'land.parcel', '--format', 'odcs', '--offline', '--out', out])).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { version: string; status: string }).status).toBe('draft');
  });
});
