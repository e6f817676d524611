/**
 * social-insurance.participation: whether and how a person takes part in social insurance: type,
 * status, employer of record, contribution months. A land office reads it on a legal basis; a bank
 * only with the citizen's consent.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { PDPL_ART_19_1_C } from '../common.ts';
import { EnterpriseCode, NationalId, SocialInsuranceCode } from '../identifiers.ts';
import { ParticipationStatus, ParticipationType } from './vocabulary.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Response = z.strictObject({
    nationalId: NationalId,
    legacyCode: SocialInsuranceCode,
    participationType: ParticipationType,
    status: ParticipationStatus,
    employerCode: EnterpriseCode.nullable().describe('Enterprise code of the employer of record; null for voluntary participants.'),
    contributionMonths: z.number().int().min(0).describe('Months of contributions on record.'),
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['hanoi-land-office', 'demo-commercial-bank'],
    purposes: [
      {
        code: 'LAND_REGISTRATION',
        description:
          'Check whether the recipient of a rice-land transfer directly engages in agricultural production, i.e. has no employer of record (Land Law 2024, Art. 45.7).',
      },
      { code: 'LOAN_APPLICATION', description: 'Confirm the employment and contribution record a loan applicant declares.' },
    ],
    legalBases: [
      {
        id: 'pdpl-19-1-c-land-registration',
        ...PDPL_ART_19_1_C,
        sectoral: 'Land Law No. 31/2024/QH15, Art. 45.7; Decree 102/2024/ND-CP (individuals directly engaged in agricultural production)',
        consumers: ['hanoi-land-office'],
        purposes: ['LAND_REGISTRATION'],
      },
    ],
    retentionDays: 365 * 5,
    rateLimit: { perAgencyPerMinute: 1200 },
    subject: z.strictObject({ nationalId: NationalId }),
    response: v1Response,
    fields: {
      nationalId: {
        category: 'identifier',
        sensitivity: 'personal',
        description: 'The personal identification number looked up (also the social insurance code since 1 July 2025).',
      },
      legacyCode: { category: 'identifier', sensitivity: 'personal', description: 'The legacy 10-digit social insurance code.' },
      participationType: { category: 'social-insurance', sensitivity: 'personal', description: 'COMPULSORY or VOLUNTARY.' },
      status: { category: 'social-insurance', sensitivity: 'personal', description: 'Participation status.' },
      employerCode: { category: 'employment', sensitivity: 'personal', description: 'Enterprise code of the employer of record, or null.' },
      contributionMonths: { category: 'social-insurance', sensitivity: 'personal', description: 'Months of contributions on record.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const participation = defineContract({
  id: 'social-insurance.participation',
  title: 'Social insurance participation',
  description: 'Participation type and status, employer of record and contribution months of a person, by national ID.',
  provider: 'social-insurance',
  stewards: ['steward@vss.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 7_000)];
  },
});
