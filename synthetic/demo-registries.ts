/**
 * The demo's land, social insurance and business registries: derived from the same seed and population
 * as the demo's citizens (so every owner, representative and employer exists where it should), and a
 * consent for the fictional bank to read one citizen's social insurance participation.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { latestVersion, majorOf, releasedCategories } from '../contracts/model.ts';
import { participation } from '../contracts/social-insurance/participation.ts';
import type { ConsentService } from '../domain/consent/service.ts';
import type { SubjectHasher } from '../domain/subject-hash.ts';
import { seedRegistry } from './seed.ts';
import { worldExamples, type SyntheticRegistry, type WorldExamples } from './world.ts';

/** The registries derived from the population, in the order they are seeded. */
export const DERIVED_REGISTRIES: readonly SyntheticRegistry[] = ['business', 'social-insurance', 'land'];

export interface DemoWorld {
  /** Items written per registry table. */
  written: Record<string, number>;
  examples: WorldExamples;
}

export async function seedDerivedRegistries(
  doc: DynamoDBDocumentClient,
  options: { seed: string; count: number; onProgress?: (registry: SyntheticRegistry, written: number, total: number) => void },
): Promise<DemoWorld> {
  const written: Record<string, number> = {};
  const { onProgress } = options;
  for (const registry of DERIVED_REGISTRIES) {
    const result = await seedRegistry(doc, registry, {
      seed: options.seed,
      count: options.count,
      ...(onProgress ? { onProgress: (n: number, total: number) => onProgress(registry, n, total) } : {}),
    });
    written[registry] = result.written;
  }
  return { written, examples: worldExamples({ seed: options.seed, count: options.count }) };
}

export const BANK = 'demo-commercial-bank';
export const BANK_CONSENT_ID = 'cns-demo-bank-loan';

/** The bank's consent to read a loan applicant's social insurance participation (idempotent). */
export async function grantBankConsent(
  consents: ConsentService,
  hash: SubjectHasher,
  nationalId: string,
  now: Date,
): Promise<{ consentId: string; nationalId: string; consumer: string; purpose: string }> {
  const purpose = 'LOAN_APPLICATION';
  if (!(await consents.store.get(BANK_CONSENT_ID))) {
    const version = latestVersion(participation);
    await consents.grant(
      {
        consentId: BANK_CONSENT_ID,
        subjectHash: hash({ nationalId }),
        consumer: BANK,
        contract: participation.id,
        major: majorOf(version.version),
        purposes: [purpose],
        categories: releasedCategories(version),
        notice: { uri: 'https://bank.example.vn/consent/social-insurance', version: '1', hash: 'sha256:demo-bank-notice-v1', language: 'vi' },
        collection: { method: 'bank-app', evidence: 'demo loan application' },
        by: 'ndx-demo-seed',
        validFrom: now,
        validUntil: new Date(now.getTime() + 90 * 24 * 3600 * 1000),
      },
      now,
    );
  }
  return { consentId: BANK_CONSENT_ID, nationalId, consumer: BANK, purpose };
}
