/**
 * `npm run bench`: ndx measured against the floor it stands on, in one run on one machine.
 *
 * - floor: the AWS operations one lookup cannot avoid (send a request, receive it, read the record,
 *   send the reply, receive it), by a plain SDK client at the same concurrency;
 * - the floor with the writes: the floor plus the four conditional writes a lookup's guarantees make
 *   (bench/floor-writes.ts), one lookup at a time: the part of ndx's ratios that its own code does not make;
 * - ndx end to end through router and adapter (checks, consent, idempotency, audit), at 1, 8 and 64
 *   lookups in flight, for a legal-basis contract and a consent contract;
 * - work per lookup (DynamoDB and SQS operations by stage), Lambda bundle sizes and cold import
 *   times against a minimal handler and against the libraries the functions stand on without ndx's code
 *   (bench/libraries-handler.ts), seeding throughput, and a bulk batch of lookups.
 *
 * Machines are shared and noisy: read the ratios rather than the absolute numbers. Floor and ndx
 * runs of one concurrency level take turns in three rounds, so drift in the machine's load moves
 * both alike. Results: bench/results/latest.json and report.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import config from '../ndx.config.ts';
import { residence } from '../contracts/population/residence.ts';
import { latestVersion, majorOf, releasedCategories } from '../contracts/model.ts';
import { AgencyClient, ReplyInbox } from '../cli/agency-client.ts';
import { progressBar } from '../cli/progress.ts';
import { documentClient, dynamoClient, sqsClient } from '../aws/clients.ts';
import { writeAll } from '../aws/batch-write.ts';
import { ConsentStore } from '../aws/consent-store.ts';
import { consentSigningKey } from '../domain/consent/consent.ts';
import { names } from '../config/names.ts';
import { subjectHasher } from '../domain/subject-hash.ts';
import { generatePopulation } from '../synthetic/population.ts';
import type { PopulationRecord } from '../registries/population/record.ts';
import { LOCAL_PEPPER } from '../config/local.ts';
import { DEMO_PUBLISHED, publishCatalog } from '../synthetic/demo.ts';
import { CONTRACTS } from '../contracts/catalog.ts';
import type { ContractDefinition } from '../contracts/model.ts';
import { PROJECT_ROOT, startEngine } from '../local/engine.ts';
import { meter, meterWriteUnits, tableStorage, type OperationCounts } from '../local/metering.ts';
import { costPerMillion, gbSeconds, sqsRequestsOf, storagePerMillionPerMonth, type Work } from './cost.ts';
import { PRICES } from './prices.ts';
import { createFloorWritesTable, floorWrites } from './floor-writes.ts';
import { bundleSizes, coldImports } from './lambda-cost.ts';
import { latencyChart, summarize, type Summary } from './stats.ts';

const QUICK = process.argv.includes('--quick');
const CONCURRENCY = [1, 8, 64] as const;
/**
 * Lookups per run and level. A p99 is only as good as the samples behind it: from 150 it is the second-worst
 * lookup, so one stall of a shared machine decides it; 600 at 1 in flight (the sixth-worst) and 1,800 at 8
 * cost little time, since single lookups are quick.
 */
const LOOKUPS: Record<(typeof CONCURRENCY)[number], number> = QUICK ? { 1: 120, 8: 240, 64: 320 } : { 1: 600, 8: 1800, 64: 2400 };
/** Rounds per concurrency level, the three runs taking turns. */
const ROUNDS = 3;
const POPULATION = QUICK ? 5_000 : 20_000;
const BULK = QUICK ? 1_000 : 10_000;

/** The second baseline: the floor plus the writes a lookup's guarantees make (bench/floor-writes.ts). */
const FLOOR_WITH_WRITES = 'floor with the writes';

interface Run {
  name: string;
  concurrency: number;
  lookups: number;
  seconds: number;
  throughput: number;
  latency: Summary;
  samples: number[];
}

/** Runs `total` iterations of `one` with `concurrency` workers; returns per-iteration latencies. */
async function drive(name: string, concurrency: number, total: number, one: (i: number) => Promise<void>): Promise<Run> {
  const samples: number[] = [];
  let next = 0;
  const bar = progressBar(`${name} ×${concurrency}`.padEnd(24), total);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await one(i);
        samples.push(performance.now() - t);
        bar.update(samples.length);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  bar.stop();
  return { name, concurrency, lookups: total, seconds, throughput: total / seconds, latency: summarize(samples), samples };
}

function countsDelta(before: OperationCounts, after: OperationCounts, lookups: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) out[k] = Math.round((d / lookups) * 100) / 100;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function main(): Promise<void> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  // The contracts with their rate limits lifted: the benchmark measures the exchange, not the limiter
  // (whose one write per lookup is still made and counted).
  const unlimited: ContractDefinition[] = CONTRACTS.map((c) => ({
    ...c,
    versions: c.versions.map((v) => ({ ...v, rateLimit: { perAgencyPerMinute: 1_000_000 } })),
  }));
  const findContract = (id: string) => unlimited.find((c) => c.id === id);
  // Lambda time, by function: invocations and milliseconds of handler wall time (what Lambda bills).
  const lambda: OperationCounts = new Map();
  const onInvoke = (i: { functionName: string; durationMs: number }) => {
    lambda.set(`${i.functionName} invocations`, (lambda.get(`${i.functionName} invocations`) ?? 0) + 1);
    lambda.set(`${i.functionName} ms`, (lambda.get(`${i.functionName} ms`) ?? 0) + i.durationMs);
  };
  const engine = await startEngine({ config, port: 0, logLevel: 'ERROR', deps: { findContract }, onInvoke });
  const counts: OperationCounts = new Map();
  meter(dynamoClient(), counts);
  meter(sqsClient(), counts);
  // DynamoDB write and read units, by stage and table (the engine's consumed capacity; index entries sized as DynamoDB does).
  const writeUnits: OperationCounts = new Map();
  const readUnits: OperationCounts = new Map();
  meterWriteUnits(dynamoClient(), writeUnits, readUnits);
  const meters = { ops: counts, wu: writeUnits, ru: readUnits, lambda } as const;
  type Snapshot = Record<keyof typeof meters, OperationCounts>;
  const snapshot = (): Snapshot => ({ ops: new Map(counts), wu: new Map(writeUnits), ru: new Map(readUnits), lambda: new Map(lambda) });
  const sqs = sqsClient();
  const doc = documentClient();
  try {
    await publishCatalog(doc, new Date(), DEMO_PUBLISHED, unlimited);

    // Seeding throughput (batched writes, retried unprocessed items).
    const people: PopulationRecord[] = [];
    const seedBar = progressBar('seed population'.padEnd(24), POPULATION);
    const seedStart = performance.now();
    await writeAll(
      doc,
      names.registryTable('population'),
      (function* () {
        for (const p of generatePopulation({ seed: 'bench', count: POPULATION })) {
          if (p.status === 'LIVING' && people.length < 2000) people.push(p);
          yield p;
        }
      })(),
      { onProgress: (n) => seedBar.update(n) },
    );
    seedBar.stop();
    const seeding = { records: POPULATION, seconds: (performance.now() - seedStart) / 1000, recordsPerSecond: 0 };
    seeding.recordsPerSecond = seeding.records / seeding.seconds;
    log(`seeded ${POPULATION} records at ${Math.round(seeding.recordsPerSecond)}/s`);

    // Consents for the consent contract.
    const hash = subjectHasher(LOCAL_PEPPER);
    const consents = new ConsentStore(doc, names.consentTable, consentSigningKey(LOCAL_PEPPER));
    if (people.length === 0) throw new Error('the seeded population has no living person to look up');
    const person = (i: number): PopulationRecord => {
      const p = people[i % people.length];
      if (!p) throw new Error(`no person at ${i % people.length} of ${people.length}`);
      return p;
    };
    const version = latestVersion(residence);
    const consented: Array<{ nationalId: string; consentId: string }> = [];
    for (const p of people.slice(0, 500)) {
      const c = await consents.grant({
        subjectHash: hash({ nationalId: p.nationalId }),
        consumer: 'hcmc-public-services',
        contract: residence.id,
        major: majorOf(version.version),
        purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
        categories: releasedCategories(version),
        validFrom: new Date(Date.now() - 1000),
        validUntil: new Date(Date.now() + 86_400_000),
        notice: { uri: 'https://example.gov.vn/notice', version: '1', hash: 'h', language: 'vi' },
        collection: { method: 'bench', evidence: 'bench' },
        by: 'bench',
      });
      consented.push({ nationalId: p.nationalId, consentId: c.consentId });
    }

    // Floor queues: the same SQS and DynamoDB operations, nothing else.
    const createQueue = async (name: string): Promise<string> => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no queue URL`);
      return QueueUrl;
    };
    const floorReq = await createQueue('ndx-bench-floor-requests');
    const floorRep = await createQueue('ndx-bench-floor-replies');
    // The floor, and the floor with the writes a lookup's guarantees make (bench/floor-writes.ts) between receiving the
    // request and reading the record.
    await createFloorWritesTable(dynamoClient());
    const floorLookup = (withWrites: boolean) => async (i: number) => {
      const p = person(i);
      await sqs.send(new SendMessageCommand({ QueueUrl: floorReq, MessageBody: JSON.stringify({ requestId: randomUUID(), nationalId: p.nationalId }) }));
      const got = await receiveOne(floorReq);
      const body = JSON.parse(got.body) as { requestId: string; nationalId: string };
      if (withWrites) await floorWrites(doc, body.requestId, hash({ nationalId: body.nationalId }));
      const item = await doc.send(new GetCommand({ TableName: names.registryTable('population'), Key: { nationalId: body.nationalId } }));
      await sqs.send(new SendMessageCommand({ QueueUrl: floorRep, MessageBody: JSON.stringify({ requestId: body.requestId, data: item.Item }) }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: floorReq, ReceiptHandle: got.receiptHandle }));
      const reply = await receiveOne(floorRep);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: floorRep, ReceiptHandle: reply.receiptHandle }));
    };
    const floorOne = floorLookup(false);
    const floorWritesOne = floorLookup(true);
    async function receiveOne(queueUrl: string): Promise<{ body: string; receiptHandle: string }> {
      for (;;) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
        const message = out.Messages?.[0];
        if (!message) continue;
        if (message.Body === undefined || message.ReceiptHandle === undefined)
          throw new Error(`a message from ${queueUrl} came without body or receipt handle`);
        return { body: message.Body, receiptHandle: message.ReceiptHandle };
      }
    }

    const land = new AgencyClient(sqs, 'hanoi-land-office');
    const landInbox = new ReplyInbox(sqs, 'hanoi-land-office');
    const hcmc = new AgencyClient(sqs, 'hcmc-public-services');
    const hcmcInbox = new ReplyInbox(sqs, 'hcmc-public-services');
    const failures: string[] = [];
    const legalOne = async (i: number) => {
      const requestId = randomUUID();
      const waiting = landInbox.wait(requestId);
      await land.send({ requestId, contract: 'population.identity-verification', purpose: 'LAND_REGISTRATION', subject: { nationalId: person(i).nationalId } });
      const r = await waiting;
      if (r.status !== 'OK') failures.push(`${r.status}/${r.code}`);
    };
    const consentOne = async (i: number) => {
      const consent = consented[i % consented.length];
      if (!consent) throw new Error('no consents were granted for the consent contract');
      const requestId = randomUUID();
      const waiting = hcmcInbox.wait(requestId);
      await hcmc.send({
        requestId,
        contract: 'population.residence',
        purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
        subject: { nationalId: consent.nationalId },
        consentId: consent.consentId,
      });
      const r = await waiting;
      if (r.status !== 'OK') failures.push(`${r.status}/${r.code}`);
    };

    // The agency HTTP API: the same legal-basis lookup, sync (POST /v1/lookups waiting for the reply), with a real token.
    const landClient = engine.api.issuer.clients.find((c) => c.agency === 'hanoi-land-office');
    if (!landClient) throw new Error('no local API client for hanoi-land-office');
    const token = await engine.api.issuer.issue(landClient.clientId);
    const httpOne = async (i: number) => {
      const res = await fetch(`${engine.api.url}/lookups`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'wait=20' },
        body: JSON.stringify({
          requestId: randomUUID(),
          contract: 'population.identity-verification',
          purpose: 'LAND_REGISTRATION',
          subject: { nationalId: person(i).nationalId },
        }),
      });
      const r = (await res.json()) as { status?: string; code?: string };
      if (res.status !== 200 || r.status !== 'OK') failures.push(`HTTP ${res.status} ${r.status}/${r.code}`);
    };

    // Warm up every path once (module loading, connections, caches).
    await drive('warm-up', 4, 40, httpOne);
    await drive('warm-up', 4, 40, floorOne);
    await drive('warm-up', 4, 40, floorWritesOne);
    await drive('warm-up', 4, 40, legalOne);
    await drive('warm-up', 4, 40, consentOne);

    // Each concurrency level runs in ROUNDS rounds of floor, legal basis, consent, taking turns, so a
    // machine that gets busier or quieter during the level moves all three alike.
    const runs: Run[] = [];
    const work: Record<string, Record<string, number>> = {};
    /** Per run name and concurrency: billed units per lookup (for pricing). */
    const billed: Record<string, { ops: Record<string, number>; wu: Record<string, number>; ru: Record<string, number>; lambda: Record<string, number> }> = {};
    for (const c of CONCURRENCY) {
      const n = LOOKUPS[c];
      // Per name: its rounds, and the operations of those rounds only (other names' rounds run in between).
      const byName = new Map<string, { parts: Run[]; spent: Snapshot }>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, fn] of [
          ['floor', floorOne],
          [FLOOR_WITH_WRITES, floorWritesOne],
          ['ndx legal basis', legalOne],
          ['ndx consent', consentOne],
          ['ndx HTTP legal basis', httpOne],
        ] as const) {
          const share = Math.floor(n / ROUNDS) + (round < n % ROUNDS ? 1 : 0);
          const before = snapshot();
          const part = await drive(`${name} ${round + 1}/${ROUNDS}`, c, share, fn);
          const entry: { parts: Run[]; spent: Snapshot } = byName.get(name) ?? {
            parts: [],
            spent: { ops: new Map(), wu: new Map(), ru: new Map(), lambda: new Map() },
          };
          entry.parts.push({ ...part, name });
          for (const m of Object.keys(meters) as Array<keyof typeof meters>) {
            for (const [k, v] of meters[m]) entry.spent[m].set(k, (entry.spent[m].get(k) ?? 0) + v - (before[m].get(k) ?? 0));
          }
          byName.set(name, entry);
        }
      }
      for (const [name, { parts: list, spent }] of byName) {
        const samples = list.flatMap((r) => r.samples);
        const seconds = list.reduce((t, r) => t + r.seconds, 0);
        runs.push({ name, concurrency: c, lookups: samples.length, seconds, throughput: samples.length / seconds, latency: summarize(samples), samples });
        // At 8 in flight batches are small; at 64 the records of a batch share their batch calls.
        if (c === 8 || c === 64) work[`${name} ×${c}`] = countsDelta(new Map(), spent.ops, samples.length);
        billed[`${name} ×${c}`] = {
          ops: perLookup(spent.ops, samples.length),
          wu: perLookup(spent.wu, samples.length),
          ru: perLookup(spent.ru, samples.length),
          lambda: perLookup(spent.lambda, samples.length),
        };
      }
    }

    // Bulk: one agency sends a batch of lookups (SendMessageBatch) and collects every reply.
    const bulkStart = performance.now();
    const bulkBar = progressBar('bulk lookups'.padEnd(24), BULK);
    const outUrl = engine.queueUrl(names.agencyOutQueue('hanoi-land-office'));
    const pending: Promise<unknown>[] = [];
    let replied = 0;
    for (let i = 0; i < BULK; i += 10) {
      const entries = Array.from({ length: Math.min(10, BULK - i) }, (_, j) => {
        const requestId = randomUUID();
        pending.push(landInbox.wait(requestId, 300_000).then(() => bulkBar.update(++replied)));
        const body = {
          requestId,
          contract: 'population.identity-verification',
          purpose: 'LAND_REGISTRATION',
          subject: { nationalId: person(i + j).nationalId },
        };
        return { Id: String(j), MessageBody: JSON.stringify(body) };
      });
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: outUrl, Entries: entries }));
    }
    await Promise.all(pending);
    bulkBar.stop();
    const bulkSeconds = (performance.now() - bulkStart) / 1000;
    const bulk = { lookups: BULK, seconds: bulkSeconds, lookupsPerSecond: BULK / bulkSeconds };
    await landInbox.stop();
    await hcmcInbox.stop();

    // What the audit keeps of a lookup, for good: bytes (with DynamoDB's overhead) over the lookups recorded.
    const audit = await tableStorage(dynamoClient(), names.auditTable, (i) => i.pk?.S !== 'partitions');
    // Lookup records: chained items of kind lookup, or in the compact form (domain/audit/stored.ts: `h`, no `kind`).
    const auditLookups = (
      await tableStorage(dynamoClient(), names.auditTable, (i) => i.pk?.S?.startsWith('chain#') === true && (i.kind?.S === 'lookup' || i.h !== undefined))
    ).items;
    const auditBytesPerLookup = (audit.tableBytes + Object.values(audit.indexBytes).reduce((a, b) => a + b, 0)) / Math.max(1, auditLookups);
    const idem = await tableStorage(dynamoClient(), names.idempotencyTable);
    const cost = pricing(billed, config.functions.memoryMb, auditBytesPerLookup, idem.tableBytes / Math.max(1, auditLookups));

    log('measuring bundles and cold imports...');
    const bundles = await bundleSizes(PROJECT_ROOT);
    const cold = await coldImports(bundles, QUICK ? 3 : 11);

    const runOf = (name: string, concurrency: number): Run => {
      const r = runs.find((x) => x.name === name && x.concurrency === concurrency);
      if (!r) throw new Error(`no ${name} run at ${concurrency} in flight`);
      return r;
    };
    const ratios = CONCURRENCY.map((c) => {
      const floor = runOf('floor', c);
      return Object.fromEntries([
        ['concurrency', c],
        ...([FLOOR_WITH_WRITES, 'ndx legal basis', 'ndx consent', 'ndx HTTP legal basis'] as const).flatMap((name) => {
          const r = runOf(name, c);
          return [
            [`${name}: throughput / floor`, round(r.throughput / floor.throughput)],
            [`${name}: p99 / floor p99`, round(r.latency.p99 / floor.latency.p99)],
          ];
        }),
      ]);
    });

    // The same against the floor with the writes: what ndx adds to the writes its guarantees make (its second hop,
    // its checks, its functions), less what batching saves.
    const againstWrites = CONCURRENCY.map((c) => {
      const base = runOf(FLOOR_WITH_WRITES, c);
      return Object.fromEntries([
        ['concurrency', c],
        ...(['ndx legal basis', 'ndx consent'] as const).flatMap((name) => {
          const r = runOf(name, c);
          return [
            [`${name}: throughput / floor with the writes`, round(r.throughput / base.throughput)],
            [`${name}: p99 / floor with the writes p99`, round(r.latency.p99 / base.latency.p99)],
          ];
        }),
      ]);
    });

    const results = {
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, quick: QUICK },
      runs: runs.map(({ samples: _s, ...r }) => ({ ...r, throughput: round(r.throughput), seconds: round(r.seconds) })),
      ratios,
      againstWrites,
      workPerLookup: work,
      seeding: { ...seeding, recordsPerSecond: Math.round(seeding.recordsPerSecond) },
      bulk: { ...bulk, lookupsPerSecond: round(bulk.lookupsPerSecond) },
      bundles,
      coldImports: cold,
      cost,
      failures: failures.length,
    };
    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(dir, 'latency.svg'), latencyChart(runs.filter((r) => r.concurrency === 8)));
    const report = renderReport(results, runs);
    writeFileSync(join(dir, 'report.md'), report);
    console.log(report);
    if (failures.length) log(`WARNING: ${failures.length} lookups did not answer OK: ${[...new Set(failures)].join(', ')}`);
  } finally {
    await engine.stop();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function perLookup(spent: OperationCounts, lookups: number): Record<string, number> {
  return Object.fromEntries([...spent].filter(([, v]) => v > 0).map(([k, v]) => [k, v / lookups]));
}

const sum = (o: Readonly<Record<string, number>>, pick: (k: string) => boolean = () => true) =>
  Object.entries(o).reduce((n, [k, v]) => n + (pick(k) ? v : 0), 0);

/**
 * Prices each run at list prices (bench/prices.ts): SQS requests, DynamoDB units and the Lambda time the
 * functions took (the floor has no function of its own: it is given the adapter's Lambda time and
 * invocations of the same level, a consumer that reads and replies), and the ratio to the floor; plus
 * what the audit keeps of a lookup a month.
 */
function pricing(
  billed: Record<string, { ops: Record<string, number>; wu: Record<string, number>; ru: Record<string, number>; lambda: Record<string, number> }>,
  memoryMb: number,
  auditBytesPerLookup: number,
  idempotencyBytesPerLookup: number,
) {
  const lambdaOf = (l: Record<string, number>, fn: (name: string) => boolean) => ({
    invocations: sum(l, (k) => k.endsWith(' invocations') && fn(k)),
    gbSeconds: gbSeconds(
      sum(l, (k) => k.endsWith(' ms') && fn(k)),
      memoryMb,
    ),
  });
  const runs: Record<
    string,
    { work: Work; perMillion: ReturnType<typeof costPerMillion>; ratioToFloor?: number; msPerLookup?: { router: number; adapter: number } }
  > = {};
  for (const c of CONCURRENCY) {
    const floor = billed[`floor ×${c}`];
    const legal = billed[`ndx legal basis ×${c}`];
    if (!floor || !legal) continue;
    const adapter = lambdaOf(legal.lambda, (k) => k.startsWith('ndx-adapter-'));
    const floorWork: Work = {
      sqsRequests: sqsRequestsOf(floor.ops),
      writeUnits: sum(floor.wu),
      readUnits: sum(floor.ru),
      lambdaInvocations: adapter.invocations,
      lambdaGbSeconds: adapter.gbSeconds,
    };
    const floorCost = costPerMillion(floorWork);
    runs[`floor ×${c}`] = { work: floorWork, perMillion: floorCost };
    for (const name of ['ndx legal basis', 'ndx consent', 'ndx HTTP legal basis']) {
      const b = billed[`${name} ×${c}`];
      if (!b) continue;
      const l = lambdaOf(b.lambda, () => true);
      const work: Work = {
        sqsRequests: sqsRequestsOf(b.ops),
        writeUnits: sum(b.wu),
        readUnits: sum(b.ru),
        lambdaInvocations: l.invocations,
        lambdaGbSeconds: l.gbSeconds,
      };
      const perMillion = costPerMillion(work);
      // Function time per lookup, by stage: the service times of the national-day model (bench/national-day.ts).
      const msPerLookup = {
        router: sum(b.lambda, (k) => k.startsWith('ndx-router ') && k.endsWith(' ms')),
        adapter: sum(b.lambda, (k) => k.startsWith('ndx-adapter-') && k.endsWith(' ms')),
      };
      runs[`${name} ×${c}`] = { work, perMillion, ratioToFloor: perMillion.total / floorCost.total, msPerLookup };
    }
  }
  return {
    prices: { region: PRICES.region, asOf: PRICES.asOf, currency: PRICES.currency },
    runs,
    storage: {
      auditBytesPerLookup,
      auditPerMillionLookupsPerMonth: storagePerMillionPerMonth(auditBytesPerLookup),
      idempotencyBytesPerLookup,
      idempotencyPerMillionLookupsPerMonth: storagePerMillionPerMonth(idempotencyBytesPerLookup) * (15 / 30),
    },
  };
}

function renderCost(cost: ReturnType<typeof pricing>): string[] {
  const usd = (x: number) => `$${x.toFixed(2)}`;
  const lines = [
    '',
    `## Cost per million lookups (${cost.prices.region} list prices of ${cost.prices.asOf}, bench/prices.ts)`,
    '',
    '| run | SQS requests | write units | read units | Lambda GB-s | SQS | DynamoDB writes | DynamoDB reads | Lambda | total | × floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, r] of Object.entries(cost.runs)) {
    const w = r.work;
    const p = r.perMillion;
    lines.push(
      `| ${name} | ${round(w.sqsRequests)} | ${round(w.writeUnits)} | ${round(w.readUnits)} | ${w.lambdaGbSeconds.toFixed(4)} | ${usd(p.sqs)} | ${usd(p.dynamodbWrites)} | ${usd(p.dynamodbReads)} | ${usd(p.lambda)} | ${usd(p.total)} | ${r.ratioToFloor === undefined ? '1' : round(r.ratioToFloor)} |`,
    );
  }
  const s = cost.storage;
  lines.push(
    '',
    `Storage: the audit keeps ${Math.round(s.auditBytesPerLookup)} bytes per lookup for good (${usd(s.auditPerMillionLookupsPerMonth)} a month per million lookups, growing with every month kept); ` +
      `idempotency records ${Math.round(s.idempotencyBytesPerLookup)} bytes for 15 days (${usd(s.idempotencyPerMillionLookupsPerMonth)} a month per million lookups a month).`,
  );
  return lines;
}

function renderReport(
  results: Record<string, unknown> & { ratios: Array<Record<string, unknown>>; againstWrites: Array<Record<string, unknown>> },
  runs: Run[],
): string {
  const lines: string[] = ['# ndx benchmark', '', `${results.at as string} — ${JSON.stringify(results.machine)}`, '', '## Lookups: ndx against the floor', ''];
  lines.push('| run | in flight | lookups | lookups/s | p50 ms | p95 ms | p99 ms |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of runs)
    lines.push(
      `| ${r.name} | ${r.concurrency} | ${r.lookups} | ${round(r.throughput)} | ${round(r.latency.p50)} | ${round(r.latency.p95)} | ${round(r.latency.p99)} |`,
    );
  // Every row has the same columns: in flight, then the ratios.
  const ratioColumns = Object.keys(results.ratios[0] ?? {}).slice(1);
  lines.push('', '## Ratios (same run)', '', `| in flight | ${ratioColumns.join(' | ')} |`, `| ---: |${' ---: |'.repeat(ratioColumns.length)}`);
  for (const r of results.ratios) lines.push(`| ${Object.values(r).join(' | ')} |`);
  const writesColumns = Object.keys(results.againstWrites[0] ?? {}).slice(1);
  lines.push(
    '',
    '## Against the floor with the writes (same run: bench/floor-writes.ts)',
    '',
    `| in flight | ${writesColumns.join(' | ')} |`,
    `| ---: |${' ---: |'.repeat(writesColumns.length)}`,
  );
  for (const r of results.againstWrites) lines.push(`| ${Object.values(r).join(' | ')} |`);
  lines.push('', '## Work per lookup (at 8 and 64 in flight; operations by stage)', '', '```', JSON.stringify(results.workPerLookup, null, 2), '```');
  lines.push('', '## Lambda cost', '', '```', JSON.stringify({ bundles: results.bundles, coldImports: results.coldImports }, null, 2), '```');
  lines.push(...renderCost(results.cost as ReturnType<typeof pricing>));
  lines.push('', '## Bulk paths', '', '```', JSON.stringify({ seeding: results.seeding, bulk: results.bulk }, null, 2), '```', '');
  return lines.join('\n');
}

await main();
