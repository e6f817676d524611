/**
 * Consent, legal basis, the tamper-evident audit trail and the citizen's view, against the real
 * local engine: the router and adapter handlers, the consent store, the audit chain in dynalite,
 * and the `ndx consent` / `ndx audit` commands as people run them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupRequestInput } from '../../contracts/protocol.ts';
import { AgencyClient } from '../../cli/agency-client.ts';
import { AuditLog, auditIdOf, markerKeyFor, type AuditEntry } from '../../aws/audit-log.ts';
import { chainPk, DIRECTORY_PK, genesisHash, linkRecord, partitionOf, seqKey, shardOf, type PartitionReport } from '../../domain/audit/chain.ts';
import { decodeRecord, subjectMarker } from '../../domain/audit/stored.ts';
import { sha256Hex } from '../../contracts/canonical.ts';
import { documentClient, sqsClient } from '../../aws/clients.ts';
import { consentSigningKey, type ConsentRecord } from '../../domain/consent/consent.ts';
import { ConsentService } from '../../domain/consent/service.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import type { GrantInput } from '../../domain/consent/service.ts';
import { names } from '../../config/names.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import { generatePopulation } from '../../synthetic/population.ts';
import type { PopulationRecord } from '../../registries/population/record.ts';
import { LOCAL_PEPPER } from '../../config/local.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { startHarness, type Harness, runNdx } from './support.ts';

const POPULATION = 300;
let h: Harness;
let people: PopulationRecord[] = [];
const doc = () => documentClient();
const hash = subjectHasher(LOCAL_PEPPER);
const audit = () => new AuditLog(doc(), names.auditTable);
const consents = () => new ConsentService({ store: new ConsentStore(doc(), names.consentTable, consentSigningKey(LOCAL_PEPPER)), audit: audit() });
const hcmc = () => new AgencyClient(sqsClient(), 'hcmc-public-services');
const land = () => new AgencyClient(sqsClient(), 'hanoi-land-office');
const danang = () => new AgencyClient(sqsClient(), 'danang-tax-office');

/** A living citizen no other test uses. */
function person(): PopulationRecord {
  const p = people.shift();
  if (!p) throw new Error('out of test citizens');
  return p;
}

function grant(p: PopulationRecord, over: Partial<GrantInput> = {}): Promise<ConsentRecord> {
  return consents().grant({
    subjectHash: hash({ nationalId: p.nationalId }),
    consumer: 'hcmc-public-services',
    contract: 'population.residence',
    major: 1,
    purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
    categories: ['identifier', 'residence'],
    validFrom: new Date(Date.now() - 1000),
    validUntil: new Date(Date.now() + 86_400_000),
    notice: { uri: 'https://dichvucong.gov.vn/consent/residence', version: '3', hash: 'sha256:notice-v3', language: 'vi' },
    collection: { method: 'public-service-portal', evidence: `case ${randomUUID().slice(0, 8)}` },
    by: 'citizen',
    ...over,
  });
}

function residence(p: PopulationRecord, consentId?: string, purpose = 'SOCIAL_ALLOWANCE_APPLICATION'): LookupRequestInput {
  return { requestId: randomUUID(), contract: 'population.residence', purpose, subject: { nationalId: p.nationalId }, ...(consentId ? { consentId } : {}) };
}

function identity(p: PopulationRecord, purpose = 'LAND_REGISTRATION', onBehalfOf = 'officer-0042'): LookupRequestInput {
  return { requestId: randomUUID(), contract: 'population.identity-verification', purpose, subject: { nationalId: p.nationalId }, onBehalfOf };
}

const ndx = (...args: string[]) => runNdx({ ...process.env, AWS_ENDPOINT_URL: h.engine.endpoint.url, NDX_OPERATOR: 'test-operator' }, args, 30_000);

async function waitForDepth(queue: string, depth: number): Promise<void> {
  // Polls for the condition with a bound generous enough for a loaded machine (30 s).
  for (let i = 0; i < 300; i++) {
    const attrs = await sqsClient().send(
      new GetQueueAttributesCommand({ QueueUrl: h.engine.queueUrl(queue), AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    if (Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) >= depth) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${queue} never reached depth ${depth}`);
}

beforeAll(async () => {
  h = await startHarness({ count: POPULATION });
  const demo = new Set(h.demo.consents.map((c) => c.nationalId));
  people = [...generatePopulation({ seed: DEMO_SEED, count: POPULATION })].filter((p) => p.status === 'LIVING' && !demo.has(p.nationalId));
});

afterAll(async () => {
  await h?.stop();
});

describe('consent and legal basis, checked by the router and again by the adapter', () => {
  it('answers OK under a consent that covers the lookup, and audits the consent as its basis', async () => {
    const p = person();
    const c = await grant(p);
    const reply = await hcmc().lookup(residence(p, c.consentId), 20_000);
    expect(reply).toMatchObject({ status: 'OK', basis: { kind: 'consent', consentId: c.consentId } });
    const record = await audit().find(reply.provenance!.auditId, 'lookup', hash({ nationalId: p.nationalId }));
    expect(record).toMatchObject({ kind: 'lookup', basis: { kind: 'consent', consentId: c.consentId }, fields: Object.keys(reply.data!), code: 'OK' });
  });

  it('needs no consent under a legal basis, and names the basis in the reply and the audit', async () => {
    const p = person();
    const reply = await land().lookup(identity(p), 20_000);
    expect(reply).toMatchObject({ status: 'OK', basis: { kind: 'legal', id: 'pdpl-19-1-c-land', article: expect.stringContaining('19.1(c)') } });
    const record = await audit().find(reply.provenance!.auditId, 'lookup', hash({ nationalId: p.nationalId }));
    expect(record).toMatchObject({ basis: { kind: 'legal', id: 'pdpl-19-1-c-land' }, purpose: 'LAND_REGISTRATION', onBehalfOf: 'officer-0042' });
  });

  it('refuses a requestId used again after the 15-day window (REQUEST_ID_REUSED, no data), instead of answering under the first lookup’s record', async () => {
    const p = person();
    const request = identity(p);
    const subjectHash = hash({ nationalId: p.nationalId });
    // The first lookup under this id, 20 days ago: its record and marker are in the trail, its idempotency records long expired.
    const first: AuditEntry = {
      at: new Date(Date.now() - 20 * 86_400_000).toISOString(),
      consumer: 'hanoi-land-office',
      requestId: request.requestId,
      receivedMessageId: randomUUID(),
      contract: 'population.identity-verification',
      version: '1.0.0',
      purpose: 'LAND_REGISTRATION',
      registry: 'population',
      subjectHash,
      fields: ['nationalId'],
      status: 'OK',
      code: 'OK',
      recordedBy: 'adapter',
    };
    const { auditId } = await audit().append(first);
    const reply = await land().lookup(request, 20_000);
    expect(reply).toMatchObject({ requestId: request.requestId, status: 'INVALID', code: 'REQUEST_ID_REUSED' });
    expect(reply.data).toBeUndefined();
    // The first record is still the only one of that id; a new id is answered as usual.
    expect(await audit().find(auditId, 'lookup', subjectHash)).toMatchObject({ at: first.at, code: 'OK' });
    expect((await audit().bySubject(subjectHash)).filter((r) => r.auditId === auditId)).toHaveLength(1);
    expect(await land().lookup(identity(p), 20_000)).toMatchObject({ status: 'OK' });
  });

  it('applies expiry at check time: CONSENT_EXPIRED once validUntil has passed', async () => {
    // The consent must still be valid when the first lookup is checked, however slow the machine: a window
    // that had already passed by then is no failure of ndx, and is tried again twice as long.
    let p: PopulationRecord;
    let c: ConsentRecord;
    for (let windowMs = 1500; ; windowMs *= 2) {
      p = person();
      c = await grant(p, { validUntil: new Date(Date.now() + windowMs) });
      const first = await hcmc().lookup(residence(p, c.consentId), 20_000);
      if (first.status === 'OK') break;
      expect(first).toMatchObject({ status: 'DENIED', code: 'CONSENT_EXPIRED' });
      expect(Date.now()).toBeGreaterThan(Date.parse(c.validUntil));
      expect(windowMs).toBeLessThan(30_000);
    }
    // Then let the validity pass (waiting for the clock is what this test is about).
    while (Date.now() <= Date.parse(c.validUntil) + 50) await new Promise((r) => setTimeout(r, Math.max(10, Date.parse(c.validUntil) + 51 - Date.now())));
    expect(await hcmc().lookup(residence(p, c.consentId), 20_000)).toMatchObject({ status: 'DENIED', code: 'CONSENT_EXPIRED' });
    expect((await consents().get(c.consentId)).status).toBe('ACTIVE'); // nothing had to rewrite it
  });

  it('denies a paused consent with CONSENT_PAUSED and answers again once it is resumed', async () => {
    const p = person();
    const c = await grant(p);
    await consents().pause(c.consentId, 'citizen', 'travelling');
    expect(await hcmc().lookup(residence(p, c.consentId), 20_000)).toMatchObject({ status: 'DENIED', code: 'CONSENT_PAUSED' });
    await consents().resume(c.consentId, 'citizen');
    expect((await hcmc().lookup(residence(p, c.consentId), 20_000)).status).toBe('OK');
  });

  it('never lets a consent for one purpose or agency cover another', async () => {
    const p = person();
    const c = await grant(p);
    expect(await hcmc().lookup(residence(p, c.consentId, 'ADDRESS_CONFIRMATION'), 20_000)).toMatchObject({ status: 'DENIED', code: 'PURPOSE_NOT_ALLOWED' });
    // hanoi-land-office is a consumer of the contract, but the consent was given to hcmc-public-services.
    expect(await land().lookup(residence(p, c.consentId), 20_000)).toMatchObject({ status: 'DENIED', code: 'CONSENT_REQUIRED' });
    // ...and someone else's consent does not cover this person.
    expect(await hcmc().lookup(residence(person(), c.consentId), 20_000)).toMatchObject({ status: 'DENIED', code: 'CONSENT_REQUIRED' });
  });

  it('enforces a total use limit: OK until it is used up, then CONSENT_LIMIT_REACHED', async () => {
    const p = person();
    const c = await grant(p, { limits: { maxUses: 2 } });
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push((await hcmc().lookup(residence(p, c.consentId), 20_000)).code);
    expect(codes).toEqual(['OK', 'OK', 'CONSENT_LIMIT_REACHED']);
    expect((await consents().get(c.consentId)).useCount).toBe(2);
  });

  it('counts uses atomically: concurrent uses never exceed the limit, and a retried request is not counted twice', async () => {
    const c = await grant(person(), { limits: { maxUses: 3 } });
    const store = new ConsentStore(doc(), names.consentTable);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.use(c, `hcmc-public-services/req-${i}`)));
    expect(results.filter(Boolean)).toHaveLength(3);
    const after = await store.get(c.consentId);
    expect(after).toMatchObject({ useCount: 3, lastUse: expect.stringMatching(/^hcmc-public-services\/req-\d$/) });
    // The last request counted, retried after a crash, is allowed without counting again; a new one is not.
    expect(await store.use(c, after!.lastUse!)).toBe(true);
    expect(await store.use(c, 'hcmc-public-services/req-new')).toBe(false);
    expect((await store.get(c.consentId))!.useCount).toBe(3);
  });

  it('enforces a frequency limit per calendar period', async () => {
    const p = person();
    const c = await grant(p, { limits: { perPeriod: { uses: 1, period: 'day' } } });
    expect((await hcmc().lookup(residence(p, c.consentId), 20_000)).code).toBe('OK');
    expect((await hcmc().lookup(residence(p, c.consentId), 20_000)).code).toBe('CONSENT_LIMIT_REACHED');
    // A new day starts a new period (the counter is in the record; move it back a day).
    await doc().send(
      new UpdateCommand({
        TableName: names.consentTable,
        Key: { consentId: c.consentId },
        UpdateExpression: 'SET periodKey = :y',
        ExpressionAttributeValues: { ':y': '2000-01-01' },
      }),
    );
    expect((await hcmc().lookup(residence(p, c.consentId), 20_000)).code).toBe('OK');
  });

  it('refuses a consent whose signed terms were edited in the table (CONSENT_REQUIRED)', async () => {
    const p = person();
    const c = await grant(p);
    // Someone with write access widens the consent to another purpose and a longer validity.
    await doc().send(
      new UpdateCommand({
        TableName: names.consentTable,
        Key: { consentId: c.consentId },
        UpdateExpression: 'SET purposes = :p, validUntil = :u',
        ExpressionAttributeValues: { ':p': ['SOCIAL_ALLOWANCE_APPLICATION', 'ADDRESS_CONFIRMATION'], ':u': '2099-01-01T00:00:00.000Z' },
      }),
    );
    expect(await hcmc().lookup(residence(p, c.consentId, 'ADDRESS_CONFIRMATION'), 20_000)).toMatchObject({ status: 'DENIED', code: 'CONSENT_REQUIRED' });
    expect(await hcmc().lookup(residence(p, c.consentId), 20_000)).toMatchObject({ status: 'DENIED', code: 'CONSENT_REQUIRED' });
  });

  it('refuses at the adapter terms edited while the lookup waited in the registry queue', async () => {
    const p = person();
    const c = await grant(p);
    const request = residence(p, c.consentId);
    await h.engine.setMappingEnabled('ndx-registry-population-in', false);
    try {
      await hcmc().send(request);
      await waitForDepth('ndx-registry-population-in', 1);
      await doc().send(
        new UpdateCommand({
          TableName: names.consentTable,
          Key: { consentId: c.consentId },
          UpdateExpression: 'SET categories = :c',
          ExpressionAttributeValues: { ':c': ['identifier', 'residence', 'household'] },
        }),
      );
    } finally {
      await h.engine.setMappingEnabled('ndx-registry-population-in', true);
    }
    const reply = await hcmc().awaitReply({ requestId: request.requestId }, 20_000);
    expect(reply).toMatchObject({ status: 'DENIED', code: 'CONSENT_REQUIRED' });
    expect(await audit().find(`hcmc-public-services/${request.requestId}`, 'lookup', hash({ nationalId: p.nationalId }))).toMatchObject({
      recordedBy: 'adapter',
      code: 'CONSENT_REQUIRED',
    });
  });

  it('audits every consent change in the chain, once', async () => {
    const p = person();
    const service = consents();
    const c = await grant(p);
    await service.pause(c.consentId, 'citizen');
    await service.resume(c.consentId, 'citizen');
    const revoked = await service.revoke(c.consentId, 'citizen', 'moved abroad');
    const records = (await audit().subjectRecords(hash({ nationalId: p.nationalId }))).filter((r) => r.kind === 'consent-change');
    expect(records.map((r) => (r.kind === 'consent-change' ? r.change : '')).sort()).toEqual(['GRANTED', 'PAUSED', 'RESUMED', 'REVOKED'].sort());
    expect(records.every((r) => r.kind === 'consent-change' && r.consentId === c.consentId && r.consumer === 'hcmc-public-services')).toBe(true);
    // Repairing is idempotent: nothing is appended twice.
    expect(await service.recordEvents(revoked)).toBe(0);
  });
});

describe('the audit chain', () => {
  const entry = (scope: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
    at: new Date().toISOString(),
    consumer: 'hanoi-land-office',
    requestId: randomUUID(),
    receivedMessageId: randomUUID(),
    contract: 'population.identity-verification',
    version: '1.0.0',
    purpose: 'LAND_REGISTRATION',
    registry: scope,
    subjectHash: sha256Hex('not-a-person'),
    fields: ['nationalId'],
    status: 'OK',
    code: 'OK',
    recordedBy: 'adapter',
    ...over,
  });

  async function chainItems(partition: string): Promise<Array<Record<string, unknown>>> {
    const out = await doc().send(
      new QueryCommand({
        TableName: names.auditTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': chainPk(partition) },
        ConsistentRead: true,
      }),
    );
    // As read: the compact form decoded (domain/audit/stored.ts).
    return (out.Items ?? []).map((i) => decodeRecord(i));
  }

  it('appends once per audit id, and finishes an append that stopped between its marker and its record', async () => {
    const log = new AuditLog(doc(), names.auditTable, { shards: 4 });
    const e = entry('idempotency-test');
    expect(await log.append(e)).toMatchObject({ created: true });
    expect(await log.append({ ...e, at: new Date().toISOString() })).toMatchObject({ created: false }); // a redelivery
    const auditId = `hanoi-land-office/${e.requestId}`;
    const partition = partitionOf('idempotency-test', e.at, auditId, 4);
    expect((await chainItems(partition)).filter((i) => i.auditId === auditId)).toHaveLength(1);

    // A crash after the marker was written and before the record was linked:
    const crashed = entry('idempotency-test');
    const crashedId = `hanoi-land-office/${crashed.requestId}`;
    const crashedPartition = partitionOf('idempotency-test', crashed.at, crashedId, 4);
    await doc().send(
      new PutCommand({
        TableName: names.auditTable,
        // Where the log keeps a lookup's marker: with its subject's (domain/audit/stored.ts).
        Item: subjectMarker(crashed.subjectHash!, crashedId, crashedPartition, 0),
      }),
    );
    expect(await log.append(crashed)).toMatchObject({ created: true });
    expect(log.stats.recovered).toBe(1);
    expect(await log.append(crashed)).toMatchObject({ created: false });
    expect((await chainItems(crashedPartition)).filter((i) => i.auditId === crashedId)).toHaveLength(1);
    expect((await log.verifyPartition(crashedPartition)).broken).toBeUndefined();
  });

  it('links a record after a marker reserved ahead, once, whichever of two racing reservations wrote it', async () => {
    const log = new AuditLog(doc(), names.auditTable, { shards: 4 });
    const e = entry('reserved-ahead');
    const auditId = auditIdOf(e.consumer, e.requestId, e.receivedMessageId);
    const partition = partitionOf('reserved-ahead', e.at, auditId, 4);
    // Two reservations race (an attempt's early one and its final-attempt fallback): one writes the marker.
    const [first, second] = await Promise.all([
      log.reserve('lookup', auditId, 'reserved-ahead', e.at, e.subjectHash),
      log.reserve('lookup', auditId, 'reserved-ahead', e.at, e.subjectHash),
    ]);
    expect([first.state, second.state]).toEqual(['reserved', 'reserved']);
    expect(await log.append(e, Promise.resolve(first))).toEqual({ auditId, created: true });
    // The record is in: a later reservation says so, and appending again adds nothing.
    expect(await log.reserve('lookup', auditId, 'reserved-ahead', e.at, e.subjectHash)).toMatchObject({
      state: 'done',
      appended: { created: false, partition },
    });
    expect(await log.append(e)).toEqual({ auditId, created: false });
    expect((await chainItems(partition)).filter((i) => i.auditId === auditId)).toHaveLength(1);
    expect(await log.find(auditId, 'lookup', e.subjectHash)).toMatchObject({ auditId, code: 'OK' });
    expect((await log.verifyPartition(partition)).broken).toBeUndefined();
  });

  it('lands concurrent appends from several instances in one partition with a contiguous chain (they retry on the head)', async () => {
    // Five function instances, each with its own head cache, appending at once.
    const logs = Array.from({ length: 5 }, () => new AuditLog(doc(), names.auditTable, { shards: 1 }));
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => logs[i % 5]!.append(entry('one-shard'))));
    expect(results.every((r) => r.created)).toBe(true);
    const partition = partitionOf('one-shard', new Date().toISOString(), 'any', 1);
    const report = await logs[0]!.verifyPartition(partition);
    expect(report).toMatchObject({ records: 25, head: { seq: 25 } });
    expect(report.broken).toBeUndefined();
    expect((await chainItems(partition)).map((i) => i.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(logs.reduce((n, l) => n + l.stats.conflicts, 0)).toBeGreaterThan(0); // they did contend, and all landed
  });

  it('reads, verifies and lists records kept before the compact form (a deployment that upgrades), in one partition with new ones', async () => {
    const log = new AuditLog(doc(), names.auditTable, { shards: 1 });
    const subjectHash = sha256Hex('an upgraded deployment’s citizen');
    // A record as the previous version kept it: its marker at lookup#<auditId>, the record whole (listed by the subject index).
    const old = entry('upgraded', { subjectHash });
    const oldId = auditIdOf(old.consumer, old.requestId, old.receivedMessageId);
    const partition = partitionOf('upgraded', old.at, oldId, 1);
    const oldRecord = linkRecord({ kind: 'lookup', ...old, auditId: oldId, recordedAt: old.at }, { partition, seq: 1, prevHash: genesisHash(partition) });
    await doc().send(new PutCommand({ TableName: names.auditTable, Item: { pk: DIRECTORY_PK, sk: `${partition.split('#')[1]}#${partition}`, partition } }));
    await doc().send(new PutCommand({ TableName: names.auditTable, Item: { pk: `lookup#${oldId}`, sk: 'record', partition, after: 0 } }));
    await doc().send(new PutCommand({ TableName: names.auditTable, Item: oldRecord }));
    // The new version links after it, in the compact form, its marker with the subject's.
    const fresh = entry('upgraded', { subjectHash, at: new Date(Date.parse(old.at) + 1000).toISOString() });
    const freshId = auditIdOf(fresh.consumer, fresh.requestId, fresh.receivedMessageId);
    expect(await log.append(fresh)).toMatchObject({ created: true });
    const stored = (await doc().send(new GetCommand({ TableName: names.auditTable, Key: { pk: chainPk(partition), sk: seqKey(2) } }))).Item!;
    expect(stored).toMatchObject({ id: freshId });
    expect(stored.auditId).toBeUndefined();
    // Both verify as one chain; the old one is found without its subject, the new one by it; the view lists both, newest first.
    expect(await log.verifyPartition(partition)).toMatchObject({ records: 2, head: { seq: 2 } });
    expect((await log.verifyPartition(partition)).broken).toBeUndefined();
    expect(await log.find(oldId)).toMatchObject({ auditId: oldId, seq: 1 });
    expect(await log.find(freshId, 'lookup', subjectHash)).toMatchObject({ auditId: freshId, seq: 2, consumer: 'hanoi-land-office', status: 'OK' });
    expect((await log.bySubject(subjectHash)).map((r) => r.auditId)).toEqual([freshId, oldId]);
    // A redelivery of the old lookup appends nothing (its marker is where the previous version put it, and its record found).
    expect(await log.append({ ...old, subjectHash: undefined })).toMatchObject({ created: false });
  });

  it('in an upgrade’s window, finishes or recognises a lookup an earlier version started, instead of recording it twice', async () => {
    const until = new Date(Date.now() + 86_400_000);
    const log = new AuditLog(doc(), names.auditTable, { shards: 1, legacyMarkersUntil: until });
    const subjectHash = sha256Hex('a citizen looked up across an upgrade');
    const legacyMarker = (id: string, partition: string, after: number) =>
      doc().send(new PutCommand({ TableName: names.auditTable, Item: { pk: `lookup#${id}`, sk: 'record', partition, after } }));
    const subjectMarkerOf = async (id: string) =>
      (await doc().send(new GetCommand({ TableName: names.auditTable, Key: markerKeyFor('lookup', id, subjectHash), ConsistentRead: true }))).Item;

    // 1. An earlier version wrote marker and record, then stopped before its idempotency record was complete: the retry appends nothing.
    const done = entry('legacy-window', { subjectHash });
    const doneId = auditIdOf(done.consumer, done.requestId, done.receivedMessageId);
    const partition = partitionOf('legacy-window', done.at, doneId, 1);
    await legacyMarker(doneId, partition, 0);
    const first = linkRecord({ kind: 'lookup', ...done, auditId: doneId, recordedAt: done.at }, { partition, seq: 1, prevHash: genesisHash(partition) });
    await doc().send(new PutCommand({ TableName: names.auditTable, Item: first }));
    await doc().send(new PutCommand({ TableName: names.auditTable, Item: { pk: DIRECTORY_PK, sk: `${partition.split('#')[1]}#${partition}`, partition } }));
    expect(await log.append(done)).toMatchObject({ created: false });
    expect(await subjectMarkerOf(doneId)).toBeUndefined();

    // 2. An earlier version wrote its marker and stopped before the record: the retry finishes it there, kept whole as before.
    const stopped = entry('legacy-window', { subjectHash, at: new Date(Date.parse(done.at) + 1000).toISOString() });
    const stoppedId = auditIdOf(stopped.consumer, stopped.requestId, stopped.receivedMessageId);
    await legacyMarker(stoppedId, partition, 1);
    expect(await log.append(stopped)).toMatchObject({ created: true });
    expect(log.stats.recovered).toBe(1);
    expect(await log.append(stopped)).toMatchObject({ created: false });
    const linked = (await doc().send(new GetCommand({ TableName: names.auditTable, Key: { pk: chainPk(partition), sk: seqKey(2) } }))).Item!;
    expect(linked).toMatchObject({ auditId: stoppedId, subjectHash, kind: 'lookup' });
    expect(await subjectMarkerOf(stoppedId)).toBeUndefined();
    expect((await log.verifyPartition(partition)).broken).toBeUndefined();
    expect((await log.bySubject(subjectHash)).map((r) => r.auditId)).toEqual([stoppedId, doneId]);

    // 3. A lookup no earlier version touched is kept the new way; after the window, markers where earlier versions kept them are not read.
    const fresh = entry('legacy-window', { subjectHash });
    const freshId = auditIdOf(fresh.consumer, fresh.requestId, fresh.receivedMessageId);
    expect(await log.append(fresh)).toMatchObject({ created: true });
    expect(await subjectMarkerOf(freshId)).toBeDefined();
    const after = new AuditLog(doc(), names.auditTable, { shards: 1, legacyMarkersUntil: new Date(Date.now() - 1) });
    const late = entry('legacy-window', { subjectHash });
    const lateId = auditIdOf(late.consumer, late.requestId, late.receivedMessageId);
    await legacyMarker(lateId, partition, 0);
    expect(await after.append(late)).toMatchObject({ created: true });
    expect(await subjectMarkerOf(lateId)).toBeDefined();
  });

  it('queues concurrent appends within one instance, so they never contend with each other', async () => {
    const log = new AuditLog(doc(), names.auditTable, { shards: 1 });
    const entries = Array.from({ length: 25 }, () => entry('one-instance'));
    const results = await Promise.all(entries.map((e) => log.append(e)));
    expect(results.every((r) => r.created)).toBe(true);
    // Each is found after the head its marker noted (all noted an empty partition: the later ones are pages further on).
    const found = await Promise.all(entries.map((e, i) => log.find(results[i]!.auditId, 'lookup', e.subjectHash)));
    expect(found.map((r) => r?.auditId)).toEqual(results.map((r) => r.auditId));
    expect(results.map((r) => r.auditId)).toHaveLength(new Set(results.map((r) => r.auditId)).size);
    const partition = partitionOf('one-instance', new Date().toISOString(), 'any', 1);
    const report = await log.verifyPartition(partition);
    expect(report).toMatchObject({ records: 25, head: { seq: 25 } });
    expect(report.broken).toBeUndefined();
    expect(log.stats.conflicts).toBe(0);
  });

  it('does not contend across shards: concurrent appends to different shards never retry', async () => {
    const log = new AuditLog(doc(), names.auditTable, { shards: 16 });
    // One request per shard.
    const byShard = new Map<number, AuditEntry>();
    while (byShard.size < 16) {
      const e = entry('many-shards');
      byShard.set(shardOf(`hanoi-land-office/${e.requestId}`, 16), e);
    }
    const results = await Promise.all([...byShard.values()].map((e) => log.append(e)));
    expect(results.every((r) => r.created)).toBe(true);
    expect(log.stats.conflicts).toBe(0);
    const partitions = await log.partitions();
    expect(partitions.filter((p) => p.startsWith('many-shards#'))).toHaveLength(16);
  });

  const OLD_DAY = '2025-01-15';
  const tampered: Record<string, { seq: number; kind: string }> = {};

  it('verifies an untouched trail: every partition the run so far has written', async () => {
    const report = await audit().verify();
    expect(report.partitions.length).toBeGreaterThan(3);
    expect(report.partitions.filter((p) => p.broken)).toEqual([]);
    expect(report.ok).toBe(true);
    const cli = await ndx('audit', 'verify');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^intact: \d+ partitions, \d+ records, every link verified/);
  });

  it('reports an edited, a deleted and a reordered record at the right partition and seq', async () => {
    const log = new AuditLog(doc(), names.auditTable, { shards: 1 });
    const partitionFor = (scope: string) => partitionOf(scope, `${OLD_DAY}T10:00:00.000Z`, 'x', 1);
    for (const scope of ['tamper-edit', 'tamper-delete', 'tamper-reorder']) {
      for (let i = 0; i < 5; i++) await log.append(entry(scope, { at: `${OLD_DAY}T10:00:0${i}.000Z` }));
      expect((await log.verifyPartition(partitionFor(scope))).broken).toBeUndefined();
    }
    const key = (scope: string, seq: number) => ({ pk: chainPk(partitionFor(scope)), sk: seqKey(seq) });
    const get = async (scope: string, seq: number) => (await doc().send(new GetCommand({ TableName: names.auditTable, Key: key(scope, seq) }))).Item!;

    // Edit: seq 3 now says more fields were released.
    await doc().send(
      new UpdateCommand({
        TableName: names.auditTable,
        Key: key('tamper-edit', 3),
        UpdateExpression: 'SET #f = :f',
        ExpressionAttributeNames: { '#f': 'fields' },
        ExpressionAttributeValues: { ':f': ['nationalId', 'fullName'] },
      }),
    );
    // Delete: seq 2 disappears.
    await doc().send(new DeleteCommand({ TableName: names.auditTable, Key: key('tamper-delete', 2) }));
    // Reorder: seq 3 and 4 swap places.
    const [third, fourth] = [await get('tamper-reorder', 3), await get('tamper-reorder', 4)];
    await doc().send(new PutCommand({ TableName: names.auditTable, Item: { ...fourth, ...key('tamper-reorder', 3) } }));
    await doc().send(new PutCommand({ TableName: names.auditTable, Item: { ...third, ...key('tamper-reorder', 4) } }));
    tampered[partitionFor('tamper-edit')] = { seq: 3, kind: 'hash-mismatch' };
    tampered[partitionFor('tamper-delete')] = { seq: 2, kind: 'seq-gap' };
    tampered[partitionFor('tamper-reorder')] = { seq: 3, kind: 'prev-hash-mismatch' };

    const report = await audit().verify();
    expect(report.ok).toBe(false);
    const broken = Object.fromEntries(report.partitions.filter((p) => p.broken).map((p) => [p.partition, { seq: p.broken!.seq, kind: p.broken!.kind }]));
    expect(broken).toEqual(tampered);
    expect(report.partitions.find((p) => p.partition === partitionFor('tamper-edit'))!.head).toMatchObject({ seq: 2 });
  });

  it('`ndx audit verify` exits 8 naming each broken partition and seq, and verifies a date range', async () => {
    const all = await ndx('audit', 'verify');
    expect(all.code).toBe(8);
    for (const [partition, { seq }] of Object.entries(tampered)) expect(all.stdout).toContain(`BROKEN  ${partition}  at seq ${seq}:`);
    expect(all.stdout).toContain('(edited)');
    expect(all.stdout).toContain('missing (deleted)');
    expect(all.stdout).toContain('(reordered or replaced)');

    const json = await ndx('--json', 'audit', 'verify', '--from', OLD_DAY, '--to', OLD_DAY);
    expect(json.code).toBe(8);
    const report = JSON.parse(json.stdout) as { ok: boolean; partitions: PartitionReport[] };
    expect(report.partitions.map((p) => p.partition).sort()).toEqual(Object.keys(tampered).sort());

    const today = new Date().toISOString().slice(0, 10);
    const recent = await ndx('audit', 'verify', '--from', today);
    expect(recent.code).toBe(0);
    expect((await ndx('audit', 'verify', '--from', 'yesterday')).code).toBe(2);
  });

  it('finds removed newest records and a rebuilt chain against an anchor taken before, which the chain alone cannot', async () => {
    const DAY = '2025-02-10';
    const log = new AuditLog(doc(), names.auditTable, { shards: 1 });
    const partitionFor = (scope: string) => partitionOf(scope, `${DAY}T10:00:00.000Z`, 'x', 1);
    const key = (scope: string, seq: number) => ({ pk: chainPk(partitionFor(scope)), sk: seqKey(seq) });
    // As read (the compact form decoded): what a forger rebuilding the chain would work from.
    const get = async (scope: string, seq: number) =>
      decodeRecord((await doc().send(new GetCommand({ TableName: names.auditTable, Key: key(scope, seq) }))).Item!);
    for (const scope of ['anchor-truncate', 'anchor-rebuild', 'anchor-grow']) {
      for (let i = 0; i < 4; i++) await log.append(entry(scope, { at: `${DAY}T10:00:0${i}.000Z` }));
    }
    const file = join(tmpdir(), `ndx-anchor-${randomUUID()}.json`);
    const taken = await ndx('audit', 'anchor', '--from', DAY, '--to', DAY, '--out', file);
    expect(taken.code).toBe(0);
    expect(taken.stdout).toContain(`anchored 3 partition heads in ${file}`);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { partitions: Array<{ partition: string; seq: number }> };
    expect(kept.partitions.map((p) => p.seq)).toEqual([4, 4, 4]);
    expect(JSON.stringify(kept)).not.toMatch(/nationalId|subjectHash|hanoi/);

    // Someone who can write the table removes the newest record of one partition...
    await doc().send(new DeleteCommand({ TableName: names.auditTable, Key: key('anchor-truncate', 4) }));
    // ...rebuilds another from seq 3 with other content and recomputed hashes...
    let prevHash = String((await get('anchor-rebuild', 2)).hash);
    for (const seq of [3, 4]) {
      const { pk: _pk, sk: _sk, partition: _p, seq: _s, prevHash: _ph, hash: _h, ...body } = await get('anchor-rebuild', seq);
      const forged = linkRecord(
        { ...body, fields: [], status: 'NOT_FOUND', code: 'SUBJECT_NOT_FOUND' },
        { partition: partitionFor('anchor-rebuild'), seq, prevHash },
      );
      await doc().send(new PutCommand({ TableName: names.auditTable, Item: forged }));
      prevHash = forged.hash;
    }
    // ...while the third simply grows.
    await log.append(entry('anchor-grow', { at: `${DAY}T11:00:00.000Z` }));

    const alone = await ndx('audit', 'verify', '--from', DAY, '--to', DAY);
    expect(alone.code).toBe(0); // the chains hold together: what a chain alone cannot show

    const checked = await ndx('audit', 'verify', '--from', DAY, '--to', DAY, '--anchor', file);
    expect(checked.code).toBe(8);
    expect(checked.stdout).toContain(`BROKEN  ${partitionFor('anchor-truncate')}  at seq 4: the chain ends at seq 3 but was anchored at seq 4`);
    expect(checked.stdout).toContain(`BROKEN  ${partitionFor('anchor-rebuild')}  at seq 4: the record at seq 4 is not the one anchored`);
    expect(checked.stdout).not.toContain(partitionFor('anchor-grow'));
    expect(checked.stdout).toContain('3 partitions in range checked against their anchored heads');

    const json = JSON.parse((await ndx('--json', 'audit', 'verify', '--from', DAY, '--to', DAY, '--anchor', file)).stdout) as {
      partitions: PartitionReport[];
      anchor: { partitions: number };
    };
    expect(json.anchor.partitions).toBe(3);
    expect(Object.fromEntries(json.partitions.map((p) => [p.partition, p.broken?.kind ?? 'ok']))).toEqual({
      [partitionFor('anchor-truncate')]: 'truncated',
      [partitionFor('anchor-rebuild')]: 'rewritten',
      [partitionFor('anchor-grow')]: 'ok',
    });

    // A file that is not an anchor is a usage error that says what to do.
    const notAnchor = join(tmpdir(), `ndx-not-anchor-${randomUUID()}.json`);
    writeFileSync(notAnchor, '{"kind":"something"}');
    const bad = await ndx('audit', 'verify', '--anchor', notAnchor);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an ndx audit anchor');
    expect(bad.stderr).toContain('ndx audit anchor --out');
  });
});

describe('the citizen’s view', () => {
  it('shows exactly the lookups of the person, newest first, with fields and no values; withholds hidden ones and counts them', async () => {
    const p = person();
    const c = await grant(p);
    const made = [
      await land().lookup(identity(p), 20_000),
      await hcmc().lookup(residence(p, c.consentId), 20_000),
      await hcmc().lookup(residence(p, c.consentId, 'ADDRESS_CONFIRMATION'), 20_000),
      await danang().lookup(identity(p, 'TAX_REGISTRATION', 'tax-case-77'), 20_000),
    ];
    expect(made.map((r) => r.code)).toEqual(['OK', 'OK', 'PURPOSE_NOT_ALLOWED', 'OK']);
    // Someone else's lookup is not in this person's view.
    await land().lookup(identity(person()), 20_000);

    const trail = await audit().trail(hash({ nationalId: p.nationalId }));
    expect(trail.withheld).toBe(0);
    const agencies = ['hanoi-land-office', 'hcmc-public-services', 'hcmc-public-services', 'danang-tax-office'];
    expect(trail.entries.map((e) => e.auditId)).toEqual(made.map((r, i) => `${agencies[i]}/${r.requestId}`).reverse());
    expect(trail.entries[0]).toMatchObject({
      consumer: 'danang-tax-office',
      onBehalfOf: 'tax-case-77',
      contract: 'population.identity-verification',
      version: '1.0.0',
      purpose: 'TAX_REGISTRATION',
      basis: { kind: 'legal' },
      fields: ['nationalId', 'fullName', 'dateOfBirth', 'status'],
      status: 'OK',
      intact: true,
    });
    expect(trail.entries[1]).toMatchObject({ code: 'PURPOSE_NOT_ALLOWED', fields: [], basis: { kind: 'consent', consentId: c.consentId } });
    expect(trail.entries[2]).toMatchObject({ purpose: 'SOCIAL_ALLOWANCE_APPLICATION', fields: ['nationalId', 'permanentResidence', 'temporaryResidence'] });
    expect(trail.released).toBe(3);

    // An inspector withholds the tax office's lookup until tomorrow (an investigation).
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    // A lookup of a person's data is found by its subject (its marker is kept with the subject's): without it, ndx says so.
    const unnamed = await ndx('audit', 'hide', `danang-tax-office/${made[3]!.requestId}`, '--until', tomorrow, '--reason', 'inspection case 2026-17');
    expect(unnamed.code).toBe(3);
    expect(unnamed.stderr).toContain('add --subject');
    const hidden = await ndx(
      'audit',
      'hide',
      `danang-tax-office/${made[3]!.requestId}`,
      '--subject',
      `nationalId=${p.nationalId}`,
      '--until',
      tomorrow,
      '--reason',
      'inspection case 2026-17',
    );
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).toContain('is withheld from the citizen’s view until');
    const shown = await ndx('audit', 'show', `danang-tax-office/${made[3]!.requestId}`, '--subject', `nationalId=${p.nationalId}`);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^danang-tax-office\/\S+ {2}lookup {2}population#\d{4}-\d{2}-\d{2}#\d+ seq \d+ {2}hash verified/);

    const cli = await ndx('--json', 'audit', 'trail', '--subject', `nationalId=${p.nationalId}`);
    expect(cli.code).toBe(0);
    const view = JSON.parse(cli.stdout) as { entries: Array<{ auditId: string }>; withheld: number };
    expect(view.withheld).toBe(1);
    expect(view.entries.map((e) => e.auditId)).toEqual(trail.entries.slice(1).map((e) => e.auditId));

    const text = await ndx('audit', 'trail', '--subject', `nationalId=${p.nationalId}`);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^3 lookups of this person’s data, newest first \(2 released data\):/);
    expect(text.stdout).toContain('fields    nationalId, permanentResidence, temporaryResidence');
    expect(text.stdout).toContain('1 more lookup is withheld until a later date');
    expect(text.stdout).not.toContain('danang-tax-office');
    expect(text.stdout).not.toContain('inspection case');
    expect(text.stdout).not.toContain(p.fullName);
    expect(text.stdout).not.toContain(p.dateOfBirth);

    // The hide itself is on record, chained like every other record.
    const hides = (await audit().subjectRecords(hash({ nationalId: p.nationalId }))).filter((r) => r.kind === 'audit-hide');
    expect(hides).toHaveLength(1);
    expect(hides[0]).toMatchObject({ target: `danang-tax-office/${made[3]!.requestId}`, reason: 'inspection case 2026-17', by: 'test-operator' });
    expect((await audit().verifyPartition(hides[0]!.partition)).broken).toBeUndefined();
  });

  it('says what to do when a record to hide does not exist', async () => {
    const r = await ndx('audit', 'hide', 'nobody/123', '--until', '2030-01-01', '--reason', 'x');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no audit record nobody/123');
    // Only lookups are withheld: consent changes are the citizen's own acts.
    const c = await grant(person());
    const consentRecord = await ndx('audit', 'hide', `consent/${c.consentId}/0`, '--until', '2030-01-01', '--reason', 'x');
    expect(consentRecord.code).toBe(8);
    expect(consentRecord.stderr).toContain('is a consent-change record; only lookups can be withheld');
    const shown = await ndx('audit', 'show', `consent/${c.consentId}/0`);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^consent\/cns-[^ ]+ {2}consent-change {2}platform#\d{4}-\d{2}-\d{2}#\d+ seq \d+ {2}hash verified/);
  });
});

describe('ndx consent', () => {
  it('grants, pauses, resumes and revokes through the CLI, and lookups follow', async () => {
    const p = person();
    const granted = await ndx(
      '--json',
      'consent',
      'grant',
      '--subject',
      `nationalId=${p.nationalId}`,
      '--agency',
      'hcmc-public-services',
      '--contract',
      'population.residence',
      '--purpose',
      'SOCIAL_ALLOWANCE_APPLICATION',
      '--evidence',
      'portal case 2026-0001',
      '--max-uses',
      '10',
    );
    expect(granted.code, granted.stderr).toBe(0);
    const record = JSON.parse(granted.stdout) as ConsentRecord & { signatureVerified: boolean };
    expect(record).toMatchObject({
      consumer: 'hcmc-public-services',
      contract: 'population.residence',
      major: 1,
      categories: ['identifier', 'residence'],
      status: 'ACTIVE',
      signatureVerified: true,
      limits: { maxUses: 10 },
    });
    expect(record.subjectHash).toBe(hash({ nationalId: p.nationalId }));
    expect(JSON.stringify(record)).not.toContain(p.nationalId);
    expect((await hcmc().lookup(residence(p, record.consentId), 20_000)).code).toBe('OK');

    expect((await ndx('consent', 'pause', record.consentId, '--reason', 'travelling')).code).toBe(0);
    expect((await hcmc().lookup(residence(p, record.consentId), 20_000)).code).toBe('CONSENT_PAUSED');
    expect((await ndx('consent', 'pause', record.consentId)).code).toBe(8); // already paused
    expect((await ndx('consent', 'resume', record.consentId)).code).toBe(0);
    expect((await hcmc().lookup(residence(p, record.consentId), 20_000)).code).toBe('OK');
    expect((await ndx('consent', 'revoke', record.consentId, '--by', 'citizen')).code).toBe(0);
    expect((await hcmc().lookup(residence(p, record.consentId), 20_000)).code).toBe('CONSENT_REVOKED');

    const list = await ndx('consent', 'list', '--subject', `nationalId=${p.nationalId}`);
    expect(list.stdout).toContain(`${record.consentId}  REVOKED`);
    const shown = await ndx('consent', 'show', record.consentId);
    expect(shown.stdout).toContain('HMAC-SHA256 verified');
    expect(shown.stdout).toMatch(/REVOKED +by citizen/);
    expect(shown.stdout).toContain('2 of 10 uses');
  });

  it('shows that edited terms no longer verify', async () => {
    const c = await grant(person());
    await doc().send(
      new UpdateCommand({
        TableName: names.consentTable,
        Key: { consentId: c.consentId },
        UpdateExpression: 'SET consumer = :a',
        ExpressionAttributeValues: { ':a': 'danang-tax-office' },
      }),
    );
    const shown = await ndx('--json', 'consent', 'show', c.consentId);
    expect(JSON.parse(shown.stdout)).toMatchObject({ signatureVerified: false });
  });

  it('computes terms from the contract and refuses what it does not allow, saying why', async () => {
    const p = person();
    const base = ['consent', 'grant', '--subject', `nationalId=${p.nationalId}`, '--evidence', 'case 1'];
    const wrongPurpose = await ndx(...base, '--agency', 'hcmc-public-services', '--contract', 'population.residence', '--purpose', 'MARKETING');
    expect(wrongPurpose.code).toBe(2);
    expect(wrongPurpose.stderr).toContain('allows no purpose MARKETING (allowed: SOCIAL_ALLOWANCE_APPLICATION, ADDRESS_CONFIRMATION)');
    const notConsumer = await ndx(...base, '--agency', 'danang-tax-office', '--contract', 'population.residence@1', '--purpose', 'ADDRESS_CONFIRMATION');
    expect(notConsumer.code).toBe(2);
    expect(notConsumer.stderr).toContain('danang-tax-office is not a consumer of population.residence@1.0.0');
    const noMajor = await ndx(...base, '--agency', 'hcmc-public-services', '--contract', 'population.residence@7', '--purpose', 'ADDRESS_CONFIRMATION');
    expect(noMajor.code).toBe(2);
    expect((await ndx('consent', 'show', 'cns-nope')).code).toBe(3);
    expect((await ndx('consent', 'grant', '--agency', 'x', '--contract', 'population.residence', '--purpose', 'X', '--evidence', 'e')).stderr).toContain(
      '--subject',
    );
  });

  it('replaces a consent with new terms: the old one is revoked, pointing at the new', async () => {
    const p = person();
    const old = await grant(p);
    const renewed = await grant(p, { purposes: ['SOCIAL_ALLOWANCE_APPLICATION', 'ADDRESS_CONFIRMATION'], replaces: old.consentId });
    const before = await consents().get(old.consentId);
    expect(before.status).toBe('REVOKED');
    expect(before.events.at(-1)).toMatchObject({ type: 'REVOKED', reason: `replaced by ${renewed.consentId}` });
    expect(renewed.replaces).toBe(old.consentId);
    expect((await hcmc().lookup(residence(p, renewed.consentId, 'ADDRESS_CONFIRMATION'), 20_000)).code).toBe('OK');
  });
});
