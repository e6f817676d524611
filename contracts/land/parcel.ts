/**
 * land.parcel: one land parcel of the National Land Database: where it is, its size and use, its
 * users with their shares, its certificate and encumbrances. Read by land registration offices and
 * tax departments under their sectoral laws.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { Address, IsoDate, PDPL_ART_19_1_C } from '../common.ts';
import { ParcelId } from '../identifiers.ts';
import { CertificateSerial, LAND_TAX_BASIS, Encumbrances, LandUse, Owner } from './vocabulary.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Response = z.strictObject({
    parcelId: ParcelId,
    address: Address,
    area: z.number().positive().describe('Area in square metres.'),
    landUse: LandUse,
    useUntil: IsoDate.nullable().describe('End of the land use term; null for stable long-term use.'),
    owners: z.array(Owner).min(1),
    certificateSerial: CertificateSerial,
    encumbrances: Encumbrances,
    lastTransactionDate: IsoDate.nullable().describe('Date of the last registered transfer, or null.'),
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['hanoi-land-office', 'danang-tax-office'],
    purposes: [
      { code: 'LAND_REGISTRATION', description: 'Register a land use right, its transfer or mortgage: check the parcel, its users and encumbrances.' },
      { code: 'LAND_TAX_ASSESSMENT', description: 'Assess non-agricultural land use tax or land use fees for a parcel.' },
    ],
    legalBases: [
      {
        id: 'pdpl-19-1-c-land-registration',
        ...PDPL_ART_19_1_C,
        sectoral: 'Land Law No. 31/2024/QH15 and Decree 101/2024/ND-CP (land registration)',
        consumers: ['hanoi-land-office'],
        purposes: ['LAND_REGISTRATION'],
      },
      LAND_TAX_BASIS,
    ],
    retentionDays: 365 * 10,
    rateLimit: { perAgencyPerMinute: 3000 },
    subject: z.strictObject({ parcelId: ParcelId }),
    response: v1Response,
    fields: {
      parcelId: { category: 'land', sensitivity: 'none', description: 'The parcel id looked up.' },
      address: { category: 'land', sensitivity: 'none', description: 'Where the parcel lies.' },
      area: { category: 'land', sensitivity: 'none', description: 'Area in square metres.' },
      landUse: { category: 'land', sensitivity: 'none', description: 'Land use category code.' },
      useUntil: { category: 'land', sensitivity: 'none', description: 'End of the use term, or null for long-term use.' },
      owners: { category: 'identifier', sensitivity: 'personal', description: 'Land users (national ID or enterprise code) with their shares.' },
      certificateSerial: { category: 'land', sensitivity: 'personal', description: 'Serial of the land use right certificate issued to the users.' },
      encumbrances: { category: 'financial', sensitivity: 'personal', description: 'Whether a mortgage or a dispute is registered.' },
      lastTransactionDate: { category: 'land', sensitivity: 'personal', description: 'Date of the last registered transfer.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const parcel = defineContract({
  id: 'land.parcel',
  title: 'Land parcel',
  description: 'A land parcel by its id: location, area, land use and term, users and shares, certificate, encumbrances.',
  provider: 'land',
  stewards: ['steward@land.mae.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 14_000)];
  },
});
