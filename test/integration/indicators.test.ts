/**
 * Indicators through the exchange, against the real local engine: the Government Office asks for an
 * indicator for a period on its queue and over HTTP and gets an SDMX-JSON data message (valid
 * against the official schema) or CSV; an agency that is not a consumer gets NOT_A_CONSUMER; every
 * request has its audit record, with no subject. And the published numbers agree with a count of
 * the seeded registries made here, independently of ndx's classifiers.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient } from '../../cli/agency-client.ts';
import { documentClient, dynamoClient, sqsClient } from '../../aws/clients.ts';
import { INDICATOR_REGISTRIES } from '../../aws/indicator-job.ts';
import { scanSegment } from '../../aws/registry-scan.ts';
import { ENV, names } from '../../config/names.ts';
import { Aggregate } from '../../domain/indicators/aggregate.ts';
import { type ComputeReport, computeAggregates } from '../../domain/indicators/compute.ts';
import type { Plan } from '../../domain/indicators/run.ts';
import { createHandler as createRunHandler } from '../../functions/indicator-run/handler.ts';
import { createHandler as createSegmentHandler } from '../../functions/indicator-segment/handler.ts';
import { CL_PROVINCE } from '../../contracts/indicators/codelists.ts';
import { IndicatorReply, type IndicatorRequestInput } from '../../contracts/indicators/protocol.ts';
import { TOKEN_PATH } from '../../local/issuer.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { generateWorld } from '../../synthetic/world.ts';
import { sdmxErrors } from '../unit/sdmx-support.ts';
import { ContractRegistry } from '../../aws/contract-registry.ts';
import { INDICATORS } from '../../contracts/indicators/catalog.ts';
import { defineIndicator } from '../../contracts/indicators/define.ts';
import { actorOf } from '../../domain/actor.ts';
import { ContractLifecycle, GovernanceError } from '../../domain/contracts/lifecycle-service.ts';
import { type Harness, runNdx, startHarness } from './support.ts';
import { decodeRecord } from '../../domain/audit/stored.ts';

const COUNT = 3000;
const GOV = 'government-office';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ count: COUNT });
});
afterAll(async () => {
  await h?.stop();
});

async function viaQueue(agency: string, request: Omit<IndicatorRequestInput, 'requestId' | 'kind'> & { requestId?: string }): Promise<IndicatorReply> {
  const full = { kind: 'indicator' as const, requestId: randomUUID(), ...request };
  const client = new AgencyClient(sqsClient(), agency);
  await client.send(full);
  return client.awaitIndicatorReply(full.requestId, 30_000);
}

async function tokenOf(agency: string): Promise<string> {
  const client = h.engine.api.issuer.clients.find((c) => c.agency === agency);
  if (!client) throw new Error(`no local client for ${agency}`);
  const res = await fetch(`${h.engine.endpoint.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function viaHttp(agency: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.engine.endpoint.url}/v1/indicators`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenOf(agency)}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The chained records of a request, as read (a lookup's compact form decoded: domain/audit/stored.ts). */
async function auditOf(consumer: string, requestId: string) {
  const found: Array<Record<string, unknown> & { release?: { digest?: string } }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: names.auditTable,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': 'chain#' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const record = decodeRecord(item);
      if (record.requestId === requestId && record.consumer === consumer) found.push(record);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}

/** Observations of an SDMX-JSON data message, by dimension codes (`_T` for totals). */
function observationsOf(message: Record<string, unknown>): Map<string, { value: number | null; conf: string }> {
  const data = message.data as {
    structures: Array<{
      dimensions: { observation: Array<{ id: string; values: Array<{ id?: string }> }> };
      attributes: { observation: Array<{ id: string; values: Array<{ id: string }> }> };
    }>;
    dataSets: Array<{ observations: Record<string, [number | null, number, number]> }>;
  };
  const [structure] = data.structures;
  const [dataSet] = data.dataSets;
  if (!structure || !dataSet) throw new Error('no structure or data set');
  const dims = structure.dimensions.observation.filter((d) => d.id !== 'TIME_PERIOD');
  const conf = structure.attributes.observation.find((a) => a.id === 'CONF_STATUS');
  const out = new Map<string, { value: number | null; conf: string }>();
  for (const [key, [value, , c]] of Object.entries(dataSet.observations)) {
    const codes = key
      .split(':')
      .slice(0, dims.length)
      .map((k, i) => dims[i]?.values[Number(k)]?.id ?? '?');
    out.set(codes.join('|'), { value, conf: conf?.values[c]?.id ?? '?' });
  }
  return out;
}

describe('indicators through the queue', () => {
  it('answers the Government Office with an SDMX-JSON data message valid against the official schema, and audits the release with no subject', async () => {
    const reply = await viaQueue(GOV, { indicator: 'population.living-population', period: '2026-10' });
    expect(reply).toMatchObject({
      kind: 'indicator',
      status: 'OK',
      code: 'OK',
      indicator: 'population.living-population',
      version: '1.0.0',
      period: '2026-10',
    });
    expect(reply.basis).toMatchObject({ kind: 'legal', id: 'statistics-law-government-reporting' });
    expect(sdmxErrors('data', reply.data)).toEqual([]);
    expect(reply.summary?.cells).toBe(35 * (2 * 18 + 1));
    const [record, ...more] = await auditOf(GOV, reply.requestId ?? '');
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      kind: 'lookup',
      contract: 'population.living-population',
      code: 'OK',
      registry: 'population',
      release: { period: '2026-10' },
    });
    expect(record?.subjectHash).toBeUndefined();
    expect(record?.release?.digest).toBe(reply.provenance?.digest);
  });

  it('answers CSV with one line per observation and the response’s columns', async () => {
    const reply = await viaQueue(GOV, { indicator: 'social-insurance.participants', period: '2026-10', format: 'csv' });
    expect(reply.code).toBe('OK');
    const lines = (reply.csv ?? '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('PROVINCE,SCHEME,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS');
    expect(lines).toHaveLength(1 + 35 * 3);
    for (const line of lines.slice(1)) {
      const [, , period, value, obs, conf] = line.split(',');
      expect(period).toBe('2026-10');
      if (conf === 'F') expect(value).toMatch(/^\d+$/);
      else expect([value, obs]).toEqual(['', 'M']);
    }
  });

  it('refuses an agency that is not a consumer with NOT_A_CONSUMER, audited', async () => {
    const reply = await viaQueue('hanoi-land-office', { indicator: 'land.parcels-by-land-use', period: '2026-10' });
    expect(reply).toMatchObject({ status: 'DENIED', code: 'NOT_A_CONSUMER' });
    expect(reply.data).toBeUndefined();
    const [record] = await auditOf('hanoi-land-office', reply.requestId ?? '');
    expect(record).toMatchObject({ contract: 'land.parcels-by-land-use', code: 'NOT_A_CONSUMER', status: 'DENIED' });
  });

  it('answers a period without an aggregate PERIOD_NOT_AVAILABLE, a resend ALREADY_ANSWERED, a malformed period SCHEMA_VIOLATION', async () => {
    const none = await viaQueue(GOV, { indicator: 'land.parcels-by-land-use', period: '1999-01' });
    expect(none).toMatchObject({ status: 'NOT_FOUND', code: 'PERIOD_NOT_AVAILABLE' });
    const requestId = randomUUID();
    const first = await viaQueue(GOV, { requestId, indicator: 'business.enterprises-registered', period: '2020-01' });
    const again = await viaQueue(GOV, { requestId, indicator: 'business.enterprises-registered', period: '2020-01' });
    expect(again).toMatchObject({ status: 'DUPLICATE', code: 'ALREADY_ANSWERED', original: { code: first.code } });
    const bad = await viaQueue(GOV, { indicator: 'business.enterprises-registered', period: '2020' });
    expect(bad).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION', issues: [{ path: 'period' }] });
  });
});

describe('indicators over HTTP', () => {
  it('answers POST /v1/indicators for the Government Office, with CSV as the body when asked', async () => {
    const ok = await viaHttp(GOV, { kind: 'indicator', requestId: randomUUID(), indicator: 'land.parcels-by-land-use', period: '2026-10' });
    expect(ok.status).toBe(200);
    const reply = IndicatorReply.parse(JSON.parse(ok.text));
    expect(reply.code).toBe('OK');
    expect(sdmxErrors('data', reply.data)).toEqual([]);
    const csv = await viaHttp(
      GOV,
      { kind: 'indicator', requestId: randomUUID(), indicator: 'land.parcels-by-land-use', period: '2026-10', format: 'csv' },
      { accept: 'text/csv' },
    );
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('PROVINCE,LAND_USE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS');
  });

  it('refuses an agency that is not a consumer with NOT_A_CONSUMER over HTTP too, audited', async () => {
    const requestId = randomUUID();
    const res = await viaHttp('danang-tax-office', { kind: 'indicator', requestId, indicator: 'business.enterprises-registered', period: '2024-05' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ status: 'DENIED', code: 'NOT_A_CONSUMER' });
    expect(await auditOf('danang-tax-office', requestId)).toHaveLength(1);
  });
});

describe('consistency with the registries', () => {
  /** A direct count of the seeded world, written here without ndx's classifiers. */
  function directCounts() {
    const provinceCode = new Map(CL_PROVINCE.codes.map((c) => [c.name.vi, c.id]));
    const population = new Map<string, number>();
    const participants = new Map<string, number>();
    const parcels = new Map<string, number>();
    const registrations = new Map<string, Map<string, number>>();
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const e of generateWorld({ seed: DEMO_SEED, count: COUNT })) {
      if (e.kind === 'person' && e.record.status === 'LIVING') {
        const [y, m, d] = e.record.dateOfBirth.split('-').map(Number) as [number, number, number];
        // Completed years on 31 October 2026.
        const age = 2026 - y - (m > 10 || (m === 10 && d > 31) ? 1 : 0);
        const band = age >= 85 ? 'Y_GE85' : `Y${age - (age % 5)}T${age - (age % 5) + 4}`;
        bump(population, `${provinceCode.get(e.record.permanentResidence.province)}|${e.record.sex === 'MALE' ? 'M' : 'F'}|${band}`);
      }
      if (e.kind === 'participant' && e.record.status === 'PARTICIPATING')
        bump(participants, `${e.record.legacyCode.slice(0, 2)}|${e.record.participationType}`);
      if (e.kind === 'parcel') bump(parcels, `${provinceCode.get(e.record.address.province)}|${e.record.landUse}`);
      if (e.kind === 'enterprise' && e.record.parentEnterpriseCode === null) {
        const month = e.record.foundedOn.slice(0, 7);
        const division = Number(e.record.mainIndustry.code.slice(0, 2));
        // VSIC 2018 sections of the divisions the synthetic world uses.
        const section =
          division <= 3
            ? 'A'
            : division <= 33
              ? 'C'
              : division <= 43
                ? 'F'
                : division <= 47
                  ? 'G'
                  : division <= 53
                    ? 'H'
                    : division <= 56
                      ? 'I'
                      : division <= 63
                        ? 'J'
                        : division === 68
                          ? 'L'
                          : 'M';
        if (!registrations.has(month)) registrations.set(month, new Map());
        bump(registrations.get(month) as Map<string, number>, `${provinceCode.get(e.record.headOffice.province)}|${section}`);
      }
    }
    return { population, participants, parcels, registrations };
  }

  /** Sums of the direct count over every key matching the pattern (`_T` matches any code). */
  function total(counts: Map<string, number>, key: string): number {
    const want = key.split('|');
    let n = 0;
    for (const [k, v] of counts) if (k.split('|').every((code, i) => want[i] === '_T' || want[i] === code)) n += v;
    return n;
  }

  it('publishes, for every unsuppressed cell and total, exactly what a direct count of the seeded registries gives', async () => {
    const direct = directCounts();
    // The month with the most registrations, for the monthly registrations indicator.
    const [month, registered] = [...direct.registrations].sort((a, b) => total(b[1], '_T|_T') - total(a[1], '_T|_T'))[0] ?? ['', new Map<string, number>()];
    const cases = [
      ['population.living-population', '2026-10', direct.population],
      ['social-insurance.participants', '2026-10', direct.participants],
      ['land.parcels-by-land-use', '2026-10', direct.parcels],
      ['business.enterprises-registered', month, registered],
    ] as const;
    for (const [indicator, period, counts] of cases) {
      const reply = await viaQueue(GOV, { indicator, period });
      const observations = observationsOf(reply.data as Record<string, unknown>);
      let published = 0;
      for (const [key, o] of observations) {
        if (o.conf === 'F') {
          expect(o.value, `${indicator} ${key}`).toBe(total(counts, key));
          published++;
        } else expect(o.value, `${indicator} ${key}`).toBeNull();
      }
      // The grand total is published and equals every unit counted.
      const grand = [...observations.keys()].find((k) => k.split('|').every((c) => c === '_T')) ?? '';
      expect(observations.get(grand)).toEqual({ value: [...counts.values()].reduce((a, b) => a + b, 0), conf: 'F' });
      expect(published).toBeGreaterThanOrEqual(1);
    }
  });
  /** A scratch aggregates table on the engine, shaped like ndx-indicators, so the job's handlers can write without touching the live one. */
  async function scratchAggregates(name: string): Promise<string> {
    await dynamoClient().send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'indicator', KeyType: 'HASH' },
          { AttributeName: 'period', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'indicator', AttributeType: 'S' },
          { AttributeName: 'period', AttributeType: 'S' },
        ],
      }),
    );
    return name;
  }

  /** One run of a registry's job as the state machine runs it: the run function's plan, the segment function per segment, the run function's merge. */
  async function runJob(registry: string, aggregates: string, sizing: { bytesPerSegment: number; minSegments: number; maxSegments: number }) {
    const env = {
      [ENV.registryId]: registry,
      [ENV.registryTable]: names.registryTable(registry),
      [ENV.indicatorRunTable]: names.indicatorRunTable,
      [ENV.indicatorTable]: aggregates,
      [ENV.indicatorSizing]: JSON.stringify(sizing),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    const runFn = createRunHandler(env);
    const segmentFn = createSegmentHandler(env);
    const run = `test-${randomUUID()}`;
    // What the schedule passes: the scheduled time; the run counts as of the first of that month (2026-11-01: October).
    const plan = (await runFn({ step: 'plan', registry, run, start: { scheduledTime: '2026-11-01T00:30:00Z' } })) as Plan;
    expect(plan).toMatchObject({ registry, run, asOf: '2026-11-01T00:00:00.000Z', totalSegments: sizing.minSegments });
    const reports = await Promise.all(
      plan.segments.map((segment) => segmentFn({ registry, run, asOf: plan.asOf, segment, totalSegments: plan.totalSegments })),
    );
    const merged = (await runFn({ step: 'merge', registry, run, asOf: plan.asOf, totalSegments: plan.totalSegments })) as ComputeReport;
    expect(merged.records).toBe(reports.reduce((n, r) => n + r.records, 0));
    return { plan, merged, run, env };
  }

  async function aggregatesIn(table: string): Promise<Aggregate[]> {
    const out = await documentClient().send(new ScanCommand({ TableName: table }));
    return (out.Items ?? []).map((i) => Aggregate.parse(i)).sort((a, b) => a.indicator.localeCompare(b.indicator) || a.period.localeCompare(b.period));
  }

  it('the job’s Lambda handlers (plan, segments, merge) write, for every cell, what a one-pass computation and a direct count of the registries give; a re-run replaces', async () => {
    const direct = directCounts();
    const expected: Record<string, Map<string, Map<string, number>>> = {
      'population.living-population': new Map([['2026-10', direct.population]]),
      'social-insurance.participants': new Map([['2026-10', direct.participants]]),
      'land.parcels-by-land-use': new Map([['2026-10', direct.parcels]]),
      'business.enterprises-registered': direct.registrations,
    };
    for (const registry of INDICATOR_REGISTRIES) {
      const table = await scratchAggregates(`ndx-indicators-check-${registry}`);
      const { merged } = await runJob(registry, table, { bytesPerSegment: 1, minSegments: 7, maxSegments: 7 });
      const written = await aggregatesIn(table);
      expect(written.length).toBe(merged.aggregates.length);
      // The one-pass computation over the same table (domain/indicators/compute.ts, one segment).
      const onePass: Aggregate[] = [];
      await computeAggregates(
        {
          scanSegment: (_r, segment, total, attributes, onPage) =>
            scanSegment(documentClient(), names.registryTable(registry), segment, total, attributes, onPage),
          write: async (a) => void onePass.push(...a),
        },
        registry,
        { segments: 1, concurrency: 1, asOf: new Date('2026-11-01T00:00:00.000Z') },
      );
      const countsOf = (list: Aggregate[]) => list.map((a) => ({ indicator: a.indicator, period: a.period, counts: a.counts }));
      expect(countsOf(written)).toEqual(countsOf(onePass));
      // Every cell equals the direct count of the seeded world (not only the published ones).
      for (const a of written) {
        const want = expected[a.indicator]?.get(a.period);
        expect(want, `${a.indicator} ${a.period}`).toBeDefined();
        expect(new Map(Object.entries(a.counts)), `${a.indicator} ${a.period}`).toEqual(want);
      }
      // A re-run for the same month, cut into other segments, replaces the aggregates: the same counts, never added.
      await runJob(registry, table, { bytesPerSegment: 1, minSegments: 3, maxSegments: 3 });
      expect(countsOf(await aggregatesIn(table))).toEqual(countsOf(written));
    }
  });

  it('a run whose merge finds a segment without its partial fails (IncompleteRunError) and writes nothing', async () => {
    const table = await scratchAggregates('ndx-indicators-check-incomplete');
    const { plan, env } = await runJob('land', table, { bytesPerSegment: 1, minSegments: 2, maxSegments: 2 });
    const before = await aggregatesIn(table);
    const runFn = createRunHandler(env);
    // The same run merged as if it had one segment more: that segment never ran.
    await expect(runFn({ step: 'merge', registry: 'land', run: plan.run, asOf: plan.asOf, totalSegments: 3 })).rejects.toThrow(
      /1 of 3 segment\(s\) have no committed partial \(2\); nothing was written/,
    );
    // A function refuses another registry's run.
    await expect(createSegmentHandler(env)({ registry: 'population', run: plan.run, asOf: plan.asOf, segment: 0, totalSegments: 2 })).rejects.toThrow(
      /reads land, not population/,
    );
    expect(await aggregatesIn(table)).toEqual(before);
  });
});

describe('indicator contracts through the steward workflow', () => {
  it('takes each indicator through propose, two-role approval and publish; a code removed from a code list is refused without a major version', async () => {
    const lifecycle = new ContractLifecycle({ registry: new ContractRegistry(documentClient(), names.contractTable) });
    const dpo = actorOf('dpo@ndx.gov.vn');
    for (const indicator of INDICATORS) {
      const [v1] = indicator.versions;
      if (!v1) throw new Error('no version');
      const [first, second, ...rest] = v1.indicator.dimensions;
      if (!first || !second) throw new Error('two dimensions');
      const strip = ({ subject: _s, response: _r, fields: _f, ...terms }: typeof v1) => terms;
      const without = { ...second, codeList: { ...second.codeList, codes: second.codeList.codes.slice(1) } };
      const changed = (version: string) => ({ ...strip(v1), version, indicator: { ...v1.indicator, dimensions: [first, without, ...rest] } });
      // A copy under its own id, so the demo's published versions stay as they are.
      const c = defineIndicator({ ...indicator, id: `${indicator.id}-workflow`, versions: [strip(v1), changed('1.1.0'), changed('2.0.0')] });
      const [one, minor, major] = c.versions as [typeof v1, typeof v1, typeof v1];
      const steward = actorOf(c.stewards[0]);
      const through = async (v: typeof v1) => {
        await lifecycle.propose(c, v, steward);
        await lifecycle.approve(c, v, 'steward', steward);
        await lifecycle.approve(c, v, 'dpo', dpo);
        return lifecycle.publish(c, v, steward);
      };
      expect((await through(one)).status).toBe('active');
      const refused = await through(minor).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GovernanceError);
      expect((refused as Error).message).toMatch(new RegExp(`${second.codeList.id}: code ${second.codeList.codes[0]?.id} .*removed`));
      expect((await lifecycle.record(c.id, '1.1.0'))?.status).toBe('approved');
      expect((await through(major)).status).toBe('active');
    }
  });
});

describe('ndx indicator', () => {
  const ndx = (...args: string[]) => runNdx({ ...process.env, AWS_ENDPOINT_URL: h.engine.endpoint.url, NDX_OPERATOR: 'operator@ndx.gov.vn' }, args, 60_000);

  it('request: readable by default (row totals, what was withheld, the audit id), JSON with --json, exit codes by status', async () => {
    const ok = await ndx('indicator', 'request', '--as', GOV, '--indicator', 'social-insurance.participants', '--period', '2026-10');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK {2}social-insurance\.participants@1\.0\.0 for 2026-10/);
    expect(ok.stdout).toMatch(/01 Hà Nội/);
    expect(ok.stdout).toMatch(/withheld so that none of those can be recomputed/);
    expect(ok.stdout).toMatch(/audit government-office\//);
    const json = await ndx('--json', 'indicator', 'request', '--as', GOV, '--indicator', 'land.parcels-by-land-use', '--period', '2026-10', '--format', 'csv');
    expect(IndicatorReply.parse(JSON.parse(json.stdout)).csv?.startsWith('PROVINCE,LAND_USE,')).toBe(true);
    const denied = await ndx('indicator', 'request', '--as', 'hanoi-land-office', '--indicator', 'land.parcels-by-land-use', '--period', '2026-10');
    expect(denied.code).toBe(4);
    expect(denied.stdout).toMatch(/DENIED NOT_A_CONSUMER/);
    const missing = await ndx('indicator', 'request', '--as', GOV, '--indicator', 'land.parcels-by-land-use', '--period', '1990-01');
    expect(missing.code).toBe(3);
    const usage = await ndx('indicator', 'request', '--as', GOV, '--indicator', 'land.parcels-by-land-use', '--period', 'last month');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/period/);
  });

  it('list and show: the catalogue with its lifecycle, one indicator’s structure and the periods computed', async () => {
    const list = await ndx('indicator', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/population\.living-population\s+1\.0\.0\s+active\s+population\s+PROVINCE × SEX × AGE/);
    const show = await ndx('--json', 'indicator', 'show', 'land.parcels-by-land-use');
    const value = JSON.parse(show.stdout) as { status: string; periods: Array<{ period: string }>; disclosure: { threshold: number } };
    expect(value).toMatchObject({ status: 'active', disclosure: { threshold: 3 } });
    expect(value.periods.map((p) => p.period)).toEqual(['2026-10']);
  });

  it('contract export: an indicator’s SDMX-JSON structure message, valid against the official schema', async () => {
    const out = await ndx('contract', 'export', 'population.living-population', '--format', 'sdmx');
    expect(out.code).toBe(0);
    expect(sdmxErrors('structure', JSON.parse(out.stdout))).toEqual([]);
    const wrong = await ndx('contract', 'export', 'population.living-population', '--format', 'asyncapi');
    expect(wrong.code).toBe(2);
  });
});
