/** A record of Vietnam Social Security's participant database, keyed by national ID (the social insurance code since 1 July 2025). */
import * as z from 'zod';
import { EnterpriseCode, NationalId, SocialInsuranceCode } from '../../contracts/identifiers.ts';
import { Benefit, HealthInsurance, ParticipationStatus, ParticipationType } from '../../contracts/social-insurance/vocabulary.ts';

export const SALARY_BANDS = ['UNDER_5M', '5M_10M', '10M_20M', '20M_36M', 'OVER_36M'] as const;

/**
 * Built on first use (`z.lazy`): each adapter serves one registry and carries every registry module, so it
 * builds only its own registry's record schemas, when it first reads (see README, Cold start).
 */
export const SocialInsuranceRecord = z.lazy(() =>
  z.strictObject({
    nationalId: NationalId,
    legacyCode: SocialInsuranceCode,
    participationType: ParticipationType,
    status: ParticipationStatus,
    employerCode: EnterpriseCode.nullable(),
    contributionMonths: z.number().int().min(0),
    /** Monthly salary (or declared income) on which contributions are paid, in VND bands. */
    salaryBand: z.enum(SALARY_BANDS).nullable(),
    benefits: z.array(Benefit),
    healthInsurance: HealthInsurance.nullable(),
    updatedAt: z.iso.datetime(),
  }),
);
export type SocialInsuranceRecord = z.infer<typeof SocialInsuranceRecord>;
