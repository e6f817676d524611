/**
 * social-insurance.benefits: the social insurance benefits being paid to a person and the validity of
 * their health insurance card. A public service centre checks it before granting a social allowance
 * that a pension or monthly social insurance benefit would rule out.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { PDPL_ART_19_1_C } from '../common.ts';
import { NationalId } from '../identifiers.ts';
import { Benefit, HealthInsurance } from './vocabulary.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Response = z.strictObject({
    nationalId: NationalId,
    benefits: z.array(Benefit).describe('Benefits paid now or in the last year.'),
    healthInsurance: HealthInsurance.nullable().describe('The health insurance card’s validity, or null when the person has none.'),
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['hcmc-public-services'],
    purposes: [
      {
        code: 'SOCIAL_ALLOWANCE_APPLICATION',
        description: 'Check that an applicant for a monthly social allowance receives no pension or monthly social insurance benefit.',
      },
    ],
    legalBases: [
      {
        id: 'pdpl-19-1-c-social-assistance',
        ...PDPL_ART_19_1_C,
        sectoral: 'Decree 20/2021/ND-CP on social assistance, as amended by Decree 76/2024/ND-CP',
        consumers: ['hcmc-public-services'],
        purposes: ['SOCIAL_ALLOWANCE_APPLICATION'],
      },
    ],
    retentionDays: 365 * 5,
    rateLimit: { perAgencyPerMinute: 1200 },
    subject: z.strictObject({ nationalId: NationalId }),
    response: v1Response,
    fields: {
      nationalId: { category: 'identifier', sensitivity: 'personal', description: 'The personal identification number looked up.' },
      benefits: { category: 'social-insurance', sensitivity: 'personal', description: 'Benefits paid now or in the last year, with their dates.' },
      healthInsurance: { category: 'health-insurance', sensitivity: 'personal', description: 'Validity of the health insurance card.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const benefits = defineContract({
  id: 'social-insurance.benefits',
  title: 'Social insurance benefits',
  description: 'Benefits being paid (pension, sickness, maternity, unemployment...) and health insurance validity, by national ID.',
  provider: 'social-insurance',
  stewards: ['steward@vss.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 5_000)];
  },
});
