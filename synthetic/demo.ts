/**
 * Deterministic demo data for the local engine: a synthetic population (valid identifiers, no real
 * person), the land, social insurance and business registries derived from it, and consents in every
 * state, so each outcome of a lookup can be tried by hand.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CONTRACTS } from '../contracts/catalog.ts';
import { INDICATORS } from '../contracts/indicators/catalog.ts';
import { computeIndicators, INDICATOR_REGISTRIES } from '../aws/indicator-job.ts';
import type { ContractDefinition } from '../contracts/model.ts';
import { residence } from '../contracts/population/residence.ts';
import { ContractRegistry } from '../aws/contract-registry.ts';
import { latestVersion, majorOf, releasedCategories } from '../contracts/model.ts';
import { writeAll } from '../aws/batch-write.ts';
import { AuditLog } from '../aws/audit-log.ts';
import { consentSigningKey } from '../domain/consent/consent.ts';
import { ConsentService } from '../domain/consent/service.ts';
import { ConsentStore } from '../aws/consent-store.ts';
import { names } from '../config/names.ts';
import { subjectHasher } from '../domain/subject-hash.ts';
import { DEFAULT_AS_OF, generatePopulation } from './population.ts';
import type { PopulationRecord } from '../registries/population/record.ts';
import { grantBankConsent, seedDerivedRegistries, type DemoWorld } from './demo-registries.ts';

export const DEMO_SEED = 'ndx-demo';
export const DEMO_POPULATION = 1000;

export const DEMO_DPO = 'dpo@ndx.gov.vn';

/**
 * The versions the demo deployment has published. A version a steward adds to the code later is a
 * draft until it goes through the workflow (`ndx contract propose/approve/publish`).
 */
export const DEMO_PUBLISHED: readonly string[] = [
  'population.identity-verification@1.0.0',
  'population.residence@1.0.0',
  'land.parcel@1.0.0',
  'land.parcels-by-owner@1.0.0',
  'social-insurance.participation@1.0.0',
  'social-insurance.benefits@1.0.0',
  'business.enterprise-profile@1.0.0',
  'business.enterprises-by-representative@1.0.0',
  'population.living-population@1.0.0',
  'business.enterprises-registered@1.0.0',
  'social-insurance.participants@1.0.0',
  'land.parcels-by-land-use@1.0.0',
];

/**
 * Publishes the demo's versions that the registry does not know yet, through the stewards'
 * workflow (propose, approval by a steward and the data-protection officer, publish), as a new
 * national deployment would on its first day.
 */
export async function publishCatalog(
  doc: DynamoDBDocumentClient,
  now = new Date(),
  versions: readonly string[] = DEMO_PUBLISHED,
  contracts: readonly ContractDefinition[] = [...CONTRACTS, ...INDICATORS],
): Promise<string[]> {
  const registry = new ContractRegistry(doc, names.contractTable);
  const published: string[] = [];
  for (const contract of contracts) {
    const known = new Set((await registry.records(contract.id)).map((r) => r.version));
    for (const version of contract.versions) {
      if (known.has(version.version) || !versions.includes(`${contract.id}@${version.version}`)) continue;
      const [steward] = contract.stewards;
      if (!steward) throw new Error(`contract ${contract.id} names no steward to propose and approve it`);
      await registry.propose(contract, version, steward, now);
      await registry.approve(contract, version, 'steward', steward, now);
      await registry.approve(contract, version, 'dpo', DEMO_DPO, now);
      await registry.publish(contract, version, steward, now);
      published.push(`${contract.id}@${version.version}`);
    }
  }
  return published;
}

export interface DemoConsent {
  consentId: string;
  nationalId: string;
  consumer: string;
  purpose: string;
  state: 'ACTIVE' | 'REVOKED' | 'EXPIRED';
}

export interface DemoData {
  population: number;
  /** A living citizen, for a first identity lookup. */
  living: PopulationRecord;
  deceased: PopulationRecord | undefined;
  consents: DemoConsent[];
  /** Land, social insurance and business records derived from the same population: items written, and subjects to try. */
  world: DemoWorld;
  /** The bank's consent to read a loan applicant's social insurance participation. */
  bankConsent: { consentId: string; nationalId: string; consumer: string; purpose: string };
  /** The first living citizens (the demo's consents belong to them): names for the local console's demo sign-in. */
  citizens: Array<{ nationalId: string; fullName: string }>;
}

const CONSENT_CONSUMER = 'hcmc-public-services';
const CONSENT_PURPOSE = 'SOCIAL_ALLOWANCE_APPLICATION';

export async function seedDemo(
  doc: DynamoDBDocumentClient,
  options: { pepper: string; count?: number; seed?: string; now?: Date; onProgress?: (written: number, total: number, registry?: string) => void },
): Promise<DemoData> {
  await publishCatalog(doc, options.now);
  const count = options.count ?? DEMO_POPULATION;
  const seed = options.seed ?? DEMO_SEED;
  const now = options.now ?? new Date();
  const living: PopulationRecord[] = [];
  let deceased: PopulationRecord | undefined;
  function* watch(): Generator<PopulationRecord> {
    for (const r of generatePopulation({ seed, count })) {
      if (r.status === 'LIVING' && living.length < 4) living.push(r);
      if (r.status === 'DECEASED' && !deceased) deceased = r;
      yield r;
    }
  }
  await writeAll(doc, names.registryTable('population'), watch(), { onProgress: (n) => options.onProgress?.(n, count, 'population') });
  const [firstLiving] = living;
  if (!firstLiving) throw new Error(`the synthetic population (seed ${seed}, ${count} people) has no living person to look up`);
  const world = await seedDerivedRegistries(doc, { seed, count, onProgress: (registry, n, total) => options.onProgress?.(n, total, registry) });

  const hash = subjectHasher(options.pepper);
  // Through the consent API: terms signed with the platform key, each grant and revocation audited.
  const consents = new ConsentService({
    store: new ConsentStore(doc, names.consentTable, consentSigningKey(options.pepper)),
    audit: new AuditLog(doc, names.auditTable),
  });
  const version = latestVersion(residence);
  const terms = {
    consumer: CONSENT_CONSUMER,
    contract: residence.id,
    major: majorOf(version.version),
    purposes: [CONSENT_PURPOSE],
    categories: releasedCategories(version),
    notice: { uri: 'https://dichvucong.gov.vn/consent/residence', version: '1', hash: 'sha256:demo-notice-v1', language: 'vi' },
    collection: { method: 'public-service-portal', evidence: 'demo case' },
    by: 'ndx-demo-seed',
  };
  const year = 365 * 24 * 3600 * 1000;
  const states: DemoConsent['state'][] = ['ACTIVE', 'REVOKED', 'EXPIRED'];
  const demo: DemoConsent[] = [];
  for (const [i, state] of states.entries()) {
    const person = living[i];
    if (!person) break;
    const consentId = `cns-demo-${state.toLowerCase()}`;
    const subjectHash = hash({ nationalId: person.nationalId });
    const existing = await consents.store.get(consentId);
    if (!existing) {
      const expired = state === 'EXPIRED';
      await consents.grant(
        {
          ...terms,
          consentId,
          subjectHash,
          validFrom: new Date(now.getTime() - (expired ? 2 * year : 0)),
          validUntil: new Date(now.getTime() + (expired ? -year : year)),
        },
        new Date(now.getTime() - (expired ? 2 * year : 0)),
      );
      if (state === 'REVOKED') await consents.change(consentId, 'REVOKED', 'citizen', 'withdrawn on the portal', now);
    }
    demo.push({ consentId, nationalId: person.nationalId, consumer: CONSENT_CONSUMER, purpose: CONSENT_PURPOSE, state });
  }
  const bankConsent = await grantBankConsent(consents, hash, world.examples.employee.nationalId, now);
  // The indicators job, as it runs on its schedule in AWS: every registry's aggregates, as of the data's moment.
  for (const registry of INDICATOR_REGISTRIES) await computeIndicators(doc, registry, { asOf: new Date(DEFAULT_AS_OF) });
  const citizens = living.map((p) => ({ nationalId: p.nationalId, fullName: p.fullName }));
  return { population: count, living: firstLiving, deceased, consents: demo, world, bankConsent, citizens };
}
