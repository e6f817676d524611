/**
 * The four national registries behind their contracts, against the real local engine: every contract
 * answers OK with exactly its fields, NOT_FOUND for a valid absent key and INVALID for a malformed one
 * (decided by the router, before any table is read); list contracts paginate exactly; and a land
 * office works one case across all four registries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS, findContract } from '../../contracts/catalog.ts';
import { formatNationalId, parseNationalId, enterpriseCheckDigit } from '../../contracts/identifiers.ts';
import { majorOf, releasedCategories } from '../../contracts/model.ts';
import type { LookupRequestInput } from '../../contracts/protocol.ts';
import { AuditLog, auditIdOf } from '../../aws/audit-log.ts';
import { documentClient } from '../../aws/clients.ts';
import { consentSigningKey } from '../../domain/consent/consent.ts';
import { ConsentService } from '../../domain/consent/service.ts';
import { ConsentStore } from '../../aws/consent-store.ts';
import { names } from '../../config/names.ts';
import { subjectHasher } from '../../domain/subject-hash.ts';
import type { EnterpriseProfile } from '../../registries/business/record.ts';
import type { ParcelRecord } from '../../registries/land/record.ts';
import type { PopulationRecord } from '../../registries/population/record.ts';
import type { SocialInsuranceRecord } from '../../registries/social-insurance/record.ts';
import { generateWorld, worldExamples, type WorldExamples } from '../../synthetic/world.ts';
import { LOCAL_PEPPER } from '../../config/local.ts';
import { DEMO_SEED } from '../../synthetic/demo.ts';
import { asker } from './ask.ts';
import { startHarness, type Harness } from './support.ts';

const COUNT = 1000;
let h: Harness;
const ex: WorldExamples = worldExamples({ seed: DEMO_SEED, count: COUNT });
const { ask, stop: stopAsking } = asker();

// The world the harness seeded, regenerated here to know what each registry should answer.
const people = new Map<string, PopulationRecord>();
const parcels = new Map<string, ParcelRecord>();
const parcelsOf = new Map<string, string[]>();
const enterprises = new Map<string, EnterpriseProfile>();
const enterprisesOf = new Map<string, string[]>();
const participants = new Map<string, SocialInsuranceRecord>();
for (const e of generateWorld({ seed: DEMO_SEED, count: COUNT })) {
  if (e.kind === 'person') people.set(e.record.nationalId, e.record);
  if (e.kind === 'parcel') {
    parcels.set(e.record.parcelId, e.record);
    for (const o of e.owners) parcelsOf.set(o.ownerId, [...(parcelsOf.get(o.ownerId) ?? []), o.parcelId]);
  }
  if (e.kind === 'enterprise') {
    enterprises.set(e.record.enterpriseCode, e.record);
    for (const r of e.representations) enterprisesOf.set(r.representativeId, [...(enterprisesOf.get(r.representativeId) ?? []), r.enterpriseCode]);
  }
  if (e.kind === 'participant') participants.set(e.record.nationalId, e.record);
}

/** A well-formed national ID that no citizen of the world has. */
function absentNationalId(): string {
  const parts = parseNationalId(ex.owner.nationalId)!;
  for (let serial = 999_999; ; serial--) {
    const id = formatNationalId({ ...parts, serial: String(serial).padStart(6, '0') });
    if (!people.has(id)) return id;
  }
}

/** A well-formed enterprise code (valid check digit) that no enterprise has. */
function absentEnterpriseCode(): string {
  for (let n = 1; ; n++) {
    const first9 = `98${String(n).padStart(7, '0')}`;
    const check = enterpriseCheckDigit(first9);
    if (check && !enterprises.has(`${first9}${check}`)) return `${first9}${check}`;
  }
}

function withWrongCheckDigit(code: string): string {
  return `${code.slice(0, 9)}${(Number(code[9]) + 1) % 10}`;
}

const omit = <T extends object>(o: T, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const pick = <T extends object>(o: T, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));

/** A lookup's audit record: one that names a subject is found by it (its marker is kept with the subject's). */
async function auditOf(agency: string, requestId: string, subject?: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const subjectHash = subject ? subjectHasher(LOCAL_PEPPER)(subject) : undefined;
  return (await new AuditLog(documentClient(), names.auditTable).find(auditIdOf(agency, requestId, ''), 'lookup', subjectHash)) as
    | Record<string, unknown>
    | undefined;
}

/** A consent of `nationalId` for the agency, contract and purpose (for consent-based contracts). */
async function grantConsent(agency: string, contractId: string, purpose: string, nationalId: string): Promise<string> {
  const contract = findContract(contractId)!;
  const version = contract.versions.at(-1)!;
  const service = new ConsentService({
    store: new ConsentStore(documentClient(), names.consentTable, consentSigningKey(LOCAL_PEPPER)),
    audit: new AuditLog(documentClient(), names.auditTable),
  });
  const now = new Date();
  const record = await service.grant(
    {
      subjectHash: subjectHasher(LOCAL_PEPPER)({ nationalId }),
      consumer: agency,
      contract: contract.id,
      major: majorOf(version.version),
      purposes: [purpose],
      categories: releasedCategories(version),
      validFrom: now,
      validUntil: new Date(now.getTime() + 24 * 3600 * 1000),
      notice: { uri: 'https://example.vn/notice', version: '1', hash: 'sha256:test', language: 'vi' },
      collection: { method: 'test', evidence: 'registries test' },
      by: 'registries.test',
    },
    now,
  );
  return record.consentId;
}

beforeAll(async () => {
  h = await startHarness({ count: COUNT });
  expect(h.demo.world.examples).toEqual(ex);
});

afterAll(async () => {
  await stopAsking();
  await h?.stop();
});

interface Case {
  contract: string;
  agency: string;
  purpose: string;
  ok: () => Record<string, string>;
  /** What `data` must be for `ok()`. */
  expected: (subject: Record<string, string>) => unknown;
  absent: () => Record<string, string>;
  malformed: Array<Record<string, string>>;
  /** For a contract that rests on consent for this agency: a consent for the subject. */
  consent?: (subject: Record<string, string>) => Promise<string>;
}

const parcelItem = (parcelId: string, ownerId: string) => {
  const p = parcels.get(parcelId)!;
  const owner = p.owners.find((o) => (o.kind === 'PERSON' ? o.nationalId : o.enterpriseCode) === ownerId)!;
  return { ...pick(p, 'parcelId', 'address', 'area', 'landUse', 'certificateSerial'), share: owner.share };
};
const representationItem = (code: string, nationalId: string) => {
  const e = enterprises.get(code)!;
  const rep = e.legalRepresentatives.find((r) => r.nationalId === nationalId)!;
  return { ...pick(e, 'enterpriseCode', 'name', 'type', 'status'), position: rep.position, since: e.foundedOn };
};

const CASES: Case[] = [
  {
    contract: 'population.identity-verification',
    agency: 'hanoi-land-office',
    purpose: 'LAND_REGISTRATION',
    ok: () => ({ nationalId: ex.owner.nationalId }),
    expected: (s) => pick(people.get(s.nationalId!)!, 'nationalId', 'fullName', 'dateOfBirth', 'status'),
    absent: () => ({ nationalId: absentNationalId() }),
    malformed: [{ nationalId: '12345' }, { nationalId: '999203004567' }, { citizenId: ex.owner.nationalId }],
  },
  {
    contract: 'population.residence',
    agency: 'hcmc-public-services',
    purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
    ok: () => ({ nationalId: ex.owner.nationalId }),
    expected: (s) => pick(people.get(s.nationalId!)!, 'nationalId', 'permanentResidence', 'temporaryResidence'),
    absent: () => ({ nationalId: absentNationalId() }),
    malformed: [{ nationalId: '00120300456' }],
    consent: (s) => grantConsent('hcmc-public-services', 'population.residence', 'SOCIAL_ALLOWANCE_APPLICATION', s.nationalId!),
  },
  {
    contract: 'land.parcel',
    agency: 'hanoi-land-office',
    purpose: 'LAND_REGISTRATION',
    ok: () => ({ parcelId: ex.parcel }),
    expected: (s) => omit(parcels.get(s.parcelId!)!, 'sk', 'updatedAt'),
    absent: () => ({ parcelId: '09999-0999-09999' }),
    malformed: [{ parcelId: '00001-12-345' }, { parcelId: '00000-0001-00001' }, { parcelId: '00001-0001-00000' }, { parcelId: '00001/0001/00001' }],
  },
  {
    contract: 'land.parcels-by-owner',
    agency: 'hanoi-land-office',
    purpose: 'LAND_REGISTRATION',
    ok: () => ({ nationalId: ex.owner.nationalId }),
    expected: (s) => ({ items: [...parcelsOf.get(s.nationalId!)!].sort().map((id) => parcelItem(id, s.nationalId!)) }),
    absent: () => ({ nationalId: absentNationalId() }),
    malformed: [
      { nationalId: '1234' },
      { nationalId: ex.owner.nationalId, enterpriseCode: ex.enterprise },
      { ownerId: ex.owner.nationalId },
      { enterpriseCode: withWrongCheckDigit(ex.enterprise) },
    ],
  },
  {
    contract: 'social-insurance.participation',
    agency: 'hanoi-land-office',
    purpose: 'LAND_REGISTRATION',
    ok: () => ({ nationalId: ex.employee.nationalId }),
    expected: (s) => pick(participants.get(s.nationalId!)!, 'nationalId', 'legacyCode', 'participationType', 'status', 'employerCode', 'contributionMonths'),
    absent: () => ({ nationalId: absentNationalId() }),
    malformed: [{ nationalId: 'ABCDEFGHIJKL' }, { legacyCode: '0123456789' }],
  },
  {
    contract: 'social-insurance.benefits',
    agency: 'hcmc-public-services',
    purpose: 'SOCIAL_ALLOWANCE_APPLICATION',
    ok: () => ({ nationalId: ex.pensioner! }),
    expected: (s) => pick(participants.get(s.nationalId!)!, 'nationalId', 'benefits', 'healthInsurance'),
    absent: () => ({ nationalId: absentNationalId() }),
    malformed: [{ nationalId: '001203004567 ' }],
  },
  {
    contract: 'business.enterprise-profile',
    agency: 'hanoi-land-office',
    purpose: 'LAND_REGISTRATION',
    ok: () => ({ enterpriseCode: ex.employee.employerCode }),
    expected: (s) => omit(enterprises.get(s.enterpriseCode!)!, 'updatedAt'),
    absent: () => ({ enterpriseCode: absentEnterpriseCode() }),
    malformed: [
      { enterpriseCode: withWrongCheckDigit(ex.enterprise) },
      { enterpriseCode: `${ex.enterprise}-000` },
      { enterpriseCode: `${ex.enterprise}001` },
      { enterpriseCode: '12345' },
    ],
  },
  {
    contract: 'business.enterprises-by-representative',
    agency: 'danang-tax-office',
    purpose: 'TAX_ENFORCEMENT',
    ok: () => ({ nationalId: ex.representative.nationalId }),
    expected: (s) => ({ items: [...enterprisesOf.get(s.nationalId!)!].sort().map((c) => representationItem(c, s.nationalId!)) }),
    absent: () => ({ nationalId: absentNationalId() }),
    malformed: [{ nationalId: '0012030045678' }, { enterpriseCode: ex.enterprise }],
  },
];

describe('every registry and contract', () => {
  it('covers every contract of the catalogue', () => {
    expect(CASES.map((c) => c.contract).sort()).toEqual(CONTRACTS.map((c) => c.id).sort());
    expect(new Set(CONTRACTS.map((c) => c.provider))).toEqual(new Set(['population', 'land', 'social-insurance', 'business']));
  });

  it.each(CASES)('$contract answers OK with exactly its fields', async (c) => {
    const subject = c.ok();
    const consentId = c.consent ? await c.consent(subject) : undefined;
    const reply = await ask(c.agency, { contract: c.contract, purpose: c.purpose, subject, ...(consentId ? { consentId } : {}) });
    expect(reply, JSON.stringify(reply.issues)).toMatchObject({ status: 'OK', code: 'OK', contract: c.contract, version: '1.0.0' });
    const version = findContract(c.contract)!.versions[0]!;
    if (version.list) {
      for (const item of reply.data!.items as object[]) expect(Object.keys(item).sort()).toEqual(Object.keys(version.list.item.shape).sort());
    } else {
      expect(Object.keys(reply.data!).sort()).toEqual(Object.keys(version.response.shape).sort());
    }
    expect(reply.data).toEqual(c.expected(subject));
    expect(reply.provenance).toMatchObject({ registry: findContract(c.contract)!.provider });
    expect((await auditOf(c.agency, reply.requestId, subject))?.recordedBy).toBe('adapter');
  });

  it.each(CASES)('$contract answers NOT_FOUND for a valid key the registry does not hold', async (c) => {
    const subject = c.absent();
    const consentId = c.consent ? await c.consent(subject) : undefined;
    const reply = await ask(c.agency, { contract: c.contract, purpose: c.purpose, subject, ...(consentId ? { consentId } : {}) });
    expect(reply).toMatchObject({ status: 'NOT_FOUND', code: 'SUBJECT_NOT_FOUND' });
    expect(reply.data).toBeUndefined();
  });

  it.each(CASES)('$contract answers INVALID for malformed keys, from the router (no table is read)', async (c) => {
    const replies = await Promise.all(c.malformed.map((subject) => ask(c.agency, { contract: c.contract, purpose: c.purpose, subject })));
    for (const [i, reply] of replies.entries()) {
      expect(reply, JSON.stringify(c.malformed[i])).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION' });
      expect(reply.issues?.every((issue) => issue.path.startsWith('subject'))).toBe(true);
      expect((await auditOf(c.agency, reply.requestId))?.recordedBy).toBe('router');
    }
  });
});

describe('list contracts paginate', () => {
  /** Follows nextPageToken to the end; returns the pages. */
  async function allPages(agency: string, contract: string, purpose: string, subject: Record<string, string>, size?: number) {
    const pages: Array<{ items: Array<Record<string, unknown>>; nextPageToken?: string }> = [];
    let token: string | undefined;
    do {
      const page = size !== undefined || token ? { ...(size !== undefined ? { size } : {}), ...(token ? { token } : {}) } : undefined;
      const reply = await ask(agency, { contract, purpose, subject, ...(page ? { page } : {}) });
      expect(reply, JSON.stringify(reply.issues)).toMatchObject({ status: 'OK' });
      pages.push(reply.data as (typeof pages)[number]);
      token = reply.data!.nextPageToken as string | undefined;
      expect(pages.length).toBeLessThan(50);
    } while (token);
    return pages;
  }

  it('parcels by owner: every parcel exactly once across pages of the requested size, in parcel order', async () => {
    expect(ex.owner.parcels).toBeGreaterThanOrEqual(3);
    const expected = [...parcelsOf.get(ex.owner.nationalId)!].sort();
    for (const size of [1, 2, expected.length, 50]) {
      const pages = await allPages('hanoi-land-office', 'land.parcels-by-owner', 'LAND_REGISTRATION', { nationalId: ex.owner.nationalId }, size);
      const ids = pages.flatMap((p) => p.items.map((i) => i.parcelId));
      expect(ids, `size ${size}`).toEqual(expected);
      expect(pages.length).toBe(Math.ceil(expected.length / size));
      for (const p of pages) expect(p.items.length).toBeLessThanOrEqual(size);
      expect(pages.at(-1)!.nextPageToken).toBeUndefined();
    }
  });

  it('parcels by owner also answers for an enterprise code, with the default page size', async () => {
    expect(ex.enterpriseOwner).toBeDefined();
    const { enterpriseCode } = ex.enterpriseOwner!;
    const pages = await allPages('danang-tax-office', 'land.parcels-by-owner', 'LAND_TAX_ASSESSMENT', { enterpriseCode });
    expect(pages.flatMap((p) => p.items.map((i) => i.parcelId))).toEqual([...parcelsOf.get(enterpriseCode)!].sort());
  });

  it('enterprises by representative: every enterprise exactly once, pages bounded', async () => {
    expect(ex.representative.enterprises).toBeGreaterThanOrEqual(2);
    const pages = await allPages(
      'danang-tax-office',
      'business.enterprises-by-representative',
      'TAX_ENFORCEMENT',
      { nationalId: ex.representative.nationalId },
      1,
    );
    expect(pages.map((p) => p.items.length)).toEqual(Array(ex.representative.enterprises).fill(1));
    expect(pages.flatMap((p) => p.items.map((i) => i.enterpriseCode))).toEqual([...enterprisesOf.get(ex.representative.nationalId)!].sort());
  });

  it('refuses a tampered token, a token of another subject or contract, a page too large, and a page on a single-record contract', async () => {
    const owner = { nationalId: ex.owner.nationalId };
    const first = await ask('danang-tax-office', { contract: 'land.parcels-by-owner', purpose: 'LAND_TAX_ASSESSMENT', subject: owner, page: { size: 1 } });
    const token = first.data!.nextPageToken as string;
    expect(token).toMatch(/^p1\./);
    // Change one character of the sealed part (keeping it base64url).
    const at = 10;
    const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    const cases: Array<[string, Omit<LookupRequestInput, 'requestId'>, string]> = [
      ['tampered', { contract: 'land.parcels-by-owner', purpose: 'LAND_TAX_ASSESSMENT', subject: owner, page: { size: 1, token: tampered } }, 'page.token'],
      [
        'another subject',
        { contract: 'land.parcels-by-owner', purpose: 'LAND_TAX_ASSESSMENT', subject: { nationalId: ex.employee.nationalId }, page: { size: 1, token } },
        'page.token',
      ],
      ['another contract', { contract: 'business.enterprises-by-representative', purpose: 'TAX_ENFORCEMENT', subject: owner, page: { token } }, 'page.token'],
      [
        'not a token at all',
        { contract: 'land.parcels-by-owner', purpose: 'LAND_TAX_ASSESSMENT', subject: owner, page: { token: 'eyJvd25lcklkIjoiMDAxIn0' } },
        'page.token',
      ],
      [
        'a page larger than the contract allows',
        { contract: 'land.parcels-by-owner', purpose: 'LAND_TAX_ASSESSMENT', subject: owner, page: { size: 51 } },
        'page.size',
      ],
      [
        'a page of a single-record contract',
        { contract: 'land.parcel', purpose: 'LAND_TAX_ASSESSMENT', subject: { parcelId: ex.parcel }, page: { size: 1 } },
        'page',
      ],
    ];
    const replies = await Promise.all(cases.map(([, request]) => ask('danang-tax-office', request)));
    for (const [i, reply] of replies.entries()) {
      expect(reply, cases[i]![0]).toMatchObject({ status: 'INVALID', code: 'SCHEMA_VIOLATION' });
      expect(
        reply.issues?.map((x) => x.path),
        cases[i]![0],
      ).toContain(cases[i]![2]);
      expect(reply.data).toBeUndefined();
    }
    // The genuine token still works.
    const second = await ask('danang-tax-office', {
      contract: 'land.parcels-by-owner',
      purpose: 'LAND_TAX_ASSESSMENT',
      subject: owner,
      page: { size: 1, token },
    });
    expect(second).toMatchObject({ status: 'OK' });
    expect((second.data!.items as Array<{ parcelId: string }>)[0]!.parcelId).toBe([...parcelsOf.get(ex.owner.nationalId)!].sort()[1]);
  });
});

describe('consent and consumers', () => {
  it('a bank reads social insurance participation only with the citizen’s consent', async () => {
    const subject = { nationalId: h.demo.bankConsent.nationalId };
    const without = await ask('demo-commercial-bank', { contract: 'social-insurance.participation', purpose: 'LOAN_APPLICATION', subject });
    expect(without).toMatchObject({ status: 'DENIED', code: 'CONSENT_REQUIRED' });
    const withConsent = await ask('demo-commercial-bank', {
      contract: 'social-insurance.participation',
      purpose: 'LOAN_APPLICATION',
      subject,
      consentId: h.demo.bankConsent.consentId,
    });
    expect(withConsent).toMatchObject({ status: 'OK', basis: { kind: 'consent', consentId: h.demo.bankConsent.consentId } });
    const otherContract = await ask('demo-commercial-bank', {
      contract: 'land.parcels-by-owner',
      purpose: 'LOAN_APPLICATION',
      subject,
      consentId: h.demo.bankConsent.consentId,
    });
    expect(otherContract).toMatchObject({ status: 'DENIED' });
  });

  it('an agency that is not a consumer of a contract is refused', async () => {
    const reply = await ask('demo-commercial-bank', { contract: 'land.parcel', purpose: 'LAND_REGISTRATION', subject: { parcelId: ex.parcel } });
    expect(reply).toMatchObject({ status: 'DENIED', code: 'NOT_A_CONSUMER' });
  });
});

describe('a land office works one case across the four registries', () => {
  it('verifies the identity of the recipient of a rice-land transfer, reads their parcels, their employer of record and that employer, each under its contract', async () => {
    const agency = 'hanoi-land-office';
    const onBehalfOf = 'case HN-2026-0042 / officer-0042';
    const person = people.get(ex.employee.nationalId)!;
    const common = { purpose: 'LAND_REGISTRATION', onBehalfOf };

    // 1. Population: who the recipient is, and that they are alive.
    const identity = await ask(agency, { ...common, contract: 'population.identity-verification', subject: { nationalId: person.nationalId } });
    expect(identity).toMatchObject({ status: 'OK', basis: { kind: 'legal', id: 'pdpl-19-1-c-land' }, provenance: { registry: 'population' } });
    expect(identity.data).toEqual({ nationalId: person.nationalId, fullName: person.fullName, dateOfBirth: person.dateOfBirth, status: 'LIVING' });

    // 2. Land: what they already hold (every page), against the limits on receiving agricultural land.
    const held: string[] = [];
    let token: string | undefined;
    do {
      const page = await ask(agency, {
        ...common,
        contract: 'land.parcels-by-owner',
        subject: { nationalId: person.nationalId },
        page: { size: 2, ...(token ? { token } : {}) },
      });
      expect(page).toMatchObject({ status: 'OK', basis: { kind: 'legal', id: 'pdpl-19-1-c-land-registration' }, provenance: { registry: 'land' } });
      held.push(...(page.data!.items as Array<{ parcelId: string }>).map((i) => i.parcelId));
      token = page.data!.nextPageToken as string | undefined;
    } while (token);
    expect(held).toEqual([...parcelsOf.get(person.nationalId)!].sort());
    expect(held.every((id) => parcels.get(id)!.owners.some((o) => o.kind === 'PERSON' && o.nationalId === person.nationalId))).toBe(true);

    // 3. Social insurance: an employer of record means the recipient does not farm directly.
    const participation = await ask(agency, { ...common, contract: 'social-insurance.participation', subject: { nationalId: person.nationalId } });
    expect(participation).toMatchObject({
      status: 'OK',
      provenance: { registry: 'social-insurance' },
      data: { participationType: 'COMPULSORY', status: 'PARTICIPATING' },
    });
    const employerCode = participation.data!.employerCode as string;
    expect(employerCode).toBe(ex.employee.employerCode);

    // 4. Business: the employer exists and is registered.
    const employer = await ask(agency, { ...common, contract: 'business.enterprise-profile', subject: { enterpriseCode: employerCode } });
    expect(employer).toMatchObject({ status: 'OK', provenance: { registry: 'business' }, data: { enterpriseCode: employerCode } });
    expect(['OPERATING', 'SUSPENDED']).toContain(employer.data!.status);

    // Each step is on record with the case reference, its contract and its legal basis.
    for (const [reply, subject] of [
      [identity, { nationalId: person.nationalId }],
      [participation, { nationalId: person.nationalId }],
      [employer, { enterpriseCode: employerCode }],
    ] as const) {
      const record = await auditOf(agency, reply.requestId, subject);
      expect(record).toMatchObject({ consumer: agency, contract: reply.contract, onBehalfOf, code: 'OK' });
      expect(record?.basis).toMatchObject({ kind: 'legal' });
    }
  });
});
