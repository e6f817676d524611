/** A record of the National Population Database as ndx's population adapter reads it. */
import * as z from 'zod';
import { Address } from '../../contracts/common.ts';
import { NationalId } from '../../contracts/identifiers.ts';

/**
 * Built on first use (`z.lazy`): each adapter serves one registry and carries every registry module, so it
 * builds only its own registry's record schemas, when it first reads (see README, Cold start).
 */
export const PopulationRecord = z.lazy(() =>
  z.strictObject({
    nationalId: NationalId,
    fullName: z.string().min(1),
    dateOfBirth: z.iso.date(),
    sex: z.enum(['MALE', 'FEMALE']),
    ethnicity: z.string(),
    nationality: z.string(),
    birthRegistrationProvince: z.string(),
    permanentResidence: Address,
    temporaryResidence: Address.nullable(),
    household: z.strictObject({ headNationalId: NationalId, relationship: z.string() }),
    maritalStatus: z.enum(['SINGLE', 'MARRIED', 'DIVORCED', 'WIDOWED']),
    status: z.enum(['LIVING', 'DECEASED']),
    updatedAt: z.iso.datetime(),
  }),
);
export type PopulationRecord = z.infer<typeof PopulationRecord>;
