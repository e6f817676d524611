/** The land register's vocabulary, shared by its contracts and its records. */
import * as z from 'zod';
import { PDPL_ART_19_1_C } from '../common.ts';
import { EnterpriseCode, NationalId } from '../identifiers.ts';
import type { LegalBasis } from '../model.ts';

/** Land use categories by their official short codes (a subset). */
export const LAND_USES = {
  ODT: 'Urban residential land',
  ONT: 'Rural residential land',
  LUC: 'Specialised wet rice land',
  BHK: 'Other annual crop land',
  CLN: 'Perennial crop land',
  NTS: 'Aquaculture land',
  TMD: 'Commercial and service land',
  SKC: 'Land for non-agricultural production facilities',
} as const;
export type LandUse = keyof typeof LAND_USES;
export const LandUse = z.enum(Object.keys(LAND_USES) as [LandUse, ...LandUse[]]).describe('Land use category code, e.g. ODT urban residential, LUC wet rice.');

/** Agricultural categories (the others are non-agricultural). */
export const AGRICULTURAL: readonly LandUse[] = ['LUC', 'BHK', 'CLN', 'NTS'];

export const CertificateSerial = z
  .string()
  .regex(/^[A-Z]{2} \d{6}$/, 'two capital letters, a space and six digits')
  .describe('Serial of the land use right certificate, e.g. "AK 123456".');

export const Owner = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('PERSON'), nationalId: NationalId, share: z.number().positive().max(100) }),
    z.strictObject({ kind: z.literal('ENTERPRISE'), enterpriseCode: EnterpriseCode, share: z.number().positive().max(100) }),
  ])
  .describe('A land user: a person by national ID or an enterprise by enterprise code, with the share held (per cent).');
export type Owner = z.infer<typeof Owner>;

export const Encumbrances = z.strictObject({
  mortgaged: z.boolean().describe('A mortgage of the land use right is registered.'),
  disputed: z.boolean().describe('A dispute over the parcel is on record.'),
});

/** `{ nationalId }` or `{ enterpriseCode }`, exactly one: who holds land. */
export const OwnerSubject = z
  .strictObject({ nationalId: NationalId.optional(), enterpriseCode: EnterpriseCode.optional() })
  .refine((s) => (s.nationalId === undefined) !== (s.enterpriseCode === undefined), {
    message: 'exactly one of nationalId or enterpriseCode',
  })
  .describe('The land user: { nationalId } for a person or { enterpriseCode } for an enterprise.');

/** The tax department's legal basis for reading land records, the same in every land contract it reads. */
export const LAND_TAX_BASIS: LegalBasis = {
  id: 'pdpl-19-1-c-land-tax',
  ...PDPL_ART_19_1_C,
  sectoral: 'Law on Non-agricultural Land Use Tax No. 48/2010/QH12; Law on Tax Administration No. 38/2019/QH14',
  consumers: ['danang-tax-office'],
  purposes: ['LAND_TAX_ASSESSMENT'],
};
