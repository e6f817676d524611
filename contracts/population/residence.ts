/**
 * population.residence: a citizen's permanent and temporary residence. Released only with the
 * citizen's consent for that agency and purpose.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { Address } from '../common.ts';
import { NationalId } from '../identifiers.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Response = z.strictObject({
    nationalId: NationalId,
    permanentResidence: Address,
    temporaryResidence: Address.nullable(),
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['hcmc-public-services', 'hanoi-land-office'],
    purposes: [
      { code: 'SOCIAL_ALLOWANCE_APPLICATION', description: 'Confirm the residence an applicant for a social allowance declares.' },
      { code: 'ADDRESS_CONFIRMATION', description: 'Confirm a correspondence address the citizen has declared.' },
    ],
    legalBases: [],
    retentionDays: 365,
    rateLimit: { perAgencyPerMinute: 600 },
    subject: z.strictObject({ nationalId: NationalId }),
    response: v1Response,
    fields: {
      nationalId: { category: 'identifier', sensitivity: 'personal', description: 'The personal identification number looked up.' },
      permanentResidence: { category: 'residence', sensitivity: 'personal', description: 'Registered permanent residence.' },
      temporaryResidence: { category: 'residence', sensitivity: 'personal', description: 'Registered temporary residence, or null.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const residence = defineContract({
  id: 'population.residence',
  title: 'Residence',
  description: 'Permanent and temporary residence of a citizen, released with the citizen’s consent.',
  provider: 'population',
  stewards: ['steward@population.mps.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 19_000)];
  },
});
