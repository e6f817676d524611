/** Vietnam Social Security's vocabulary, shared by its contracts and its records. */
import * as z from 'zod';
import { IsoDate } from '../common.ts';

export const ParticipationType = z.enum(['COMPULSORY', 'VOLUNTARY']).describe('Compulsory (through an employer) or voluntary participation.');

export const ParticipationStatus = z
  .enum(['PARTICIPATING', 'PAUSED', 'STOPPED', 'RETIRED', 'DECEASED'])
  .describe('PARTICIPATING: contributions are being paid; PAUSED: temporarily not; STOPPED: left; RETIRED: on a pension; DECEASED: the participant has died.');

export const BENEFIT_TYPES = ['PENSION', 'SICKNESS', 'MATERNITY', 'UNEMPLOYMENT', 'WORK_ACCIDENT', 'SURVIVOR'] as const;
export const Benefit = z.strictObject({
  type: z.enum(BENEFIT_TYPES),
  since: IsoDate,
  until: IsoDate.nullable().describe('Last day paid; null while open-ended (e.g. a pension).'),
});

export const HealthInsurance = z.strictObject({ validFrom: IsoDate, validUntil: IsoDate }).describe('Validity of the health insurance card.');
