/**
 * population.identity-verification: confirms the name, date of birth and living status behind a
 * personal identification number. Agencies use it on a legal basis; no consent is asked.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { IsoDate, PDPL_ART_19_1_C } from '../common.ts';
import { NationalId } from '../identifiers.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Response = z.strictObject({
    nationalId: NationalId,
    fullName: z.string(),
    dateOfBirth: IsoDate,
    status: z.enum(['LIVING', 'DECEASED']),
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['hanoi-land-office', 'hcmc-public-services', 'danang-tax-office'],
    purposes: [
      { code: 'LAND_REGISTRATION', description: 'Verify the identity of a party to a land use right registration or transfer.' },
      { code: 'PUBLIC_SERVICE_APPLICATION', description: 'Verify the identity of an applicant for an online public service.' },
      { code: 'TAX_REGISTRATION', description: 'Verify the identity of a taxpayer at registration.' },
    ],
    legalBases: [
      {
        id: 'pdpl-19-1-c-land',
        ...PDPL_ART_19_1_C,
        sectoral: 'Land Law No. 31/2024/QH15 (land registration)',
        consumers: ['hanoi-land-office'],
        purposes: ['LAND_REGISTRATION'],
      },
      {
        id: 'pdpl-19-1-c-public-services',
        ...PDPL_ART_19_1_C,
        sectoral: 'Decree 45/2020/ND-CP (online public services)',
        consumers: ['hcmc-public-services'],
        purposes: ['PUBLIC_SERVICE_APPLICATION'],
      },
      {
        id: 'pdpl-19-1-c-tax',
        ...PDPL_ART_19_1_C,
        sectoral: 'Law on Tax Administration No. 38/2019/QH14',
        consumers: ['danang-tax-office'],
        purposes: ['TAX_REGISTRATION'],
      },
    ],
    retentionDays: 365 * 10,
    rateLimit: { perAgencyPerMinute: 6000 },
    subject: z.strictObject({ nationalId: NationalId }),
    response: v1Response,
    fields: {
      nationalId: { category: 'identifier', sensitivity: 'personal', description: 'The personal identification number looked up.' },
      fullName: { category: 'identity', sensitivity: 'personal', description: 'Full name as registered.' },
      dateOfBirth: { category: 'identity', sensitivity: 'personal', description: 'Date of birth.' },
      status: { category: 'civil-status', sensitivity: 'personal', description: 'LIVING or DECEASED.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const identityVerification = defineContract({
  id: 'population.identity-verification',
  title: 'Identity verification',
  description: 'Confirms full name, date of birth and living status for a personal identification number.',
  provider: 'population',
  stewards: ['steward@population.mps.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 96_000)];
  },
});
